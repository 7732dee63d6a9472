import { ALL_SCOPES, createApiKey } from '../keys/api-keys.ts';
import { isValidTimezone } from '../programs/expiry-policy.ts';
import { archiveProgram, createProgramWith, findProgram, listPrograms } from '../programs/program-store.ts';
import type { Program } from '../programs/program-types.ts';
import { systemClock } from '../shared/clock.ts';
import { withDatabase } from './cli-database.ts';
import { DATABASE_FLAGS, parse, UsageError } from './options.ts';

/**
 * `jifen programs create|list|archive`: the deployment's programs, as the admin key manages them
 * over the API. `create` also mints the new program's owner key (printed once).
 */

const PROGRAMS_FLAGS = {
  ...DATABASE_FLAGS,
  name: { type: 'string' },
  currency: { type: 'string' },
  timezone: { type: 'string' },
} as const;

function line(program: Program): string {
  const state = program.archivedAt ? `archived ${program.archivedAt}` : 'live';
  return `${program.id}\t${program.name}\t${program.currency}\t${program.timezone}\t${state}`;
}

export async function programsCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, PROGRAMS_FLAGS);
  const [action, programId] = positionals;
  if (action === 'create') {
    if (!values.name) throw new UsageError('programs create needs --name, e.g. --name "Tea House"');
    if (values.currency !== undefined && !/^[A-Z]{3}$/.test(values.currency))
      throw new UsageError(
        `--currency must be an ISO 4217 code such as CNY or USD, got "${values.currency}"`,
      );
    if (values.timezone !== undefined && !isValidTimezone(values.timezone))
      throw new UsageError(
        `--timezone must be an IANA timezone such as Asia/Shanghai, got "${values.timezone}"`,
      );
    return withDatabase(values, async (db) => {
      const now = systemClock.now();
      const { program, secret } = await db.transaction(async (tx) => {
        const created = await createProgramWith(
          tx,
          {
            name: values.name!,
            ...(values.currency ? { currency: values.currency } : {}),
            ...(values.timezone ? { timezone: values.timezone } : {}),
          },
          now,
        );
        const owner = await createApiKey(tx, created.id, { name: 'owner', scopes: [ALL_SCOPES] }, now);
        return { program: created, secret: owner.secret };
      });
      console.log(
        `created program ${program.id} "${program.name}" (${program.currency}, ${program.timezone})`,
      );
      console.log(`\n  Owner API key (shown only this once; store it now):\n\n    ${secret}\n`);
      return 0;
    });
  }
  if (action === 'list') {
    return withDatabase(values, async (db) => {
      let afterId: string | undefined;
      for (;;) {
        const page = await listPrograms(db, { afterId, limit: 200 });
        for (const program of page) console.log(line(program));
        if (page.length < 200) return 0;
        afterId = page.at(-1)!.id;
      }
    });
  }
  if (action === 'archive') {
    if (!programId)
      throw new UsageError('programs archive needs the program id, e.g. jifen programs archive prg_01...');
    return withDatabase(values, async (db) => {
      const before = await findProgram(db, programId);
      if (!before)
        throw new UsageError(
          `There is no program "${programId}" in this database (see jifen programs list).`,
        );
      const program = await archiveProgram(db, programId, systemClock.now());
      console.log(
        before.archivedAt
          ? `${programId} was already archived at ${before.archivedAt}`
          : `archived ${programId} at ${program!.archivedAt}: reads and exports keep working, writes answer 409 program_archived`,
      );
      return 0;
    });
  }
  throw new UsageError('programs needs create, list or archive');
}

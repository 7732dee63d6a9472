import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { printBootstrapKeys } from '../cli/bootstrap-output.ts';
import { type CliDatabase, withDatabase } from '../cli/cli-database.ts';
import { booleanEnv, DATABASE_FLAGS, parse, UsageError } from '../cli/options.ts';
import { type MemberView, memberView } from '../http/member-view.ts';
import { ALL_SCOPES, createApiKey } from '../keys/api-keys.ts';
import { bootstrap } from '../programs/bootstrap.ts';
import { createProgramWith, findProgramByName } from '../programs/program-store.ts';
import { formatMoney, minorDigits } from '../rules/money-text.ts';
import { systemClock } from '../shared/clock.ts';
import { JifenError } from '../shared/errors.ts';
import { formatDemoSummary } from './demo-summary.ts';
import { DEMO_EXPIRY_POLICY, DemoSetupError, loadDemo } from './load-demo.ts';

/**
 * `jifen demo`: loads a year of a real shop into its own program, "demo" (creating it, and printing
 * its owner key, when missing), so a new user sees real balances, lots and reasons at once.
 */

export const DEFAULT_CSV = '../shared/data/uci-online-retail-invoices.csv';
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

const DEMO_FLAGS = {
  ...DATABASE_FLAGS,
  csv: { type: 'string' },
} as const;

export async function demoCommand(args: string[]): Promise<number> {
  const { values } = parse(args, DEMO_FLAGS);
  // As `serve` reads it: webhooks registered on this database may reach private networks only then.
  const webhookAllowPrivateNetworks = booleanEnv('JIFEN_WEBHOOK_ALLOW_PRIVATE', false);
  const csvPath = csvFile(values.csv);
  const csvText = await readFile(csvPath, 'utf8');
  return withDatabase(values, async (db) => {
    const { programId, key } = await demoProgram(db);
    console.log(
      `demo: replaying ${relative(process.cwd(), csvPath) || csvPath} into program ${programId}: ` +
        'rules, then events a week at a time through dated intake (each counts from when it happened), then sweeps',
    );
    let summary: Awaited<ReturnType<typeof loadDemo>>;
    try {
      summary = await loadDemo(db, {
        programId,
        csvText,
        clock: systemClock,
        onProgress: progressPrinter(),
        webhookAllowPrivateNetworks,
      });
    } catch (error) {
      if (error instanceof DemoSetupError) throw new UsageError(error.message);
      throw error;
    }
    console.log(
      `demo: ${summary.events.toLocaleString('en-US')} events dated ${summary.firstDay} … ${summary.lastDay}, ` +
        `pounds converted at £1 = ${formatMoney(Math.round(summary.ratePerGbp * 10 ** minorDigits(summary.currency)), summary.currency)}; ` +
        `${summary.rulesCreated} rule(s) created; ` +
        (summary.expiryPolicySet
          ? `points now expire ${DEMO_EXPIRY_POLICY.count} ${DEMO_EXPIRY_POLICY.unit} after they become available`
          : 'expiry policy left as it was'),
    );
    const member = summary.showcaseMemberId
      ? await memberOrNull(db, programId, summary.showcaseMemberId)
      : null;
    console.log(formatDemoSummary(summary, { databaseArgs: databaseArgs(values), key, member }));
    return 0;
  });
}

/** --csv as given (relative to the working directory), or the data set next to the repository. */
function csvFile(flag: string | undefined): string {
  if (flag !== undefined) {
    const path = resolve(flag);
    if (!existsSync(path)) throw new UsageError(`--csv: there is no file at ${path}`);
    return path;
  }
  const candidates = [...new Set([resolve(DEFAULT_CSV), resolve(REPO_ROOT, DEFAULT_CSV)])];
  const found = candidates.find((path) => existsSync(path));
  if (!found) {
    throw new UsageError(
      `the demo data is not at ${candidates.join(' nor ')}; pass --csv PATH to uci-online-retail-invoices.csv`,
    );
  }
  return found;
}

/** The name of the demo's own program: found by it, so a second run reuses it. */
export const DEMO_PROGRAM_NAME = 'demo';

/**
 * The program to load into: the program named "demo", created if missing, never another program
 * (whose rules and settings the demo would change). On an empty database it is the first program,
 * bootstrapped with the deployment's admin key; its owner key (and the admin key) are printed once.
 */
async function demoProgram(db: CliDatabase): Promise<{ programId: string; key: string | null }> {
  const found = await findProgramByName(db, DEMO_PROGRAM_NAME);
  if (found) {
    if (found.archivedAt !== null) {
      throw new UsageError(
        `the demo's program ${found.id} was archived at ${found.archivedAt}; load the demo into a fresh --data directory`,
      );
    }
    return { programId: found.id, key: null };
  }
  const bootstrapKey = process.env.JIFEN_BOOTSTRAP_KEY || undefined;
  const adminKey = process.env.JIFEN_ADMIN_KEY || undefined;
  const now = systemClock.now();
  const created = await bootstrap(db, now, bootstrapKey, adminKey, DEMO_PROGRAM_NAME);
  if (created) {
    console.log(
      `demo: created the program "${DEMO_PROGRAM_NAME}" ${created.programId}, its owner API key and the admin key.`,
    );
    printBootstrapKeys(created, { owner: !bootstrapKey, admin: !adminKey });
    return { programId: created.programId, key: bootstrapKey ? null : created.secret };
  }
  const { program, secret } = await db.transaction(async (tx) => {
    const program = await createProgramWith(tx, { name: DEMO_PROGRAM_NAME }, now);
    const owner = await createApiKey(tx, program.id, { name: 'owner', scopes: [ALL_SCOPES] }, now);
    return { program, secret: owner.secret };
  });
  console.log(`demo: created the program "${DEMO_PROGRAM_NAME}" ${program.id} and its owner API key.`);
  console.log(`\n  Owner API key (shown only this once; store it now):\n\n    ${secret}\n`);
  return { programId: program.id, key: secret };
}

async function memberOrNull(
  db: CliDatabase,
  programId: string,
  memberId: string,
): Promise<MemberView | null> {
  try {
    return await memberView(db, programId, memberId, systemClock.now());
  } catch (error) {
    if (error instanceof JifenError) return null;
    throw error;
  }
}

function databaseArgs(values: { data?: string | undefined; 'database-url'?: string | undefined }): string {
  if (values['database-url']) return ' --database-url …';
  if (values.data) return ` --data ${values.data}`;
  return '';
}

/** A bar that fills on a terminal; a plain line per quarter otherwise (logs, tests). */
function progressPrinter(): (done: number, total: number) => void {
  const tty = process.stdout.isTTY === true;
  const width = 30;
  let lastQuarter = 0;
  return (done, total) => {
    const percent = Math.floor((done / total) * 100);
    const text = `demo: ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} events (${percent}%)`;
    if (tty) {
      const filled = Math.round((done / total) * width);
      const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
      process.stdout.write(`\r${bar} ${text}${done === total ? '\n' : ''}`);
      return;
    }
    const quarter = Math.floor(percent / 25);
    if (quarter > lastQuarter || done === total) {
      lastQuarter = quarter;
      console.log(text);
    }
  };
}

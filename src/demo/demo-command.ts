import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CliDatabase, programFor, withDatabase } from '../cli/cli-database.ts';
import { booleanEnv, DATABASE_FLAGS, parse, UsageError } from '../cli/options.ts';
import { type MemberView, memberView } from '../http/member-view.ts';
import { bootstrap } from '../programs/bootstrap.ts';
import { getProgram } from '../programs/program-store.ts';
import { formatMoney, minorDigits } from '../rules/money-text.ts';
import { systemClock } from '../shared/clock.ts';
import { JifenError } from '../shared/errors.ts';
import { formatDemoSummary } from './demo-summary.ts';
import { DEMO_EXPIRY_POLICY, DemoSetupError, loadDemo } from './load-demo.ts';

/**
 * `jifen demo`: loads a year of a real shop into the default program (creating it, and printing its
 * owner key, on an empty database), so a new user sees real balances, lots and reasons at once.
 */

export const DEFAULT_CSV = '../shared/data/uci-online-retail-invoices.csv';
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

const DEMO_FLAGS = {
  ...DATABASE_FLAGS,
  csv: { type: 'string' },
  program: { type: 'string' },
} as const;

export async function demoCommand(args: string[]): Promise<number> {
  const { values } = parse(args, DEMO_FLAGS);
  // As `serve` reads it: webhooks registered on this database may reach private networks only then.
  const webhookAllowPrivateNetworks = booleanEnv('JIFEN_WEBHOOK_ALLOW_PRIVATE', false);
  const csvPath = csvFile(values.csv);
  const csvText = await readFile(csvPath, 'utf8');
  return withDatabase(values, async (db) => {
    const { programId, key } = await demoProgram(db, values.program);
    console.log(
      `demo: replaying ${relative(process.cwd(), csvPath) || csvPath} into program ${programId}: ` +
        'rules, then events a day at a time, then sweeps',
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

/** The program to load into: the only one (created with its owner key on an empty database) or --program. */
async function demoProgram(
  db: CliDatabase,
  requested: string | undefined,
): Promise<{ programId: string; key: string | null }> {
  if (requested) {
    try {
      await getProgram(db, requested);
    } catch {
      throw new UsageError(`--program: there is no program "${requested}"`);
    }
    return { programId: requested, key: null };
  }
  const [any] = await db.query('select 1 from programs limit 1');
  if (!any) {
    const bootstrapKey = process.env.JIFEN_BOOTSTRAP_KEY || undefined;
    const created = await bootstrap(db, systemClock.now(), bootstrapKey);
    if (created) {
      console.log(`demo: created the default program ${created.programId} and its owner API key.`);
      if (bootstrapKey) return { programId: created.programId, key: null };
      console.log(`\n  Owner API key (shown only this once; store it now):\n\n    ${created.secret}\n`);
      return { programId: created.programId, key: created.secret };
    }
  }
  return { programId: await programFor(db, undefined), key: null };
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

/** One line that counts up on a terminal; a line per quarter otherwise (logs, tests). */
function progressPrinter(): (done: number, total: number) => void {
  const tty = process.stdout.isTTY === true;
  let lastQuarter = 0;
  return (done, total) => {
    const percent = Math.floor((done / total) * 100);
    const text = `demo: ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} events (${percent}%)`;
    if (tty) {
      process.stdout.write(`\r${text}${done === total ? '\n' : ''}`);
      return;
    }
    const quarter = Math.floor(percent / 25);
    if (quarter > lastQuarter || done === total) {
      lastQuarter = quarter;
      console.log(text);
    }
  };
}

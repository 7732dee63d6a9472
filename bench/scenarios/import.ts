// Scenario `import` (issue 15): `jifen import ... --commit` as an operator runs it, as a child
// process on a fresh PostgreSQL database: --import-rows member rows (default 100,000), then as many
// historical order events over those members, dated across the past year and judged by a published
// rule. Each is timed from the command's start to its exit (the dry run's check, the staging and
// the commit: target under a minute each) with the process's peak RSS (a streamed file: the
// memory stays flat however long the file is; 300 MB for a million rows).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from '../../src/db/database.ts';
import { migrate } from '../../src/db/migrate.ts';
import { openDatabase } from '../../src/db/open-database.ts';
import { bootstrap } from '../../src/programs/bootstrap.ts';
import { createRule, publishDraft } from '../../src/rules/rule-store.ts';
import type { RuleDefinition } from '../../src/rules/rule-types.ts';
import { freshPostgres, freshTempDir } from '../databases.ts';
import type { ScenarioResult } from '../report.ts';
import { type BenchContext, NOT_COMPARED, oneRunLatency, seconds } from './common.ts';
import { runJifen } from './demo.ts';

const NOW = Date.now();
const DAY_MS = 86_400_000;

const RULE: RuleDefinition = {
  name: { 'zh-CN': '消费积分', en: 'Purchase points' },
  trigger: 'order.paid',
  reward: { kind: 'per_amount', points: 1, perAmountMinor: 100 },
  target: { points: 1, growth: 1 },
  pendingDays: 7,
} as RuleDefinition;

function membersFile(path: string, rows: number): void {
  const lines = ['memberId,birthday,tags,joinedAt,channel'];
  for (let i = 1; i <= rows; i++) {
    const month = String((i % 12) + 1).padStart(2, '0');
    const day = String((i % 28) + 1).padStart(2, '0');
    lines.push(
      `m${i},19${60 + (i % 40)}-${month}-${day},${i % 5 === 0 ? 'vip' : ''},2023-${month}-${day} 10:00,store`,
    );
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

function eventsFile(path: string, rows: number, members: number): void {
  const lines = ['id,memberId,type,occurredAt,orderId,amountMinor,currency'];
  for (let i = 1; i <= rows; i++) {
    // Spread over the past year (not the last day: a date in the future is refused).
    const at = new Date(NOW - DAY_MS - ((i * 7919) % (364 * DAY_MS)));
    lines.push(
      `ev${i},m${((i * 31) % members) + 1},order.paid,${at.toISOString()},o${i},${1_000 + ((i * 37) % 50_000)},CNY`,
    );
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

/** The scenario's two figures, members then events, from one run (the events need the members). */
export function importSteps(): {
  label: string;
  needsPostgres: true;
  run: (context: BenchContext) => Promise<ScenarioResult>;
}[] {
  let both: Promise<ScenarioResult[]> | null = null;
  const once = (context: BenchContext) => {
    both ??= runImport(context);
    return both;
  };
  return [
    { label: 'import-members', needsPostgres: true, run: async (context) => (await once(context))[0]! },
    { label: 'import-events', needsPostgres: true, run: async (context) => (await once(context))[1]! },
  ];
}

async function runImport(context: BenchContext): Promise<ScenarioResult[]> {
  const { options, log } = context;
  const rows = options.importRows;
  const database = await freshPostgres(options.databaseUrl, 'import');
  const dir = freshTempDir('import');
  let db: Database | null = null;
  try {
    db = await openDatabase({ databaseUrl: database.url, maxConnections: 2 });
    await migrate(db);
    const boot = await bootstrap(db, new Date(NOW));
    if (!boot) throw new Error('bootstrap found keys in a fresh database');
    const rule = await db.transaction((tx) => createRule(tx, boot.programId, RULE, new Date(NOW)));
    await db.transaction((tx) => publishDraft(tx, boot.programId, rule.ruleId, new Date(NOW)));
    const members = join(dir.path, 'members.csv');
    const events = join(dir.path, 'events.csv');
    membersFile(members, rows);
    eventsFile(events, rows, rows);
    log(
      `  ${rows.toLocaleString('en-US')} member rows and ${rows.toLocaleString('en-US')} event rows written`,
    );

    const results: ScenarioResult[] = [];
    for (const [kind, file] of [
      ['members', members],
      ['events', events],
    ] as const) {
      const run = await runJifen(['import', kind, file, '--commit', '--database-url', database.url]);
      if (run.code !== 0)
        throw new Error(`jifen import ${kind} exited with ${run.code}:\n${run.output.slice(-2000)}`);
      const applied = Number(/committed: (\d+) rows applied/.exec(run.output)?.[1] ?? 0);
      if (applied !== rows)
        context.failures.push(`import ${kind}: ${applied} rows applied, expected ${rows}`);
      const runSeconds = seconds(run.ms);
      log(
        `  jifen import ${kind}: ${applied.toLocaleString('en-US')} rows in ${runSeconds} s, peak RSS ${run.rssMb ?? '?'} MB`,
      );
      results.push({
        id: kind === 'members' ? 'import-members' : 'import-events',
        name: `jifen import ${kind} --commit (PostgreSQL)`,
        engine: 'postgres',
        unit: 'rows',
        latencyOf: 'batch',
        clients: 1,
        batchSize: 1_000,
        measuredSeconds: runSeconds,
        ops: applied,
        perSecond: applied / runSeconds,
        errors: rows - applied,
        latencyMs: oneRunLatency(run.ms),
        kinds: {},
        setup: { rows, peakRssMb: run.rssMb ?? -1 },
        ...NOT_COMPARED,
        notes: [
          'the CLI as a child process: the dry run (read, check, stage) and the commit, timed to its exit',
          kind === 'events'
            ? 'dated intake: each event counts from its occurredAt (spread over the past year), judged by one published rule with a 7-day pending period'
            : 'set-based upserts, 1,000 rows a transaction',
        ],
      });
    }
    return results;
  } finally {
    await db?.close();
    await database.drop();
    dir.remove();
  }
}

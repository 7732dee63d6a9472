// Scenario tier-eval (issue 4): the evaluation sweep over --tier-members members (default
// 1,000,000) on a fresh PostgreSQL database. Setup (not measured) writes, set-based, a member, a
// growth entry in the window and a tier row due for evaluation for each; then runTierSweeps() runs
// (two at once, as two servers) until nothing is due, and the history is checked: exactly one
// evaluation per member.
import type { Database } from '../../src/db/database.ts';
import { migrate } from '../../src/db/migrate.ts';
import { openDatabase } from '../../src/db/open-database.ts';
import { bootstrap } from '../../src/programs/bootstrap.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { runTierSweeps } from '../../src/tiers/tier-evaluation.ts';
import { putTierConfig } from '../../src/tiers/tier-store.ts';
import type { TierConfig } from '../../src/tiers/tier-types.ts';
import { freshPostgres } from '../databases.ts';
import type { ScenarioResult } from '../report.ts';
import { nowMs } from '../stats.ts';
import { type BenchContext, NOT_COMPARED, oneRunLatency, seconds } from './common.ts';

const name = (zh: string, en: string) => ({ 'zh-CN': zh, en });
const TIERS: TierConfig = {
  tiers: [
    { code: 'normal', name: name('普通', 'Member'), entryGrowth: 0, retainGrowth: 0 },
    { code: 'silver', name: name('银卡', 'Silver'), entryGrowth: 10_000, retainGrowth: 8_000 },
    { code: 'gold', name: name('金卡', 'Gold'), entryGrowth: 30_000, retainGrowth: 24_000 },
    { code: 'diamond', name: name('钻石', 'Diamond'), entryGrowth: 100_000, retainGrowth: 80_000 },
  ],
  window: { kind: 'calendar_year' },
  evaluation: { kind: 'period_end', every: 'year' },
  downgrade: 'one_step',
};
const YEAR_START = '2026-01-01T00:00:00+08:00';
const EVALUATION = '2027-01-01T00:00:00+08:00';

export async function runTierEvaluation(context: BenchContext): Promise<ScenarioResult> {
  const { options, log } = context;
  const members = options.tierMembers;
  const database = await freshPostgres(options.databaseUrl, 'tiers');
  let db: Database | null = null;
  try {
    db = await openDatabase({ databaseUrl: database.url, maxConnections: 4 });
    await migrate(db);
    const boot = await bootstrap(db, new Date(YEAR_START));
    if (!boot) throw new Error('bootstrap found keys in a fresh database');
    const programId = boot.programId;
    await db.transaction((tx) => putTierConfig(tx, programId, TIERS, new Date(YEAR_START)));
    let started = nowMs();
    // Growth spread 0..119,999: a quarter of the members keep their tier, the rest drop one step.
    // Each member's key is made from its number here (Jifen's own keys are random): rows refer to it.
    await db.query(
      `insert into members (program_id, member_id, member_key, joined_at, growth_points, created_at, updated_at)
       select $1, 'm' || i, 'mbr_bench' || i, $2, (i::int8 * 7919) % 120000, $2, $2 from generate_series(1, $3) as i`,
      [programId, YEAR_START, members],
    );
    await db.query(
      `insert into entries (program_id, id, txn_id, member_key, type, growth_delta, contra_account, contra_delta,
                            available_after, pending_after, held_after, debt_after, growth_after, source,
                            reason_zh, reason_en, created_at)
       select $1, 'ent_bench' || i, 'txn_bench' || i, 'mbr_bench' || i, 'growth', (i::int8 * 7919) % 120000, 'growth_issued',
              -((i::int8 * 7919) % 120000), 0, 0, 0, 0, (i::int8 * 7919) % 120000, '{"kind":"api"}', 'bench', 'bench',
              $2::timestamptz + interval '100 days'
         from generate_series(1, $3) as i where (i::int8 * 7919) % 120000 > 0`,
      [programId, YEAR_START, members],
    );
    await db.query(
      `insert into member_tiers (program_id, member_key, earned_tier, since, floor_tier, next_evaluation_at, updated_at)
       select $1, 'mbr_bench' || i, t.code, $2, t.code, $3, $2
         from generate_series(1, $4) as i
         cross join lateral (select case (i % 3) when 0 then 'silver' when 1 then 'gold' else 'diamond' end as code) t`,
      [programId, YEAR_START, EVALUATION, members],
    );
    await db.query('analyze');
    const setupSeconds = seconds(nowMs() - started);
    log(
      `  ${members.toLocaleString('en-US')} members with growth and a tier due for evaluation, in ${setupSeconds}s`,
    );

    const clock = new ManualClock(new Date(new Date(EVALUATION).getTime() + 1000));
    started = nowMs();
    // Two sweepers, as two servers would run them: SKIP LOCKED splits the batches between them.
    const store = db;
    const sweeps = await Promise.all([runTierSweeps(store, clock, 5000), runTierSweeps(store, clock, 5000)]);
    const result = {
      evaluated: sweeps.reduce((sum, sweep) => sum + sweep.evaluated, 0),
      downgraded: sweeps.reduce((sum, sweep) => sum + sweep.downgraded, 0),
    };
    const elapsedMs = nowMs() - started;
    const [history] = await db.query<{ evaluations: string; members: string }>(
      `select count(*)::int8 as evaluations, count(distinct member_key)::int8 as members
         from tier_history where period is not null`,
    );
    const evaluations = Number(history?.evaluations ?? 0);
    if (result.evaluated !== members || evaluations !== members || Number(history?.members) !== members) {
      context.failures.push(
        `tier-eval: ${result.evaluated} evaluated, ${evaluations} history rows for ${history?.members} members; expected ${members} of each`,
      );
    }
    const perSecond = members / (elapsedMs / 1000);
    return {
      id: 'tier-eval',
      name: 'tier evaluation sweep',
      engine: 'postgres',
      unit: 'members',
      latencyOf: 'batch',
      clients: 2,
      batchSize: 5000,
      measuredSeconds: seconds(elapsedMs),
      ops: members,
      perSecond,
      errors: 0,
      latencyMs: oneRunLatency(elapsedMs),
      kinds: {},
      setup: { members, setupSeconds, downgraded: result.downgraded },
      ...NOT_COMPARED,
      notes: [
        'two runTierSweeps() at once (as two servers), batches of 5,000 members; one history row per member checked after',
      ],
    };
  } finally {
    await db?.close();
    await database.drop();
  }
}

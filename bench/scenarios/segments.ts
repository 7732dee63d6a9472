// Scenario segments (issue 19): recomputing the lifecycle stages, RFM scores and segments of
// --segment-members members (default 1,000,000) on a fresh PostgreSQL database; target: a million in
// under 60 s. Setup (not measured) writes, set-based, the members, their paid orders over the last
// 400 days with the `order.paid` event of each, an `earn` entry per order, and four segments (one
// refers to another). Then: the first full recomputeProgram (every membership row inserted), a second
// one an hour later (steady state, few changes), and one member's segments read many times.
import { readFileSync, writeFileSync } from 'node:fs';
import type { Database, Queryable } from '../../src/db/database.ts';
import { migrate } from '../../src/db/migrate.ts';
import { openDatabase } from '../../src/db/open-database.ts';
import { loadMemberFacts } from '../../src/members/member-facts.ts';
import { asMemberKey } from '../../src/members/member-key.ts';
import { bootstrap } from '../../src/programs/bootstrap.ts';
import type { RuleProblem } from '../../src/rules/compile-condition.ts';
import { compileSegmentCondition } from '../../src/segments/compile-segment.ts';
import { judgesOf, recomputeProgram } from '../../src/segments/recompute-segments.ts';
import { memberSegmentsView } from '../../src/segments/segment-commands.ts';
import { planFacts } from '../../src/segments/segment-facts.ts';
import { insertSegment, listSegments, loadRun } from '../../src/segments/segment-store.ts';
import type { SegmentCondition } from '../../src/segments/segment-types.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { freshPostgres } from '../databases.ts';
import type { ScenarioResult } from '../report.ts';
import { type LatencySummary, nowMs, Samples } from '../stats.ts';
import { type BenchContext, NOT_COMPARED, seconds } from './common.ts';

/** The instant the recomputations run at: orders and joins are spread over the time before it. */
const NOW = '2026-12-01T12:00:00+08:00';
/** The issue's target: a million members in under this. */
const TARGET_SECONDS_PER_MILLION = 60;
const HOUR_MS = 3_600_000;

const SEGMENTS: Array<{ id: string; en: string; zh: string; condition: SegmentCondition }> = [
  {
    id: 'regulars',
    en: 'Regulars',
    zh: '常客',
    condition: { field: 'activity.orders.90d', op: 'gte', value: 3 },
  },
  {
    id: 'big_spenders',
    en: 'Big spenders',
    zh: '高消费',
    condition: { field: 'activity.spendMinor.365d', op: 'gte', value: 100_000 },
  },
  {
    id: 'valuable_active',
    en: 'Valuable and active',
    zh: '活跃高价值',
    condition: {
      all: [
        { field: 'rfm.monetary', op: 'gte', value: 4 },
        { field: 'member.stage', op: 'eq', value: 'active' },
      ],
    },
  },
  {
    id: 'loyal_earners',
    en: 'Regulars who earn',
    zh: '积分常客',
    condition: {
      all: [
        { field: 'member.segments', op: 'contains', value: 'regulars' },
        { field: 'activity.pointsEarned.365d', op: 'gte', value: 1_000 },
      ],
    },
  },
];

/** What each kind of statement of a recomputation cost, by the start of its text. */
const STATEMENT_KINDS: Array<[string, string]> = [
  ['create temp table segment_facts', 'facts (create temp table as)'],
  ['create index on segment_facts', 'facts index'],
  ['analyze segment_facts', 'facts analyze'],
  ['select percentile_disc', 'RFM cut points'],
  ['select * from segment_facts', 'chunk reads'],
  ['select member_key, segment_id, since from member_segments', 'current memberships'],
  ['with gone as', 'membership writes'],
];

interface StatementTimes {
  byKind: Map<string, { count: number; ms: number }>;
}

/** The database with every statement's time (round trip and row parsing included) added up by kind. */
function timed(db: Database, times: StatementTimes): Database {
  const record = (sql: string, ms: number) => {
    const text = sql.trimStart();
    const kind = STATEMENT_KINDS.find(([prefix]) => text.startsWith(prefix))?.[1] ?? 'other';
    const figures = times.byKind.get(kind) ?? { count: 0, ms: 0 };
    figures.count++;
    figures.ms += ms;
    times.byKind.set(kind, figures);
  };
  const wrap = (q: Queryable): Queryable => ({
    async query<Row>(sql: string, params?: readonly unknown[]) {
      const started = nowMs();
      try {
        return await q.query<Row>(sql, params);
      } finally {
        record(sql, nowMs() - started);
      }
    },
    exec: (sql) => q.exec(sql),
  });
  const wrapped = wrap(db);
  return {
    ...db,
    engine: db.engine,
    query: wrapped.query,
    exec: wrapped.exec,
    transaction: (work) => db.transaction((tx) => work(wrap(tx))),
    background: () => db.background(),
    poolUsage: () => db.poolUsage(),
    close: () => db.close(),
  };
}

function summarize(values: readonly number[]): LatencySummary {
  const samples = new Samples();
  for (const value of values) samples.add(value);
  return samples.summary();
}

/** This process's peak RSS (VmHWM) in MB, or null off Linux. */
function peakRssMb(): number | null {
  try {
    const kb = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    return kb ? Math.round(Number(kb) / 1024) : null;
  } catch {
    return null;
  }
}

/** Resets VmHWM to the current RSS (Linux ≥ 4.0), so the peak is the measured work's; false if refused. */
function resetPeakRss(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

async function membershipFigures(db: Database, programId: string, since: Date) {
  const [row] = await db.query<{ rows: string; entered: string }>(
    `select count(*)::int8 as rows, count(*) filter (where since = $2::timestamptz)::int8 as entered
       from member_segments where program_id = $1`,
    [programId, since.toISOString()],
  );
  return { rows: Number(row?.rows ?? 0), entered: Number(row?.entered ?? 0) };
}

/** Writes the program's members, orders, their events and earn entries, set-based (not measured). */
async function fill(db: Database, programId: string, members: number): Promise<{ orders: number }> {
  // Member i joined up to three years ago (2.7% of them in the last 30 days: "new").
  await db.query(
    `insert into members (program_id, member_id, member_key, joined_at, created_at, updated_at)
     select $1, 'm' || i, 'mbr_bench' || i, j, j, j
       from generate_series(1, $3) as i
      cross join lateral (select $2::timestamptz - interval '1 second' * ((i::int8 * 2654435761) % (1095 * 86400)) as j) t`,
    [programId, NOW, members],
  );
  // Orders: a fifth of the members none, two fifths 1–2, three tenths 3–5, a tenth 6–12; each paid
  // between joining and now, within the last 400 days, ¥10–¥610.
  await db.query(
    `insert into orders (program_id, id, member_key, status, amount_minor, refunded_minor, items,
                         paid_event_id, created_at, updated_at)
     select $1, 'ord_bench' || i || '_' || k, 'mbr_bench' || i, 'paid', o.amount, 0, '[]',
            'evt_bench' || i || '_' || k, o.at, o.at
       from generate_series(1, $3) as i
      cross join lateral (select (i::int8 * 2654435761) % (1095 * 86400) as age,
                                 (i::int8 * 40503 + 12345) % 100 as h) m
      cross join lateral generate_series(1, case when m.h < 20 then 0 when m.h < 60 then 1 + m.h % 2
                                                 when m.h < 90 then 3 + m.h % 3 else 6 + m.h % 7 end) as k
      cross join lateral (
        select $2::timestamptz - interval '1 second'
                 * ((((i::int8 * 7919 + k * 104729) % 1000003) * 2654435761) % greatest(least(m.age, 400 * 86400), 1)) as at,
               1000 + (((i::int8 * 31 + k * 17) % 1000003) * 2654435761) % 60000 as amount) o`,
    [programId, NOW, members],
  );
  await db.query(
    `insert into events (program_id, id, type, occurred_at, received_at, attributes, order_id, request_hash,
                         points, growth, outcome, member_key)
     select program_id, paid_event_id, 'order.paid', created_at, created_at, '{}', id, 'bench',
            amount_minor / 100, 0, '{}', member_key
       from orders where program_id = $1`,
    [programId],
  );
  // One earn entry per order (1 point per ¥1), and the members' balances to match.
  await db.query(
    `insert into entries (program_id, id, txn_id, member_key, type, available_delta, contra_account, contra_delta,
                          available_after, pending_after, held_after, debt_after, growth_after, source,
                          reason_zh, reason_en, created_at)
     select program_id, 'ent_' || id, 'txn_' || id, member_key, 'earn', amount_minor / 100, 'issued',
            -(amount_minor / 100), 0, 0, 0, 0, 0, '{"kind":"api"}', 'bench', 'bench', created_at
       from orders where program_id = $1`,
    [programId],
  );
  await db.query(
    `update members m set available_points = p.points
       from (select member_key, sum(amount_minor / 100) as points from orders where program_id = $1 group by member_key) p
      where m.program_id = $1 and m.member_key = p.member_key`,
    [programId],
  );
  const [row] = await db.query<{ orders: string }>(
    'select count(*)::int8 as orders from orders where program_id = $1',
    [programId],
  );
  return { orders: Number(row?.orders ?? 0) };
}

export async function runSegments(context: BenchContext): Promise<ScenarioResult> {
  const { options, log } = context;
  const members = options.segmentMembers;
  const database = await freshPostgres(options.databaseUrl, 'segments');
  let db: Database | null = null;
  try {
    db = await openDatabase({ databaseUrl: database.url, maxConnections: 4 });
    await migrate(db);
    const clock = new ManualClock(NOW);
    const boot = await bootstrap(db, new Date(new Date(NOW).getTime() - 1200 * 86_400_000));
    if (!boot) throw new Error('bootstrap found keys in a fresh database');
    const programId = boot.programId;
    let started = nowMs();
    const { orders } = await fill(db, programId, members);
    // Defined as `createSegment` would (its checks), without its computation at once of small programs.
    for (const segment of SEGMENTS) {
      const problems: RuleProblem[] = [];
      compileSegmentCondition(segment.condition, 'condition', problems);
      if (problems.length > 0) throw new Error(`segment ${segment.id}: ${JSON.stringify(problems)}`);
      await insertSegment(
        db,
        programId,
        {
          id: segment.id,
          name: { 'zh-CN': segment.zh, en: segment.en },
          description: null,
          condition: segment.condition,
        },
        clock.now(),
      );
    }
    await db.query('vacuum analyze');
    const setupSeconds = seconds(nowMs() - started);
    log(
      `  ${members.toLocaleString('en-US')} members, ${orders.toLocaleString('en-US')} paid orders (each with its event and earn entry), ${SEGMENTS.length} segments, in ${setupSeconds}s`,
    );

    // (1) The first computation: every membership row is new.
    const times: StatementTimes = { byKind: new Map() };
    const store = timed(db, times);
    const rssBefore = peakRssMb();
    const rssReset = resetPeakRss();
    started = nowMs();
    const first = await recomputeProgram(store, programId, clock, { force: true });
    const firstMs = nowMs() - started;
    const firstPeakRss = peakRssMb();
    if (!first) throw new Error('the first recomputation did not run');
    const afterFirst = await membershipFigures(db, programId, clock.now());
    const firstTimes = new Map(times.byKind);
    times.byKind.clear();
    log(
      `  first recompute: ${first.members.toLocaleString('en-US')} members in ${seconds(firstMs)}s, ${afterFirst.rows.toLocaleString('en-US')} membership rows`,
    );

    // (2) An hour later, as the sweep would (default: every 60 minutes): only window edges move.
    clock.advance(HOUR_MS);
    started = nowMs();
    const second = await recomputeProgram(store, programId, clock, { force: true });
    const secondMs = nowMs() - started;
    const secondPeakRss = peakRssMb();
    if (!second) throw new Error('the second recomputation did not run');
    const afterSecond = await membershipFigures(db, programId, clock.now());
    const left = afterFirst.rows + afterSecond.entered - afterSecond.rows;
    const secondTimes = new Map(times.byKind);
    log(`  second recompute: ${seconds(secondMs)}s, ${afterSecond.entered} entered and ${left} left`);

    // (3) One member's segments: the key lookup rules make (loadMemberFacts), then the whole
    // `GET /v1/members/{id}/segments` (the member's facts judged again for "why").
    const lookups = Math.min(2_000, members);
    const keyMs: number[] = [];
    const viewMs: number[] = [];
    let seed = 42;
    const pick = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return 1 + (seed % members);
    };
    for (let n = 0; n < lookups; n++) {
      const i = pick();
      const t0 = nowMs();
      const facts = await loadMemberFacts(db, programId, [asMemberKey(`mbr_bench${i}`)]);
      keyMs.push(nowMs() - t0);
      if (facts.size !== 1) throw new Error(`member mbr_bench${i} not found`);
    }
    const views = Math.min(500, members);
    for (let n = 0; n < views; n++) {
      const i = pick();
      const t0 = nowMs();
      await memberSegmentsView(db, programId, `m${i}`, clock.now());
      viewMs.push(nowMs() - t0);
    }
    const keyLookup = summarize(keyMs);
    const view = summarize(viewMs);
    log(
      `  a member's segments: key lookup p50 ${keyLookup.p50.toFixed(3)} ms (p99 ${keyLookup.p99.toFixed(3)}), GET view p50 ${view.p50.toFixed(3)} ms (p99 ${view.p99.toFixed(3)})`,
    );

    const targetSeconds = (TARGET_SECONDS_PER_MILLION * members) / 1_000_000;
    const breakdown = (label: string, figures: Map<string, { count: number; ms: number }>, total: number) => {
      const sqlMs = [...figures.values()].reduce((sum, f) => sum + f.ms, 0);
      const parts = [...figures]
        .sort((a, b) => b[1].ms - a[1].ms)
        .map(([kind, f]) => `${kind} ${seconds(f.ms)}s (${f.count})`);
      return `${label} ${seconds(total)}s: ${parts.join(', ')}; outside statements (judging in JS) ${seconds(total - sqlMs)}s`;
    };
    const notes = [
      breakdown('first', firstTimes, firstMs),
      breakdown('second', secondTimes, secondMs),
      `target ${TARGET_SECONDS_PER_MILLION} s a million (${seconds(targetSeconds * 1000)} s for ${members.toLocaleString('en-US')}): first recompute at ${(firstMs / 1000 / targetSeconds).toFixed(2)}× of it`,
    ];
    for (const note of notes) log(`  ${note}`);
    if (options.profile) {
      // Where the facts statement spends its time, as the first computation ran it.
      const run = await loadRun(db, programId);
      const judges = judgesOf(await listSegments(db, programId, 'active'));
      const plan = await planFacts(db, programId, 'program', judges.needs, run.settings, clock.now());
      const rows = await db.query<{ 'QUERY PLAN': string }>(
        `explain (analyze, buffers) ${plan.sql}`,
        plan.params,
      );
      log(
        `  explain analyze of the facts statement:\n${rows.map((r) => `    ${r['QUERY PLAN']}`).join('\n')}`,
      );
    }
    const sizes = Object.fromEntries(first.segments.map((s) => [`size:${s.id}`, s.size]));
    return {
      id: 'segments',
      name: 'segments recompute',
      engine: 'postgres',
      unit: 'members',
      latencyOf: 'batch',
      clients: 1,
      batchSize: 5000,
      measuredSeconds: seconds(firstMs),
      ops: first.members,
      perSecond: first.members / (firstMs / 1000),
      errors: 0,
      // The figure is the first computation, timed as one run.
      latencyMs: summarize([firstMs]),
      kinds: {
        'first recompute': {
          count: 1,
          units: first.members,
          errors: 0,
          unitsPerSecond: first.members / (firstMs / 1000),
          latencyMs: summarize([firstMs]),
        },
        'second recompute': {
          count: 1,
          units: second.members,
          errors: 0,
          unitsPerSecond: second.members / (secondMs / 1000),
          latencyMs: summarize([secondMs]),
        },
        'member lookup (key)': {
          count: lookups,
          units: lookups,
          errors: 0,
          unitsPerSecond: lookups / (keyMs.reduce((a, b) => a + b, 0) / 1000),
          latencyMs: keyLookup,
        },
        'member segments view': {
          count: views,
          units: views,
          errors: 0,
          unitsPerSecond: views / (viewMs.reduce((a, b) => a + b, 0) / 1000),
          latencyMs: view,
        },
      },
      setup: {
        members,
        orders,
        segments: SEGMENTS.length,
        setupSeconds,
        firstSeconds: seconds(firstMs),
        secondSeconds: seconds(secondMs),
        targetSeconds: seconds(targetSeconds * 1000),
        firstToTarget: Math.round((firstMs / 1000 / targetSeconds) * 1000) / 1000,
        membershipRows: afterFirst.rows,
        secondEntered: afterSecond.entered,
        secondLeft: left,
        keyLookupP50Ms: Math.round(keyLookup.p50 * 1000) / 1000,
        viewP50Ms: Math.round(view.p50 * 1000) / 1000,
        ...(rssBefore !== null && { rssBeforeMb: rssBefore }),
        ...(firstPeakRss !== null && { [rssReset ? 'firstPeakRssMb' : 'processPeakRssMb']: firstPeakRss }),
        // In process: the bench is the server that sweeps here; the table's `rss MB` column shows it.
        ...(secondPeakRss !== null && { peakRssMb: secondPeakRss, serverPeakRssMb: secondPeakRss }),
        ...sizes,
      },
      ...NOT_COMPARED,
      notes,
    };
  } finally {
    await db?.close();
    await database.drop();
  }
}

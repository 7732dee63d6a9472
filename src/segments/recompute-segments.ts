import type { Database, Queryable } from '../db/database.ts';
import type { MemberKey } from '../members/member-key.ts';
import {
  lockMemberships,
  type Membership,
  segmentCounts,
  writeMembershipChanges,
} from '../members/member-segments.ts';
import { getProgram } from '../programs/program-store.ts';
import { localMoment } from '../rules/rule-facts.ts';
import type { Clock } from '../shared/clock.ts';
import { type CompiledSegment, compileSegmentCondition } from './compile-segment.ts';
import type { RfmCuts } from './lifecycle.ts';
import { type FactsPlan, type FactsRow, factsOfRow, planFacts } from './segment-facts.ts';
import { type FactNeeds, mergeNeeds, noNeeds, type SegmentFacts } from './segment-fields.ts';
import {
  claimRun,
  finishRun,
  listSegments,
  loadRun,
  recordSizes,
  releaseRun,
  type Segment,
  type SegmentRun,
} from './segment-store.ts';
import { stageSegmentId } from './segment-types.ts';

/**
 * Computing who is in which segment: every member of a program (the sweep, `POST
 * /v1/segments/recompute`) or a few (after their ledger moved). The facts come in one statement
 * per chunk, the conditions are judged here, and only what changed is written.
 */

export interface Judges {
  /** Rule segments in an order where a segment comes after those it refers to. */
  segments: Array<{ segment: Segment; compiled: CompiledSegment }>;
  needs: FactNeeds;
}

/** The program's active rule segments compiled, in reference order, with everything they need. */
export function judgesOf(segments: readonly Segment[]): Judges {
  const compiled = new Map<string, { segment: Segment; compiled: CompiledSegment }>();
  for (const segment of segments) {
    if (segment.kind !== 'rule' || segment.status !== 'active' || segment.condition === null) continue;
    compiled.set(segment.id, { segment, compiled: compileSegmentCondition(segment.condition, '', []) });
  }
  const ordered: Judges['segments'] = [];
  const placed = new Set<string>();
  const visiting = new Set<string>();
  const place = (id: string) => {
    const entry = compiled.get(id);
    if (!entry || placed.has(id) || visiting.has(id)) return;
    visiting.add(id);
    for (const ref of entry.compiled.references.keys()) place(ref);
    visiting.delete(id);
    placed.add(id);
    ordered.push(entry);
  };
  for (const id of compiled.keys()) place(id);
  const needs = noNeeds();
  for (const { compiled: c } of ordered) mergeNeeds(needs, c.needs);
  return { segments: ordered, needs };
}

/** The segments a member is in: their stage's, then each rule segment that holds, in order. */
export function judgeMember(facts: SegmentFacts, judges: Judges): string[] {
  facts.member.segments = facts.member.stage === null ? [] : [stageSegmentId(facts.member.stage)];
  for (const { segment, compiled } of judges.segments) {
    if (compiled.holds(facts)) facts.member.segments.push(segment.id);
  }
  return facts.member.segments;
}

/** What changes between members' segments as they stand and as judged. */
function changesOf(judged: ReadonlyMap<MemberKey, { now: readonly string[]; judged: readonly string[] }>): {
  entered: Membership[];
  left: Membership[];
} {
  const entered: Membership[] = [];
  const left: Membership[] = [];
  for (const [memberKey, segments] of judged) {
    for (const segmentId of segments.judged) {
      if (!segments.now.includes(segmentId)) entered.push({ memberKey, segmentId });
    }
    for (const segmentId of segments.now) {
      if (!segments.judged.includes(segmentId)) left.push({ memberKey, segmentId });
    }
  }
  return { entered, left };
}

async function judgeRows(
  tx: Queryable,
  programId: string,
  plan: FactsPlan,
  rows: readonly FactsRow[],
  judges: Judges,
  run: { settings: SegmentRun['settings']; cuts: RfmCuts | null },
  now: Date,
): Promise<number> {
  const judged = new Map<MemberKey, { now: readonly string[]; judged: readonly string[] }>();
  for (const row of rows) {
    const facts = await factsOfRow(tx, programId, plan, row, run.settings, run.cuts, now);
    judged.set(facts.memberKey, {
      now: (row.current_segments as string[] | null) ?? [],
      judged: judgeMember(facts, judges),
    });
  }
  const { entered, left } = changesOf(judged);
  await writeMembershipChanges(tx, programId, entered, left, now);
  return entered.length + left.length;
}

export interface RecomputeResult {
  computedAt: Date;
  members: number;
  segments: Array<{ id: string; size: number }>;
}

const CHUNK = 5_000;
/** Longer than a computation of millions of members takes (about a minute per million here). */
const LEASE_MS = 60 * 60_000;

/**
 * Recomputes every member of the program: RFM cut points, stages, every active segment; then the
 * sizes of the day. Null when the program is not due (unless `force`) or another server holds it.
 */
export async function recomputeProgram(
  db: Database,
  programId: string,
  clock: Clock,
  options: { force?: boolean } = {},
): Promise<RecomputeResult | null> {
  const now = clock.now();
  const lease = await claimRun(db, programId, now, LEASE_MS, options.force ?? false);
  if (lease === null) return null;
  try {
    return await db.transaction(async (tx) => {
      await lockMemberships(tx, programId);
      const run = await loadRun(tx, programId);
      const segments = await listSegments(tx, programId, 'active');
      const judges = judgesOf(segments);
      const plan = await planFacts(tx, programId, 'program', judges.needs, run.settings, now);
      let cuts: RfmCuts | null = null;
      let members = 0;
      await forEachFactsChunk(
        tx,
        db.engine,
        plan,
        async () => {
          cuts = await rfmCuts(tx);
        },
        async (rows) => {
          members += rows.length;
          await judgeRows(tx, programId, plan, rows, judges, { settings: run.settings, cuts }, now);
        },
      );
      const counts = await segmentCounts(tx, programId);
      const sizes = new Map(segments.map((segment) => [segment.id, counts.get(segment.id) ?? 0]));
      const { timezone } = await getProgram(tx, programId);
      await recordSizes(tx, programId, localMoment(now, timezone).date, sizes);
      await finishRun(tx, programId, {
        computedAt: now,
        members,
        sizes,
        cuts,
        generation: run.generation,
        lease,
      });
      return { computedAt: now, members, segments: [...sizes].map(([id, size]) => ({ id, size })) };
    });
  } catch (error) {
    await releaseRun(db, programId, lease).catch(() => undefined);
    throw error;
  }
}

/**
 * Loads the facts of every member of the plan's program into a temporary table (one pass over
 * each area's rows, dropped at commit), then visits them in chunks of members in key order.
 */
export async function forEachFactsChunk(
  tx: Queryable,
  engine: Database['engine'],
  plan: FactsPlan,
  loaded: () => Promise<void>,
  visit: (rows: FactsRow[]) => Promise<void>,
): Promise<void> {
  // One scan of a program's orders and entries: give its aggregates and joins the memory to stay
  // off disk, and skip JIT (seconds of compiling for a statement that runs once).
  await tx.exec("set local work_mem = '256MB'");
  if (engine === 'postgres') await tx.exec('set local jit = off');
  // In key order: chunks then write memberships in the order of their indexes (appends, not splits).
  await tx.query(
    `create temp table segment_facts on commit drop as ${plan.sql} order by member_key`,
    plan.params,
  );
  await loaded();
  // Read through a cursor in the table's own order: no index to build, no lookups by key.
  await tx.exec(
    `declare segment_facts_rows no scroll cursor for select ${plan.columns.join(', ')} from segment_facts`,
  );
  for (;;) {
    const rows = await tx.query<FactsRow>(`fetch forward ${CHUNK} from segment_facts_rows`);
    if (rows.length === 0) break;
    await visit(rows);
  }
  await tx.exec('close segment_facts_rows');
}

/**
 * The cut points of the loaded facts (lifecycle.ts), among members with an order in the RFM window:
 * for k = 1…4, the largest figure that at most k/5 of them reach or fall below (in whole counts,
 * no rounding: 5 × members at or below ≤ k × members).
 */
async function rfmCuts(tx: Queryable): Promise<RfmCuts | null> {
  const cut = (figure: string, share: string) =>
    `array[${[1, 2, 3, 4].map((k) => `max(${figure}) filter (where 5 * ${share} <= ${k} * scored)`).join(', ')}]`;
  const [row] = await tx.query<{
    scored: string | null;
    recency: (number | null)[];
    frequency: (number | null)[];
    monetary: (number | null)[];
  }>(
    `select max(scored) as scored,
            ${cut('last_order_at', 'r_at_most')} as recency,
            ${cut('o_orders_0', 'f_at_most')} as frequency,
            ${cut('o_spend_0', 'm_at_most')} as monetary
       from (select last_order_at, o_orders_0, o_spend_0,
                    count(*) over (order by last_order_at) as r_at_most,
                    count(*) over (order by o_orders_0) as f_at_most,
                    count(*) over (order by o_spend_0) as m_at_most,
                    count(*) over () as scored
               from segment_facts where o_orders_0 > 0) as figures`,
  );
  if (!row?.scored) return null;
  const numbers = (cuts: (number | null)[]) => cuts.map((value) => (value === null ? null : Number(value)));
  return {
    recency: numbers(row.recency),
    frequency: numbers(row.frequency),
    monetary: numbers(row.monetary),
  };
}

/**
 * Judges a few members again now (their ledger moved): with the program's last cut points, in one
 * transaction. Members of programs never computed wait for the first computation.
 */
export async function refreshMembers(
  db: Database,
  programId: string,
  memberKeys: readonly MemberKey[],
  clock: Clock,
): Promise<number> {
  if (memberKeys.length === 0) return 0;
  return db.transaction(async (tx) => {
    await lockMemberships(tx, programId);
    const run = await loadRun(tx, programId);
    if (run.computedAt === null && run.cuts === null) return 0;
    const now = clock.now();
    const judges = judgesOf(await listSegments(tx, programId, 'active'));
    const plan = await planFacts(tx, programId, 'keys', judges.needs, run.settings, now);
    const rows = await tx.query<FactsRow>(plan.sql, [plan.params[0], memberKeys, ...plan.params.slice(2)]);
    return judgeRows(tx, programId, plan, rows, judges, run, now);
  });
}

/** One member's facts and judges (the member page's "why"). */
export async function memberSegmentFacts(
  q: Queryable,
  programId: string,
  memberKey: MemberKey,
  now: Date,
): Promise<{ facts: SegmentFacts; judges: Judges; run: Awaited<ReturnType<typeof loadRun>> } | null> {
  const run = await loadRun(q, programId);
  const judges = judgesOf(await listSegments(q, programId, 'active'));
  const plan = await planFacts(q, programId, 'keys', judges.needs, run.settings, now);
  const [row] = await q.query<FactsRow>(plan.sql, [plan.params[0], [memberKey], ...plan.params.slice(2)]);
  if (!row) return null;
  const facts = await factsOfRow(q, programId, plan, row, run.settings, run.cuts, now);
  judgeMember(facts, judges);
  return { facts, judges, run };
}

import type { Queryable } from '../db/database.ts';
import { getProgram } from '../programs/program-store.ts';
import { JifenError } from '../shared/errors.ts';
import type { RfmCuts } from './lifecycle.ts';
import {
  DEFAULT_SEGMENT_SETTINGS,
  type SegmentCondition,
  type SegmentSettings,
  STAGE_PREFIX,
  STAGES,
  type Stage,
  stageSegmentId,
} from './segment-types.ts';

/** Segment definitions, the program's settings and computations, and sizes over time. */

export type Text = { 'zh-CN': string; en: string };

export interface Segment {
  id: string;
  kind: 'rule' | 'stage';
  name: Text;
  description: string | null;
  condition: SegmentCondition | null;
  status: 'active' | 'archived';
  createdAt: Date;
  updatedAt: Date;
}

interface SegmentRow {
  id: string;
  name: Text;
  description: string | null;
  condition: SegmentCondition;
  status: Segment['status'];
  created_at: Date;
  updated_at: Date;
}

const toSegment = (row: SegmentRow): Segment => ({
  id: row.id,
  kind: 'rule',
  name: row.name,
  description: row.description,
  condition: row.condition,
  status: row.status,
  createdAt: new Date(row.created_at),
  updatedAt: new Date(row.updated_at),
});

export const STAGE_NAMES: Record<Stage, Text> = {
  new: { 'zh-CN': '新会员', en: 'New' },
  high_value: { 'zh-CN': '高价值', en: 'High value' },
  active: { 'zh-CN': '活跃', en: 'Active' },
  at_risk: { 'zh-CN': '流失风险', en: 'At risk' },
  dormant: { 'zh-CN': '沉睡', en: 'Dormant' },
  churned: { 'zh-CN': '已流失', en: 'Churned' },
};

/**
 * The lifecycle stages as segments of the program: not stored (their definition is the settings),
 * dated by the program's creation.
 */
async function stageSegments(q: Queryable, programId: string): Promise<Segment[]> {
  const { createdAt } = await getProgram(q, programId);
  return STAGES.map((stage) => ({
    id: stageSegmentId(stage),
    kind: 'stage' as const,
    name: STAGE_NAMES[stage],
    description: null,
    condition: null,
    status: 'active' as const,
    createdAt: new Date(createdAt),
    updatedAt: new Date(createdAt),
  }));
}

/** The stages in their judging order (unless only archived ones are asked), then the program's own segments by id. */
export async function listSegments(
  q: Queryable,
  programId: string,
  status?: Segment['status'],
): Promise<Segment[]> {
  const rows = await q.query<SegmentRow>(
    `select * from segments where program_id = $1 and ($2::text is null or status = $2::text)
      order by id`,
    [programId, status ?? null],
  );
  const stages = status === 'archived' ? [] : await stageSegments(q, programId);
  return [...stages, ...rows.map(toSegment)];
}

export async function findSegment(q: Queryable, programId: string, id: string): Promise<Segment | null> {
  if (id.startsWith(STAGE_PREFIX))
    return (await stageSegments(q, programId)).find((s) => s.id === id) ?? null;
  const [row] = await q.query<SegmentRow>('select * from segments where program_id = $1 and id = $2', [
    programId,
    id,
  ]);
  return row ? toSegment(row) : null;
}

export async function getSegment(q: Queryable, programId: string, id: string): Promise<Segment> {
  const segment = await findSegment(q, programId, id);
  if (!segment) throw new JifenError('segment_not_found', { detail: `No segment "${id}" in this program.` });
  return segment;
}

export async function insertSegment(
  q: Queryable,
  programId: string,
  segment: { id: string; name: Text; description: string | null; condition: SegmentCondition },
  now: Date,
): Promise<Segment> {
  const [row] = await q.query<SegmentRow>(
    `insert into segments (program_id, id, name, description, condition, status, created_at, updated_at)
     values ($1, $2, $3::jsonb, $4, $5::jsonb, 'active', $6, $6)
     on conflict do nothing
     returning *`,
    [
      programId,
      segment.id,
      JSON.stringify(segment.name),
      segment.description,
      JSON.stringify(segment.condition),
      now.toISOString(),
    ],
  );
  if (!row) {
    throw new JifenError('segment_exists', { detail: `The program already has a segment "${segment.id}".` });
  }
  return toSegment(row);
}

export async function saveSegment(q: Queryable, programId: string, segment: Segment): Promise<Segment> {
  const [row] = await q.query<SegmentRow>(
    `update segments set name = $3::jsonb, description = $4, condition = $5::jsonb, status = $6, updated_at = $7
      where program_id = $1 and id = $2
      returning *`,
    [
      programId,
      segment.id,
      JSON.stringify(segment.name),
      segment.description,
      segment.condition === null ? null : JSON.stringify(segment.condition),
      segment.status,
      segment.updatedAt.toISOString(),
    ],
  );
  return toSegment(row!);
}

export interface SegmentRun {
  settings: SegmentSettings;
  computedAt: Date | null;
  members: number | null;
  /** Each segment's size at the last computation. */
  sizes: ReadonlyMap<string, number>;
  cuts: RfmCuts | null;
  generation: number;
}

export async function loadRun(q: Queryable, programId: string): Promise<SegmentRun> {
  const [row] = await q.query<{
    settings: SegmentSettings | null;
    computed_at: Date | null;
    members: string | null;
    sizes: Record<string, number> | null;
    rfm_cuts: RfmCuts | null;
    generation: string;
  }>(
    'select settings, computed_at, members, sizes, rfm_cuts, generation from segment_runs where program_id = $1',
    [programId],
  );
  return {
    settings: row?.settings ?? DEFAULT_SEGMENT_SETTINGS,
    computedAt: row?.computed_at ? new Date(row.computed_at) : null,
    members: row?.members == null ? null : Number(row.members),
    sizes: new Map(Object.entries(row?.sizes ?? {})),
    cuts: row?.rfm_cuts ?? null,
    generation: Number(row?.generation ?? 0),
  };
}

/** New thresholds call for a new computation (`markDue`). */
export async function saveSettings(
  q: Queryable,
  programId: string,
  settings: SegmentSettings,
): Promise<void> {
  await q.query(
    `insert into segment_runs (program_id, settings) values ($1, $2::jsonb)
     on conflict (program_id) do update
       set settings = excluded.settings, computed_at = null, generation = segment_runs.generation + 1`,
    [programId, JSON.stringify(settings)],
  );
}

/**
 * Asks the next sweep to compute the program again (a segment was defined or changed): also when
 * a computation is under way, which then does not count as the last (`finishRun`).
 */
export async function markDue(q: Queryable, programId: string): Promise<void> {
  await q.query(
    `insert into segment_runs (program_id) values ($1)
     on conflict (program_id) do update set computed_at = null, generation = segment_runs.generation + 1`,
    [programId],
  );
}

/**
 * Claims the program's computation for `leaseMs` when it is due (never computed, or computed
 * `recomputeEveryMinutes` ago or more) and no other server holds it: the lease (its end, which
 * `finishRun` and `releaseRun` name), or null.
 */
export async function claimRun(
  q: Queryable,
  programId: string,
  now: Date,
  leaseMs: number,
  force: boolean,
): Promise<string | null> {
  await q.query('insert into segment_runs (program_id) values ($1) on conflict do nothing', [programId]);
  const [row] = await q.query<{ lease: string }>(
    `update segment_runs set claimed_until = $2::timestamptz + interval '1 millisecond' * $3
      where program_id = $1
        and (claimed_until is null or claimed_until <= $2::timestamptz)
        and ($4::boolean or computed_at is null
             or computed_at <= $2::timestamptz - interval '1 minute'
                * coalesce((settings->>'recomputeEveryMinutes')::int, $5::int))
      returning claimed_until::text as lease`,
    [programId, now.toISOString(), leaseMs, force, DEFAULT_SEGMENT_SETTINGS.recomputeEveryMinutes],
  );
  return row?.lease ?? null;
}

/**
 * Records a computation: the program's last one unless its definitions or settings changed since
 * it began (`generation`), in which case it stays due. Ends the lease if it is still this one's.
 */
export async function finishRun(
  q: Queryable,
  programId: string,
  run: {
    computedAt: Date;
    members: number;
    sizes: ReadonlyMap<string, number>;
    cuts: RfmCuts | null;
    generation: number;
    lease: string;
  },
): Promise<void> {
  await q.query(
    `update segment_runs
        set computed_at = case when generation = $6 then $2::timestamptz end,
            members = $3, sizes = $4::jsonb, rfm_cuts = $5::jsonb,
            claimed_until = case when claimed_until = $7::timestamptz then null else claimed_until end
      where program_id = $1`,
    [
      programId,
      run.computedAt.toISOString(),
      run.members,
      JSON.stringify(Object.fromEntries(run.sizes)),
      run.cuts === null ? null : JSON.stringify(run.cuts),
      run.generation,
      run.lease,
    ],
  );
}

export async function releaseRun(q: Queryable, programId: string, lease: string): Promise<void> {
  await q.query(
    'update segment_runs set claimed_until = null where program_id = $1 and claimed_until = $2::timestamptz',
    [programId, lease],
  );
}

/**
 * Serialises changes to the program's segment definitions (a check that a reference does not lead
 * back, then the write), for the rest of the caller's transaction.
 */
export async function lockDefinitions(q: Queryable, programId: string): Promise<void> {
  await q.query(`select pg_advisory_xact_lock(hashtext('jifen.segments:' || $1::text))`, [programId]);
}

/** Each segment's size on `day` (the last computation of the day stands). */
export async function recordSizes(
  q: Queryable,
  programId: string,
  day: string,
  sizes: ReadonlyMap<string, number>,
): Promise<void> {
  await q.query(
    `insert into segment_sizes (program_id, segment_id, day, members)
     select $1, s.id, $2::date, s.members from unnest($3::text[], $4::int8[]) as s (id, members)
     on conflict (program_id, segment_id, day) do update set members = excluded.members`,
    [programId, day, [...sizes.keys()], [...sizes.values()]],
  );
}

export async function sizesOf(
  q: Queryable,
  programId: string,
  segmentId: string,
  from: string | null,
  to: string | null,
): Promise<Array<{ date: string; members: number }>> {
  const rows = await q.query<{ day: string; members: string }>(
    `select to_char(day, 'YYYY-MM-DD') as day, members from segment_sizes
      where program_id = $1 and segment_id = $2
        and ($3::date is null or day >= $3::date) and ($4::date is null or day <= $4::date)
      order by day`,
    [programId, segmentId, from, to],
  );
  return rows.map((row) => ({ date: row.day, members: Number(row.members) }));
}

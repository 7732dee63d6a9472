import type { Queryable } from '../db/database.ts';
import { JifenError } from '../shared/errors.ts';
import type { RfmCuts } from './lifecycle.ts';
import {
  DEFAULT_SEGMENT_SETTINGS,
  type SegmentCondition,
  type SegmentSettings,
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
  kind: Segment['kind'];
  name: Text;
  description: string | null;
  condition: SegmentCondition | null;
  status: Segment['status'];
  created_at: Date;
  updated_at: Date;
}

const toSegment = (row: SegmentRow): Segment => ({
  id: row.id,
  kind: row.kind,
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

/** The lifecycle stages as segments of the program (made the first time they are needed). */
export async function ensureStageSegments(q: Queryable, programId: string, now: Date): Promise<void> {
  await q.query(
    `insert into segments (program_id, id, kind, name, description, condition, status, created_at, updated_at)
     select $1, s.id, 'stage', s.name, null, null, 'active', $4::timestamptz, $4::timestamptz
       from unnest($2::text[], $3::jsonb[]) as s (id, name)
     on conflict do nothing`,
    [
      programId,
      STAGES.map(stageSegmentId),
      STAGES.map((stage) => JSON.stringify(STAGE_NAMES[stage])),
      now.toISOString(),
    ],
  );
}

export async function listSegments(
  q: Queryable,
  programId: string,
  status?: Segment['status'],
): Promise<Segment[]> {
  const rows = await q.query<SegmentRow>(
    `select * from segments where program_id = $1 and ($2::text is null or status = $2::text)
      order by kind desc, id`,
    [programId, status ?? null],
  );
  // Stages in their judging order, then the program's own segments by id.
  const order = (segment: Segment) =>
    segment.kind === 'stage' ? STAGES.indexOf(segment.id.slice('stage_'.length) as Stage) : STAGES.length;
  return rows.map(toSegment).sort((a, b) => order(a) - order(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export async function findSegment(q: Queryable, programId: string, id: string): Promise<Segment | null> {
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
    `insert into segments (program_id, id, kind, name, description, condition, status, created_at, updated_at)
     values ($1, $2, 'rule', $3::jsonb, $4, $5::jsonb, 'active', $6, $6)
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
  cuts: RfmCuts | null;
}

export async function loadRun(q: Queryable, programId: string): Promise<SegmentRun> {
  const [row] = await q.query<{
    settings: SegmentSettings | null;
    computed_at: Date | null;
    members: string | null;
    rfm_cuts: RfmCuts | null;
  }>('select settings, computed_at, members, rfm_cuts from segment_runs where program_id = $1', [programId]);
  return {
    settings: row?.settings ?? DEFAULT_SEGMENT_SETTINGS,
    computedAt: row?.computed_at ? new Date(row.computed_at) : null,
    members: row?.members == null ? null : Number(row.members),
    cuts: row?.rfm_cuts ?? null,
  };
}

export async function saveSettings(
  q: Queryable,
  programId: string,
  settings: SegmentSettings,
): Promise<void> {
  // New thresholds call for a new computation: the next sweep makes it.
  await q.query(
    `insert into segment_runs (program_id, settings) values ($1, $2::jsonb)
     on conflict (program_id) do update set settings = excluded.settings, computed_at = null`,
    [programId, JSON.stringify(settings)],
  );
}

/** Asks the next sweep to compute the program again (a segment was defined or changed). */
export async function markDue(q: Queryable, programId: string): Promise<void> {
  await q.query('update segment_runs set computed_at = null where program_id = $1', [programId]);
}

/**
 * Claims the program's computation for `leaseMs` when it is due (never computed, or computed
 * `every` minutes ago or more) and no other server holds it; false otherwise.
 */
export async function claimRun(
  q: Queryable,
  programId: string,
  now: Date,
  leaseMs: number,
  force: boolean,
): Promise<boolean> {
  await q.query('insert into segment_runs (program_id) values ($1) on conflict do nothing', [programId]);
  const rows = await q.query(
    `update segment_runs set claimed_until = $2::timestamptz + interval '1 millisecond' * $3
      where program_id = $1
        and (claimed_until is null or claimed_until <= $2::timestamptz)
        and ($4::boolean or computed_at is null
             or computed_at <= $2::timestamptz - interval '1 minute'
                * coalesce((settings->>'recomputeEveryMinutes')::int, $5::int))
      returning program_id`,
    [programId, now.toISOString(), leaseMs, force, DEFAULT_SEGMENT_SETTINGS.recomputeEveryMinutes],
  );
  return rows.length > 0;
}

export async function finishRun(
  q: Queryable,
  programId: string,
  run: { computedAt: Date; members: number; cuts: RfmCuts | null },
): Promise<void> {
  await q.query(
    `update segment_runs set computed_at = $2, members = $3, rfm_cuts = $4::jsonb, claimed_until = null
      where program_id = $1`,
    [
      programId,
      run.computedAt.toISOString(),
      run.members,
      run.cuts === null ? null : JSON.stringify(run.cuts),
    ],
  );
}

export async function releaseRun(q: Queryable, programId: string): Promise<void> {
  await q.query('update segment_runs set claimed_until = null where program_id = $1', [programId]);
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

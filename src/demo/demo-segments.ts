import type { Database } from '../db/database.ts';
import { recomputeProgram } from '../segments/recompute-segments.ts';
import { findSegment, insertSegment } from '../segments/segment-store.ts';
import type { SegmentCondition } from '../segments/segment-types.ts';
import type { Clock } from '../shared/clock.ts';

/**
 * The demo's segments (用户分层): the layers the seeds' operators ask for, over the replayed year,
 * so the console's Segments screen and `member.segments` have something real to show.
 */
const DEMO_SEGMENTS: Array<{
  id: string;
  name: { 'zh-CN': string; en: string };
  condition: SegmentCondition;
}> = [
  {
    id: 'big-spenders',
    name: { 'zh-CN': '年度大客户', en: 'Big spenders' },
    condition: { field: 'activity.spendMinor.365d', op: 'gte', value: 500_000 },
  },
  {
    id: 'regulars',
    name: { 'zh-CN': '常客', en: 'Regulars' },
    condition: { field: 'activity.orders.90d', op: 'gte', value: 3 },
  },
  {
    id: 'wake-up',
    name: { 'zh-CN': '待唤醒(有积分的沉睡会员)', en: 'To wake up (sleepers with points)' },
    condition: {
      all: [
        { field: 'member.stage', op: 'in', value: ['at_risk', 'dormant'] },
        { field: 'balance.available', op: 'gte', value: 500 },
      ],
    },
  },
];

/**
 * Defines the demo segments the program does not have yet (by id; one archived stays archived),
 * then computes every member: the sizes by lifecycle stage and segment.
 */
export async function ensureDemoSegments(
  db: Database,
  programId: string,
  clock: Clock,
): Promise<Record<string, number>> {
  for (const segment of DEMO_SEGMENTS) {
    if (await findSegment(db, programId, segment.id)) continue;
    await insertSegment(db, programId, { ...segment, description: null }, clock.now());
  }
  const result = await recomputeProgram(db, programId, clock, { force: true });
  return Object.fromEntries((result?.segments ?? []).map(({ id, size }) => [id, size]));
}

import type { Queryable } from '../db/database.ts';
import { checkInActivitySql } from '../events/event-store.ts';
import { orderActivitySql } from '../events/order-store.ts';
import { pointsActivitySql } from '../ledger/ledger-queries.ts';
import { openBirthday } from '../members/member-birthdays.ts';
import { asMemberKey } from '../members/member-key.ts';
import { memberProfileSql, membershipsSql } from '../members/member-segments.ts';
import { redemptionActivitySql } from '../rewards/redemption-store.ts';
import type { ActivityScope, ActivityWindow, WindowRef } from '../shared/member-activity-sql.ts';
import { DAY_MS } from '../shared/time-units.ts';
import { tierInForceSql } from '../tiers/member-tier.ts';
import { type RfmCuts, rfmOf, stageOf } from './lifecycle.ts';
import { type ActivityMeasure, type FactNeeds, type SegmentFacts, windowKey } from './segment-fields.ts';
import type { SegmentSettings } from './segment-types.ts';

/**
 * Loads what segment conditions look at, for the members of a scope, in one statement: each area
 * answers for its own tables (members, orders, entries, redemptions, check-ins, tiers) and the rows
 * are joined here on the member key. `$1` program, `$2` member keys, `$3` now.
 */
export interface FactsPlan {
  sql: string;
  params: unknown[];
  /** The windows loaded per measure, in column order. */
  windows: Map<ActivityMeasure, ActivityWindow[]>;
  birthday: boolean;
  /** The columns of the statement's rows, in order. */
  columns: string[];
}

export type FactsRow = Record<string, unknown> & { member_key: string };

const SOURCES = [
  {
    alias: 'o',
    measures: ['orders', 'spendMinor'] as const,
    columns: ['orders', 'spend'],
    sql: orderActivitySql,
  },
  {
    alias: 'p',
    measures: ['pointsEarned', 'pointsSpent'] as const,
    columns: ['earned', 'spent'],
    sql: pointsActivitySql,
  },
  { alias: 'r', measures: ['redemptions'] as const, columns: ['redemptions'], sql: redemptionActivitySql },
  { alias: 'c', measures: ['checkIns'] as const, columns: ['check_ins'], sql: checkInActivitySql },
];

export async function planFacts(
  q: Queryable,
  programId: string,
  scope: ActivityScope,
  needs: FactNeeds,
  settings: SegmentSettings,
  now: Date,
): Promise<FactsPlan> {
  const windows = new Map<ActivityMeasure, ActivityWindow[]>();
  const select: string[] = [
    // Times as epoch milliseconds: a number is read faster than a Date is made.
    'm.member_key, m.member_id, m.status, m.tags, (extract(epoch from m.joined_at) * 1000)::float8 as joined_at',
    'm.attributes',
    needs.birthday ? 'm.birthday' : 'null::text as birthday',
    'm.available_points, m.pending_points, m.held_points, m.debt_points, m.growth_points',
  ];
  const joins: string[] = [];
  // Every window's length goes in `$4`; statements name them by place.
  const lengths: number[] = [];
  const refOf = (days: ActivityWindow): WindowRef => {
    if (days === null) return { days, index: 0 };
    if (!lengths.includes(days)) lengths.push(days);
    return { days, index: lengths.indexOf(days) + 1 };
  };
  const columns = [
    ...['member_key', 'member_id', 'status', 'tags', 'joined_at', 'attributes', 'birthday'],
    ...['available_points', 'pending_points', 'held_points', 'debt_points', 'growth_points'],
  ];
  for (const source of SOURCES) {
    const wanted = new Set<ActivityWindow>();
    for (const measure of source.measures) for (const w of needs.windows.get(measure) ?? []) wanted.add(w);
    // Orders are always read: RFM and the lifecycle stages stand on them (the RFM window first).
    const others = [...wanted].filter((w) => w !== settings.rfmWindowDays || source.alias !== 'o');
    others.sort((a, b) => (a ?? Number.MAX_SAFE_INTEGER) - (b ?? Number.MAX_SAFE_INTEGER));
    const list = source.alias === 'o' ? [settings.rfmWindowDays, ...others] : others;
    if (list.length === 0) continue;
    for (const measure of source.measures) windows.set(measure, list);
    joins.push(
      `left join (${source.sql(scope, list.map(refOf))}) ${source.alias} on ${source.alias}.member_key = m.member_key`,
    );
    for (const column of source.columns) {
      for (let i = 0; i < list.length; i++) {
        select.push(`coalesce(${source.alias}.${column}_${i}, 0)::float8 as ${source.alias}_${column}_${i}`);
        columns.push(`${source.alias}_${column}_${i}`);
      }
    }
    if (source.alias === 'o') {
      select.push('(extract(epoch from o.last_order_at) * 1000)::float8 as last_order_at');
      columns.push('last_order_at');
    }
  }
  // The memberships as they stand, to write only what changes.
  joins.push(`left join (${membershipsSql(scope)}) cur on cur.member_key = m.member_key`);
  select.push('cur.segment_ids as current_segments');
  columns.push('current_segments');
  const params: unknown[] = [programId, [], now.toISOString(), lengths];
  const tier = await tierInForceSql(q, programId, now);
  select.push(tier ? `${tier.sql('m.member_key', params.length + 1)} as tier` : 'null::text as tier');
  columns.push('tier');
  if (tier) params.push(...tier.params);
  return {
    sql: `select ${select.join(',\n ')} from (${memberProfileSql(scope)}) m ${joins.join('\n')}`,
    params,
    windows,
    birthday: needs.birthday,
    columns,
  };
}

/** A loaded row as facts; `segments` empty, `stage` and RFM scores from the settings and cut points. */
export async function factsOfRow(
  q: Queryable,
  programId: string,
  plan: FactsPlan,
  row: FactsRow,
  settings: SegmentSettings,
  cuts: RfmCuts | null,
  now: Date,
): Promise<SegmentFacts> {
  const activity = new Map<string, number>();
  for (const source of SOURCES) {
    const list = plan.windows.get(source.measures[0]);
    if (!list) continue;
    source.measures.forEach((measure, m) => {
      list.forEach((window, i) => {
        activity.set(
          `${measure}.${windowKey(window)}`,
          Number(row[`${source.alias}_${source.columns[m]}_${i}`] ?? 0),
        );
      });
    });
  }
  const lastOrderAt = row.last_order_at === null ? null : new Date(Number(row.last_order_at));
  const lastOrderDays =
    lastOrderAt === null ? null : Math.floor((now.getTime() - lastOrderAt.getTime()) / DAY_MS);
  const joinedDays = Math.floor((now.getTime() - Number(row.joined_at)) / DAY_MS);
  const rfm = rfmOf(
    { lastOrderAt, orders: Number(row.o_orders_0 ?? 0), spendMinor: Number(row.o_spend_0 ?? 0) },
    cuts,
    now,
  );
  const birthday =
    plan.birthday && row.birthday ? await openBirthday(q, programId, row.birthday as string) : null;
  return {
    memberKey: asMemberKey(row.member_key),
    memberId: row.member_id as string,
    member: {
      status: row.status as string,
      tags: row.tags as string[],
      tier: (row.tier as string | null) ?? null,
      segments: [],
      joinedDays,
      birthday: birthday === null ? null : birthday.slice(-5),
      attributes: (row.attributes as Record<string, unknown>) ?? {},
      stage: stageOf(joinedDays, lastOrderDays, rfm, settings.stages),
    },
    balance: {
      available: Number(row.available_points),
      pending: Number(row.pending_points),
      held: Number(row.held_points),
      debt: Number(row.debt_points),
      growth: Number(row.growth_points),
    },
    activity,
    lastOrderDays,
    rfm,
  };
}

import type { Queryable } from '../db/database.ts';
import { type Periods, periodsOf } from '../events/rule-usage.ts';
import type { MemberKey } from '../members/member-key.ts';
import { localMoment } from '../rules/rule-facts.ts';

/**
 * Units each member redeemed of each reward per period of the program's timezone. Read and
 * written under the member's row lock, which serialises every redemption of that member.
 */

export function redemptionPeriods(now: Date, timezone: string): Periods {
  return periodsOf(localMoment(now, timezone));
}

export function periodKeys(periods: Periods): string[] {
  return [periods.day, periods.week, periods.month, periods.lifetime];
}

/** Usage by reward id, then by period key, for the given rewards (or all) in `periods`. */
export async function loadRewardUsage(
  db: Queryable,
  programId: string,
  memberKey: MemberKey,
  periods: Periods,
  rewardIds: readonly string[] | null,
): Promise<Map<string, Map<string, number>>> {
  const rows = await db.query<{ reward_id: string; period: string; quantity: string | number }>(
    `select reward_id, period, quantity from reward_member_usage
      where program_id = $1 and member_key = $2 and period = any($3::text[])
        and ($4::text[] is null or reward_id = any($4::text[]))`,
    [programId, memberKey, periodKeys(periods), rewardIds],
  );
  const usage = new Map<string, Map<string, number>>();
  for (const row of rows) {
    const byPeriod = usage.get(row.reward_id) ?? new Map<string, number>();
    byPeriod.set(row.period, Number(row.quantity));
    usage.set(row.reward_id, byPeriod);
  }
  return usage;
}

/** Counts `quantity` units in each of the period keys. */
export async function countRewardUsage(
  tx: Queryable,
  programId: string,
  memberKey: MemberKey,
  rewardId: string,
  keys: readonly string[],
  quantity: number,
): Promise<void> {
  await tx.query(
    `insert into reward_member_usage (program_id, member_key, reward_id, period, quantity)
     select $1, $2, $3, period, $5 from unnest($4::text[]) as period
     on conflict (program_id, member_key, reward_id, period)
     do update set quantity = reward_member_usage.quantity + excluded.quantity`,
    [programId, memberKey, rewardId, keys, quantity],
  );
}

/** A cancellation gives the units back to the periods the redemption counted them in. */
export async function returnRewardUsage(
  tx: Queryable,
  programId: string,
  memberKey: MemberKey,
  rewardId: string,
  keys: readonly string[],
  quantity: number,
): Promise<void> {
  await tx.query(
    `update reward_member_usage set quantity = quantity - $5
      where program_id = $1 and member_key = $2 and reward_id = $3 and period = any($4::text[])`,
    [programId, memberKey, rewardId, keys, quantity],
  );
}

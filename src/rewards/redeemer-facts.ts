import type { Queryable } from '../db/database.ts';
import type { Periods } from '../events/rule-usage.ts';
import type { MemberStatus } from '../ledger/ledger-types.ts';
import { JifenError } from '../shared/errors.ts';
import { tierInForce } from '../tiers/member-tier.ts';
import type { Reward } from './reward-types.ts';
import { loadRewardUsage } from './reward-usage.ts';

/** The member as the catalogue listing judges it (no lock: redeeming re-checks under one). */
export async function memberForListing(
  db: Queryable,
  programId: string,
  memberId: string,
): Promise<{ status: MemberStatus; availablePoints: number; timezone: string }> {
  const [row] = await db.query<{ status: MemberStatus; available_points: string | number; timezone: string }>(
    `select m.status, m.available_points, p.timezone from members m join programs p on p.id = m.program_id
      where m.program_id = $1 and m.member_id = $2`,
    [programId, memberId],
  );
  if (!row) {
    throw new JifenError('member_not_found', {
      detail: `There is no member "${memberId}" in this program.`,
      extensions: { memberId },
    });
  }
  return { status: row.status, availablePoints: Number(row.available_points), timezone: row.timezone };
}

/** Tier and usage of the member for one reward, read under the member's lock. */
export async function redeemerFactsUnderLock(
  tx: Queryable,
  programId: string,
  memberId: string,
  reward: Reward,
  periods: Periods,
  now: Date,
): Promise<{ tierCode: string | null; usedByPeriod: ReadonlyMap<string, number> }> {
  const tierCode = reward.eligibleTiers.length > 0 ? await tierInForce(tx, programId, memberId, now) : null;
  const usage = await loadRewardUsage(tx, programId, memberId, periods, [reward.id]);
  return { tierCode, usedByPeriod: usage.get(reward.id) ?? new Map() };
}

import type { Queryable } from '../db/database.ts';
import { reasonView } from '../ledger/ledger-views.ts';
import { withPoolStock } from './coupon-pool.ts';
import { memberForListing, memberTierCode } from './redeemer-facts.ts';
import { findRedemptionBlock } from './reward-availability.ts';
import { type RewardView, rewardView } from './reward-catalogue.ts';
import { listRewards, type RewardFilter } from './reward-store.ts';
import { loadRewardUsage, redemptionPeriods } from './reward-usage.ts';

export interface RedeemabilityView {
  redeemable: boolean;
  why: { code: string; reason: string; message: { 'zh-CN': string; en: string } } | null;
}

/**
 * The catalogue, and for a member whether each reward can be redeemed now (one unit) and if not
 * why — by the same function redeeming uses, over the member as it is now (no lock).
 */
export async function listRewardsFor(
  db: Queryable,
  programId: string,
  filter: RewardFilter & { memberId?: string | undefined },
  now: Date,
): Promise<{ data: (RewardView & { forMember?: RedeemabilityView })[]; nextCursor: string | null }> {
  const listed = await listRewards(db, programId, filter);
  const rewards = await Promise.all(listed.map((reward) => withPoolStock(db, programId, reward)));
  const nextCursor = rewards.length === filter.limit ? (rewards.at(-1)?.id ?? null) : null;
  if (!filter.memberId) return { data: rewards.map(rewardView), nextCursor };
  const member = await memberForListing(db, programId, filter.memberId);
  const tierCode = await memberTierCode(db, programId, filter.memberId, now);
  const periods = redemptionPeriods(now, member.timezone);
  const usage = await loadRewardUsage(
    db,
    programId,
    filter.memberId,
    periods,
    rewards.map((reward) => reward.id),
  );
  const data = rewards.map((reward) => {
    const block = findRedemptionBlock(
      reward,
      {
        status: member.status,
        spendablePoints: member.availablePoints,
        tierCode,
        usedByPeriod: usage.get(reward.id) ?? new Map(),
      },
      1,
      now,
      periods,
    );
    const forMember: RedeemabilityView = {
      redeemable: block === null,
      why: block && { code: block.code, reason: block.why, message: reasonView(block.message) },
    };
    return { ...rewardView(reward), forMember };
  });
  return { data, nextCursor };
}

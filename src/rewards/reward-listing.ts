import type { Queryable } from '../db/database.ts';
import { reasonView } from '../ledger/ledger-views.ts';
import { localMoment } from '../rules/rule-facts.ts';
import { type Page, toPage } from '../shared/pages.ts';
import { tierInForce } from '../tiers/member-tier.ts';
import { withPoolStock } from './coupon-pool.ts';
import { getDrawsByIds } from './draws/draw-store.ts';
import type { Draw } from './draws/draw-types.ts';
import { playsOnDayByDraw } from './draws/play-store.ts';
import { drawGate, pricedByDraw } from './redeem-lucky-draw.ts';
import { memberForListing } from './redeemer-facts.ts';
import { findRedemptionBlock } from './reward-availability.ts';
import { type RewardView, rewardView } from './reward-catalogue.ts';
import { listRewards, type RewardFilter } from './reward-store.ts';
import type { Reward } from './reward-types.ts';
import { loadRewardUsage, redemptionPeriods } from './reward-usage.ts';

export interface RedeemabilityView {
  redeemable: boolean;
  why: { code: string; reason: string; message: { 'zh-CN': string; en: string } } | null;
}

/**
 * Rewards as the catalogue shows them: a pool coupon's stock is its codes left, a lucky_draw entry
 * costs what a play of its draw costs now. Returns the draws of the lucky_draw entries too.
 */
export async function withCatalogueFacts(
  db: Queryable,
  programId: string,
  rewards: readonly Reward[],
): Promise<{ rewards: Reward[]; draws: Map<string, Draw> }> {
  const drawIds = [...new Set(rewards.flatMap((reward) => drawIdOf(reward) ?? []))];
  const draws = await getDrawsByIds(db, programId, drawIds);
  const shown = await Promise.all(
    rewards.map(async (reward) => {
      const draw = draws.get(drawIdOf(reward) ?? '');
      return draw ? pricedByDraw(reward, draw) : withPoolStock(db, programId, reward);
    }),
  );
  return { rewards: shown, draws };
}

const drawIdOf = (reward: Reward) => (reward.type === 'lucky_draw' ? reward.details.drawId : undefined);

/** One reward as the catalogue shows it. */
export async function showReward(db: Queryable, programId: string, reward: Reward): Promise<RewardView> {
  const { rewards } = await withCatalogueFacts(db, programId, [reward]);
  return rewardView(rewards[0]!);
}

/**
 * The catalogue, and for a member whether each reward can be redeemed now (one unit) and if not
 * why — by the same function redeeming uses, over the member as it is now (no lock). A lucky_draw
 * entry answers for its draw too: live, within its window, and the member's plays left today.
 */
export async function listRewardsFor(
  db: Queryable,
  programId: string,
  filter: RewardFilter & { memberId?: string | undefined },
  now: Date,
): Promise<Page<RewardView & { forMember?: RedeemabilityView }>> {
  const listed = toPage(
    await listRewards(db, programId, { ...filter, limit: filter.limit + 1 }),
    filter.limit,
    (r) => r,
  );
  const { nextCursor, hasMore } = listed;
  const { rewards, draws } = await withCatalogueFacts(db, programId, listed.data);
  if (!filter.memberId) return { data: rewards.map(rewardView), nextCursor, hasMore };
  const member = await memberForListing(db, programId, filter.memberId, now);
  const tierCode = await tierInForce(db, programId, member.memberKey, now);
  const periods = redemptionPeriods(now, member.timezone);
  const localDay = localMoment(now, member.timezone).date;
  const usage = await loadRewardUsage(
    db,
    programId,
    member.memberKey,
    periods,
    rewards.map((reward) => reward.id),
  );
  const plays = await playsOnDayByDraw(db, programId, member.memberKey, [...draws.keys()], localDay);
  const data = rewards.map((reward) => {
    const draw = draws.get(drawIdOf(reward) ?? '');
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
      draw ? drawGate(draw, plays.get(draw.id) ?? 0, localDay) : null,
    );
    const forMember: RedeemabilityView = {
      redeemable: block === null,
      why: block && { code: block.code, reason: block.why, message: reasonView(block.message) },
    };
    return { ...rewardView(reward), forMember };
  });
  return { data, nextCursor, hasMore };
}

import type { Periods } from '../events/rule-usage.ts';
import type { MemberStatus, Reason } from '../ledger/ledger-types.ts';
import type { ErrorCode } from '../shared/error-codes.ts';
import { JifenError } from '../shared/errors.ts';
import type { DrawStatus } from './draws/draw-types.ts';
import type { Reward, RewardLimits, RewardStatus } from './reward-types.ts';

/**
 * Whether a member can redeem a reward now, and if not why, in both languages: one pure function
 * that the catalogue listing (`GET /v1/rewards?memberId=`) and the redemption command share, so the
 * list never promises what redeeming refuses. A lucky_draw entry also answers for its draw: live,
 * within its window, and the member's plays left today.
 */

export type BlockReason =
  | 'not_live'
  | 'outside_window'
  | 'tier_not_eligible'
  | 'member_frozen'
  | 'member_blocked'
  | 'limit_reached'
  | 'out_of_stock'
  | 'not_enough_points'
  | 'draw_not_live'
  | 'draw_outside_window'
  | 'draw_limit_reached';

export interface RedemptionBlock {
  why: BlockReason;
  code: ErrorCode;
  message: Reason;
  extensions: Record<string, unknown>;
}

export interface RedeemerFacts {
  status: MemberStatus;
  spendablePoints: number;
  /** The tier in force, or null when the program has no tiers. */
  tierCode: string | null;
  /** Units of this reward the member redeemed, by period key ('day:2026-11-23', 'lifetime', ...). */
  usedByPeriod: ReadonlyMap<string, number>;
}

/** A lucky_draw entry: its draw's state, and the member's plays of it on the local day. */
export interface DrawGate {
  status: DrawStatus;
  availableFrom: Date | null;
  availableUntil: Date | null;
  perMemberPerDay: number | null;
  playedToday: number;
  localDay: string;
}

const outside = (window: { availableFrom: Date | null; availableUntil: Date | null }, now: Date) =>
  (window.availableFrom !== null && now < window.availableFrom) ||
  (window.availableUntil !== null && now >= window.availableUntil);

const LIMIT_PERIODS: readonly { limit: keyof RewardLimits; period: keyof Periods; zh: string; en: string }[] =
  [
    { limit: 'perDay', period: 'day', zh: '每日', en: 'per day' },
    { limit: 'perWeek', period: 'week', zh: '每周', en: 'per week' },
    { limit: 'perMonth', period: 'month', zh: '每月', en: 'per month' },
    { limit: 'lifetime', period: 'lifetime', zh: '累计', en: 'in total' },
  ];

export function findRedemptionBlock(
  reward: Reward,
  redeemer: RedeemerFacts,
  quantity: number,
  now: Date,
  periods: Periods,
  draw: DrawGate | null = null,
): RedemptionBlock | null {
  const block = (why: BlockReason, code: ErrorCode, zh: string, en: string, extensions = {}) => ({
    why,
    code,
    message: { zh, en },
    extensions: { why, ...extensions },
  });
  if (reward.status !== 'live') {
    return block('not_live', 'reward_unavailable', '该奖品未上架', 'The reward is not on offer', {
      rewardStatus: reward.status,
    });
  }
  if (outside(reward, now)) {
    return block('outside_window', 'reward_unavailable', '不在兑换时间内', 'Outside the redemption window', {
      availableFrom: reward.availableFrom?.toISOString() ?? null,
      availableUntil: reward.availableUntil?.toISOString() ?? null,
    });
  }
  if (draw && draw.status !== 'live') {
    return block('draw_not_live', 'draw_unavailable', '抽奖活动未开放', 'The lucky draw is not open', {
      drawStatus: draw.status,
    });
  }
  if (draw && outside(draw, now)) {
    return block(
      'draw_outside_window',
      'draw_unavailable',
      '不在抽奖时间内',
      "Outside the lucky draw's window",
      {
        availableFrom: draw.availableFrom?.toISOString() ?? null,
        availableUntil: draw.availableUntil?.toISOString() ?? null,
      },
    );
  }
  if (reward.eligibleTiers.length > 0 && !reward.eligibleTiers.includes(redeemer.tierCode ?? '')) {
    return block('tier_not_eligible', 'tier_not_eligible', '会员等级不符', 'Not available at your tier', {
      eligibleTiers: reward.eligibleTiers,
      memberTier: redeemer.tierCode,
    });
  }
  if (redeemer.status !== 'active') {
    const frozen = redeemer.status === 'frozen';
    return frozen
      ? block('member_frozen', 'member_frozen', '账户已冻结', 'The account is frozen')
      : block('member_blocked', 'member_blocked', '账户已停用', 'The account is blocked');
  }
  for (const { limit, period, zh, en } of LIMIT_PERIODS) {
    const allowed = reward.limits[limit];
    if (allowed === undefined) continue;
    const used = redeemer.usedByPeriod.get(periods[period]) ?? 0;
    if (used + quantity > allowed) {
      return block(
        'limit_reached',
        'redemption_limit_reached',
        `已达兑换上限(${zh} ${allowed} 件)`,
        `Limit reached (${allowed} ${en})`,
        { period: limit, limit: allowed, used },
      );
    }
  }
  if (draw && draw.perMemberPerDay !== null && draw.playedToday + quantity > draw.perMemberPerDay) {
    return block(
      'draw_limit_reached',
      'draw_limit_reached',
      `今日抽奖次数已用完(每日 ${draw.perMemberPerDay} 次)`,
      `No plays left today (${draw.perMemberPerDay} per day)`,
      { limit: draw.perMemberPerDay, used: draw.playedToday, localDay: draw.localDay },
    );
  }
  if (reward.stock !== null && reward.stock < quantity) {
    return block('out_of_stock', 'out_of_stock', '库存不足', 'Out of stock', { stock: reward.stock });
  }
  const needed = reward.pricePoints * quantity;
  if (redeemer.spendablePoints < needed) {
    const short = needed - Math.max(redeemer.spendablePoints, 0);
    return block(
      'not_enough_points',
      'insufficient_points',
      `积分不足,还差 ${short} 分`,
      `${short} more points needed`,
      {
        availablePoints: Math.max(redeemer.spendablePoints, 0),
        requestedPoints: needed,
      },
    );
  }
  return null;
}

export function blockError(block: RedemptionBlock): JifenError {
  return new JifenError(block.code, {
    detail: block.message.en,
    extensions: { ...block.extensions, message: { 'zh-CN': block.message.zh, en: block.message.en } },
  });
}

/** The lifecycle of a catalogue entry: a retired reward never comes back. */
const NEXT_STATUSES: Readonly<Record<RewardStatus, readonly RewardStatus[]>> = {
  draft: ['live', 'retired'],
  live: ['paused', 'retired'],
  paused: ['live', 'retired'],
  retired: [],
};

export function assertRewardTransition(from: RewardStatus, to: RewardStatus): void {
  if (from === to && from !== 'retired') return;
  if (!NEXT_STATUSES[from].includes(to)) {
    throw new JifenError('reward_state', {
      detail:
        from === 'retired'
          ? 'The reward is retired and cannot be changed; create a new one.'
          : `A ${from} reward cannot become ${to}.`,
      extensions: { rewardStatus: from, requestedStatus: to },
    });
  }
}

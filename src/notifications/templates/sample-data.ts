import { systemReasons } from '../../ledger/reasons.ts';
import type {
  NotificationDataByType,
  NotificationType,
  PointsMovedData,
  RedemptionData,
} from '../message-types.ts';

/**
 * A realistic payload of every type, for previews and docs: member m-1001 of a Shanghai shop,
 * on 2026-03-11 at 14:30 local time (06:30 UTC).
 */

const occurredAt = '2026-03-11T06:30:00.000Z';
const orderReward = { zh: '订单 1001 消费奖励', en: 'Reward for order 1001' };

const pointsMoved = (moved: Partial<PointsMovedData>): PointsMovedData => ({
  memberId: 'm-1001',
  points: 1200,
  direction: 'in',
  pendingPoints: 0,
  availableAt: null,
  reason: orderReward,
  source: { kind: 'order', ref: 'order-1001', orderId: 'order-1001' },
  entryIds: ['ent_01kkdnf4r0x9q2m7c3v8b5n6t1'],
  balances: { available: 3400, pending: 0, held: 0, debt: 0, growth: 5200 },
  occurredAt,
  ...moved,
});

const coupon = {
  rewardId: 'rwd_01kk0a1b2c3d4e5f6g7h8j9k0m',
  rewardType: 'coupon',
  rewardName: { zh: '星巴克中杯券', en: 'Starbucks tall coupon' },
  couponCodes: ['SBX-7Q4M-2K9P'],
  shipment: null,
};

const tumbler = {
  rewardId: 'rwd_01kk0b2c3d4e5f6g7h8j9k0m1n',
  rewardType: 'goods',
  rewardName: { zh: '品牌保温杯', en: 'Insulated tumbler' },
  couponCodes: [],
  shipment: { carrier: '顺丰速运', trackingNumber: 'SF1234567890' },
};

const redemption = (redeemed: Partial<RedemptionData>): RedemptionData => ({
  memberId: 'm-1001',
  redemptionId: 'rdm_01kkdnf4r0x9q2m7c3v8b5n6t2',
  quantity: 1,
  points: 1200,
  status: 'fulfilled',
  cancelReason: null,
  occurredAt,
  ...coupon,
  ...redeemed,
});

const SAMPLES: { [T in NotificationType]: NotificationDataByType[T] } = {
  'points.earned': pointsMoved({
    pendingPoints: 1200,
    // Released at the start of 2026-03-19 in Shanghai, after a 7-day return window.
    availableAt: '2026-03-18T16:00:00.000Z',
    balances: { available: 3400, pending: 1200, held: 0, debt: 0, growth: 6400 },
  }),
  'points.spent': pointsMoved({
    points: 800,
    direction: 'out',
    reason: { zh: '订单 1002 积分抵现', en: 'Points used on order 1002' },
    source: { kind: 'order', ref: 'order-1002', orderId: 'order-1002' },
    balances: { available: 2600, pending: 0, held: 0, debt: 0, growth: 5200 },
  }),
  'points.expiring': {
    memberId: 'm-1001',
    points: 1200,
    expiresOn: '2026-12-31',
    expiresAt: '2026-12-31T16:00:00.000Z',
    offsetDays: 30,
    daysLeft: 30,
    lots: 2,
  },
  'points.expired': pointsMoved({
    direction: 'out',
    reason: systemReasons.expired(1200),
    source: { kind: 'system' },
    balances: { available: 2200, pending: 0, held: 0, debt: 0, growth: 5200 },
  }),
  'points.adjusted': pointsMoved({
    points: 200,
    reason: { zh: '客服补偿', en: 'Goodwill credit from customer service' },
    source: { kind: 'operator' },
    balances: { available: 3600, pending: 0, held: 0, debt: 0, growth: 5200 },
  }),
  'points.reversed': pointsMoved({
    direction: 'out',
    reason: systemReasons.reversal(orderReward, { zh: '订单退款', en: 'order refunded' }),
    source: { kind: 'order', ref: 'order-1001', orderId: 'order-1001' },
    balances: { available: 2200, pending: 0, held: 0, debt: 0, growth: 4000 },
  }),
  'tier.changed': {
    memberId: 'm-1001',
    kind: 'upgrade',
    fromTier: 'silver',
    toTier: 'gold',
    fromTierName: { zh: '银卡', en: 'Silver' },
    toTierName: { zh: '金卡', en: 'Gold' },
    growthInWindow: 5200,
    reason: {
      zh: '成长值 5,200 达到金卡门槛 5,000,升级为金卡',
      en: 'Growth 5,200 reached Gold (5,000): upgraded',
    },
    occurredAt,
  },
  'redemption.created': redemption({}),
  'redemption.shipped': redemption({ ...tumbler, status: 'shipped' }),
  'redemption.delivered': redemption({ ...tumbler, status: 'delivered' }),
  'redemption.cancelled': redemption({ status: 'cancelled', cancelReason: '会员申请取消' }),
  'risk.case.opened': {
    memberId: 'm-1001',
    caseId: 'case_01kkdnf4r0x9q2m7c3v8b5n6t3',
    rule: 'earn_velocity',
    severity: 'high',
    summary: { zh: '1 小时内获得积分 12 次', en: 'Earned points 12 times within 1 hour' },
    occurredAt,
  },
};

/** A deep copy, so a caller changing the sample cannot change it for the next preview. */
export const sampleData = <T extends NotificationType>(type: T): NotificationDataByType[T] =>
  structuredClone(SAMPLES[type]);

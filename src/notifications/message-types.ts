import type { Balances, EntrySource, Reason } from '../ledger/ledger-types.ts';
import type { MemberKey } from '../members/member-key.ts';

/**
 * Everything Jifen tells the outside world about. Each is written to the outbox in the transaction
 * of the change that caused it (SPEC §3.6), then fanned out to webhooks and member channels.
 */
export const NOTIFICATION_TYPES = [
  'points.earned',
  'points.spent',
  'points.expiring',
  'points.expired',
  'points.adjusted',
  'points.reversed',
  'tier.changed',
  'redemption.created',
  'redemption.shipped',
  'redemption.delivered',
  'redemption.cancelled',
  'risk.case.opened',
] as const;

export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

export const isNotificationType = (value: string): value is NotificationType =>
  (NOTIFICATION_TYPES as readonly string[]).includes(value);

/**
 * News for integrators only (webhooks): about the program, not one member, so no member channel,
 * template or inbox. An import's history is told once, when it is committed or undone, instead of
 * a message per imported movement (docs/imports.md, "Messages").
 */
export const WEBHOOK_ONLY_TYPES = ['import.committed', 'import.undone'] as const;
export type WebhookOnlyType = (typeof WEBHOOK_ONLY_TYPES)[number];

/** Every type a webhook endpoint may subscribe to. */
export const MESSAGE_TYPES = [...NOTIFICATION_TYPES, ...WEBHOOK_ONLY_TYPES] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

/** Points moved by one command for one member (earned, spent, expired, adjusted, reversed). */
export interface PointsMovedData {
  memberId: string;
  /** Points moved, always positive; `direction` says which way for adjustments and reversals. */
  points: number;
  direction: 'in' | 'out';
  /** Of `points`, those that are pending (not yet spendable) — earned points only. */
  pendingPoints: number;
  /** When pending points become available; null when none are pending. */
  availableAt: string | null;
  reason: Reason;
  source: EntrySource;
  entryIds: string[];
  balances: Balances;
  occurredAt: string;
}

/** A reminder: `points` of this member's points expire on `expiresOn` (a local date). */
export interface PointsExpiringData {
  memberId: string;
  points: number;
  /** The last local day on which the points can be used (YYYY-MM-DD, program timezone). */
  expiresOn: string;
  /** The first instant at which some of these points expire. */
  expiresAt: string;
  /** The reminder offset that fired (30, 7, 1 by default). */
  offsetDays: number;
  /** Whole days from the reminder to the first expiry, rounded up (a lot earned late may have fewer). */
  daysLeft: number;
  lots: number;
}

export interface TierChangedData {
  memberId: string;
  kind: string;
  fromTier: string;
  toTier: string;
  fromTierName: Reason | null;
  toTierName: Reason | null;
  growthInWindow: number | null;
  reason: Reason;
  occurredAt: string;
}

export interface RedemptionData {
  memberId: string;
  redemptionId: string;
  rewardId: string;
  rewardType: string;
  rewardName: Reason;
  quantity: number;
  points: number;
  status: string;
  couponCodes: string[];
  shipment: { carrier?: string | null; trackingNumber?: string | null } | null;
  cancelReason: string | null;
  occurredAt: string;
}

export interface RiskCaseOpenedData {
  memberId: string;
  caseId: string;
  rule: string;
  severity: string;
  summary: Reason;
  occurredAt: string;
}

/** An import committed or undone: what it did, in numbers (`GET /v1/imports/{id}` has the rest). */
export interface ImportFinishedData {
  importId: string;
  kind: string;
  fileName: string | null;
  state: 'committed' | 'undone';
  rows: { read: number; valid: number; invalid: number; applied: number; skipped: number };
  /** Balances: the points of the rows applied; events: the points the rules gave. */
  points: number;
  membersCreated: number;
  entriesMade: number;
  occurredAt: string;
}

export interface NotificationDataByType {
  'points.earned': PointsMovedData;
  'points.spent': PointsMovedData;
  'points.expiring': PointsExpiringData;
  'points.expired': PointsMovedData;
  'points.adjusted': PointsMovedData;
  'points.reversed': PointsMovedData;
  'tier.changed': TierChangedData;
  'redemption.created': RedemptionData;
  'redemption.shipped': RedemptionData;
  'redemption.delivered': RedemptionData;
  'redemption.cancelled': RedemptionData;
  'risk.case.opened': RiskCaseOpenedData;
}

export interface MessageDataByType extends NotificationDataByType {
  'import.committed': ImportFinishedData;
  'import.undone': ImportFinishedData;
}

/**
 * One outbox record. `id` is the stable message id receivers de-duplicate on. The row refers to
 * the member by key (`memberKey`, what fan-out reads preferences and writes the inbox by); the
 * merchant's id is in the payload as it was when the message was composed, and `memberId` (the
 * webhook envelope's) is read back from there.
 */
export interface OutboxMessage<T extends MessageType = MessageType> {
  id: string;
  programId: string;
  memberId: string | null;
  memberKey: MemberKey | null;
  type: T;
  data: MessageDataByType[T];
  createdAt: Date;
}

/** Messages to members are transactional unless a program's template marks them marketing. */
export type MessageCategory = 'transactional' | 'marketing';

/** Member channels; webhooks are the integrator's channel and are configured per endpoint. */
export const MEMBER_CHANNELS = ['inbox', 'email', 'sms'] as const;
export type MemberChannel = (typeof MEMBER_CHANNELS)[number];

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

import type { Reason } from '../ledger/ledger-types.ts';
import type { RuleAward, RuleMiss } from '../rules/evaluate-rules.ts';
import type { OrderStatus } from './orders.ts';

/**
 * What an event got, as stored with it and answered to every retry: the awards (rule id and
 * version, points, growth, the entries that credited them), why each rule for its type did not
 * fire, and for order events the order's state and what a refund took back.
 */
export interface EventOutcome {
  eventId: string;
  type: string;
  memberId: string;
  occurredAt: string;
  receivedAt: string;
  /** The event created the member (first sight of an unknown member id). */
  memberCreated: boolean;
  /** Net change: points awarded minus points a refund took back (likewise growth). */
  points: number;
  growth: number;
  awards: AwardOutcome[];
  misses: MissOutcome[];
  order: OrderOutcome | null;
  refund: RefundOutcome | null;
  /** Said when the event changed nothing on purpose, e.g. an order cancelled before payment. */
  note: Reason | null;
}

export interface AwardOutcome extends Omit<RuleAward, 'onceKey' | 'expiresInDays'> {
  expiresAt: string | null;
  onceKey: string | null;
  entryIds: string[];
}

export type MissOutcome = RuleMiss;

export interface OrderOutcome {
  orderId: string;
  status: OrderStatus;
  amountMinor: number;
  refundedMinor: number;
  points: number;
  growth: number;
  pointsRefunded: number;
  growthRefunded: number;
}

export interface RefundOutcome {
  amountMinor: number;
  points: number;
  growth: number;
  /** Points the refund could not take back and the program's cap-at-zero policy wrote off. */
  unrecoveredPoints: number;
  entryIds: string[];
}

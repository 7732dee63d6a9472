import type { LedgerDraft } from '../ledger/ledger-draft.ts';
import type { EntrySource } from '../ledger/ledger-types.ts';
import type { MemberKey } from '../members/member-key.ts';
import type { CompiledRule } from '../rules/compile-rule.ts';
import type { Evaluation } from '../rules/evaluate-rules.ts';
import type { RuleFacts } from '../rules/rule-facts.ts';
import type { Order, RefundDecision } from './orders.ts';
import type { Periods, RuleUsageTracker } from './rule-usage.ts';

/** The inputs of deciding one event (`decide-event.ts`), shared with the order steps it calls. */

export interface EventContext {
  draft: LedgerDraft;
  rules: readonly CompiledRule[];
  tracker: RuleUsageTracker;
  orders: Map<string, Order>;
  /** Points of refunded orders already lost to expiry or reversals (see `loadOrderLosses`). */
  orderLosses: ReadonlyMap<string, number>;
  currency: string;
  /** Who sent the event (API key), recorded on every entry with the rule that produced it. */
  source: EntrySource;
}

export interface PlannedEvent {
  memberId: string;
  /** The member's key, from the members' lock: what the event's rows (limits, orders) refer to. */
  memberKey: MemberKey;
  facts: RuleFacts;
  periods: Periods;
  orderId: string | null;
  memberCreated: boolean;
  receivedAt: Date;
}

export interface RefundPlan {
  kind: 'refund';
  evaluation: Evaluation;
  order: Order;
  decision: RefundDecision;
  growth: number;
}

import type { LedgerDraft } from '../ledger/ledger-draft.ts';
import type { Reason } from '../ledger/ledger-types.ts';
import { isSpendable } from '../ledger/lot-order.ts';
import { clawback } from '../ledger/movements.ts';
import { formatMoney } from '../rules/money-text.ts';
import type { LineItem } from '../rules/rule-facts.ts';
import { JifenError } from '../shared/errors.ts';
import type { RefundOutcome } from './event-outcome.ts';
import type { EventContext, PlannedEvent, RefundPlan } from './event-plan.ts';
import { type Order, orderItemsOf } from './orders.ts';

/**
 * What order events do to orders and the ledger once decided: a new order from its payment, the
 * clawback and growth take-back of a refund (the order's own pending lots first, then its lots,
 * then the member's others), a cancellation before payment, and the order as outcomes show it.
 */

export function applyRefund(context: EventContext, event: PlannedEvent, plan: RefundPlan): RefundOutcome {
  const { draft } = context;
  const { order, decision } = plan;
  const memberId = event.memberId;
  const cancelled = event.facts.event.type === 'order.cancelled';
  const money = formatMoney(decision.refundMinor, order.currency ?? context.currency);
  const reason: Reason = cancelled
    ? {
        zh: `订单 ${order.orderId} 已取消,扣回积分`,
        en: `Order ${order.orderId} cancelled: points taken back`,
      }
    : {
        zh: `订单 ${order.orderId} 退款 ${money},按比例扣回`,
        en: `Refund of ${money} on order ${order.orderId}: points taken back in proportion`,
      };
  const fields = {
    memberId,
    type: 'clawback' as const,
    source: {
      ...context.source,
      kind: 'order' as const,
      ref: event.facts.event.id,
      eventId: event.facts.event.id,
      orderId: order.orderId,
    },
    reason,
    operator: null,
  };
  const entries = [];
  if (decision.points > 0) {
    entries.push(
      clawback(draft, {
        ...fields,
        contraAccount: 'issued',
        points: decision.points,
        preferLotIds: refundLots(draft, order).map((lot) => lot.id),
      }),
    );
  }
  if (plan.growth > 0) {
    entries.push(
      draft.record({ ...fields, contraAccount: 'growth_issued', delta: { growth: -plan.growth } }),
    );
  }
  order.refundedMinor += decision.refundMinor;
  order.items = decision.items;
  order.pointsRefunded += decision.points;
  order.growthRefunded += decision.growth;
  if (cancelled) order.status = 'cancelled';
  else if (decision.complete) order.status = 'refunded';
  return {
    amountMinor: decision.refundMinor,
    points: decision.points,
    growth: plan.growth,
    unrecoveredPoints: sum(entries.map((entry) => entry.unrecoveredPoints)),
    entryIds: entries.map((entry) => entry.id),
  };
}

/** The order's own lots still holding points it earned and not past expiry: taken back first. */
export function refundLots(draft: LedgerDraft, order: Order) {
  return [...new Set(order.lotIds)].flatMap((lotId) => {
    const lot = draft.findLot(lotId);
    return lot && lot.remaining > 0 && (lot.status === 'pending' || isSpendable(lot, draft.now)) ? [lot] : [];
  });
}

/**
 * A take-back the program's cap-at-zero policy would write off is refused while points sit in a
 * hold (see `clawback`): checked here, before anything changes.
 */
export function assertRecoverable(
  draft: LedgerDraft,
  memberId: string,
  points: number,
  own: ReturnType<typeof refundLots>,
) {
  if (points === 0 || draft.settings.negativeBalance === 'allow_debt') return;
  const held = draft.account(memberId).balances.held;
  if (held === 0) return;
  const pending = sum(own.filter((lot) => lot.status === 'pending').map((lot) => lot.remaining));
  const spendable = sum(draft.spendableLots(memberId).map((lot) => lot.remaining));
  const shortfall =
    points - Math.min(points, pending) - Math.min(points - Math.min(points, pending), spendable);
  if (shortfall > 0) {
    throw new JifenError('points_held', {
      detail: `${shortfall} of the ${points} points to take back are not available and ${held} are held; capture or void the holds first.`,
      extensions: { heldPoints: held, shortfallPoints: shortfall },
    });
  }
}

export function newOrder(
  context: EventContext,
  event: PlannedEvent,
  lotIds: readonly string[],
  points: number,
  growth: number,
): Order {
  const { attributes } = event.facts.event;
  return {
    orderId: event.orderId!,
    memberKey: event.memberKey,
    status: 'paid',
    currency: typeof attributes.currency === 'string' ? attributes.currency : null,
    amountMinor: attributes.amountMinor as number,
    refundedMinor: 0,
    items: orderItemsOf(event.facts.items as LineItem[]),
    points,
    growth,
    pointsRefunded: 0,
    growthRefunded: 0,
    lotIds: [...lotIds],
    paidEventId: event.facts.event.id,
    createdAt: context.draft.now,
  };
}

export function cancelledUnpaid(event: PlannedEvent): Order {
  return {
    orderId: event.orderId!,
    memberKey: event.memberKey,
    status: 'cancelled',
    currency: null,
    amountMinor: 0,
    refundedMinor: 0,
    items: [],
    points: 0,
    growth: 0,
    pointsRefunded: 0,
    growthRefunded: 0,
    lotIds: [],
    paidEventId: null,
    createdAt: event.receivedAt,
  };
}

export function orderOutcome(order: Order) {
  return {
    orderId: order.orderId,
    status: order.status,
    amountMinor: order.amountMinor,
    refundedMinor: order.refundedMinor,
    points: order.points,
    growth: order.growth,
    pointsRefunded: order.pointsRefunded,
    growthRefunded: order.growthRefunded,
  };
}

export const ALREADY_CANCELLED: Reason = {
  zh: '订单已取消,无积分变动',
  en: 'The order was already cancelled; nothing changes',
};
export const ALREADY_REFUNDED: Reason = {
  zh: '订单已全额退款,无积分变动',
  en: 'The order was already refunded in full; nothing changes',
};

export function orderCancelled(orderId: string): JifenError {
  return new JifenError('order_cancelled', {
    detail: `Order "${orderId}" was cancelled.`,
    extensions: { orderId },
  });
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

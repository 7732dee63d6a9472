import type { MemberKey } from '../members/member-key.ts';
import { itemAmountMinor, type LineItem } from '../rules/rule-facts.ts';
import { JifenError } from '../shared/errors.ts';
import { shareOf, spreadRefundedUnits } from '../shared/proportional-refunds.ts';

/**
 * Orders as events describe them: what was paid, what it earned (points, growth and the lots that
 * hold them), and what refunds have taken back. Refunds are proportional and cumulative: after
 * refunding r of an order's amount a, round(points × r / a) points have been taken back in total,
 * so partial refunds never drift and a full refund takes back exactly what the order earned.
 */

export type OrderStatus = 'paid' | 'refunded' | 'cancelled';

export interface OrderItem {
  sku: string;
  quantity: number;
  amountMinor: number;
  refundedQuantity: number;
}

export interface Order {
  orderId: string;
  /** The member who paid it, by key. */
  memberKey: MemberKey;
  status: OrderStatus;
  currency: string | null;
  amountMinor: number;
  refundedMinor: number;
  items: OrderItem[];
  points: number;
  growth: number;
  pointsRefunded: number;
  growthRefunded: number;
  lotIds: string[];
  paidEventId: string | null;
  createdAt: Date;
}

export function orderItemsOf(items: readonly LineItem[]): OrderItem[] {
  return items.map((item) => ({
    sku: item.sku,
    quantity: item.quantity,
    amountMinor: itemAmountMinor(item),
    refundedQuantity: 0,
  }));
}

export interface RefundRequest {
  amountMinor?: number;
  items?: readonly { sku: string; quantity: number }[];
}

export interface RefundDecision {
  refundMinor: number;
  items: OrderItem[];
  /** Points and growth to take back now. */
  points: number;
  growth: number;
  /** The refund leaves nothing of the order to refund. */
  complete: boolean;
}

/**
 * What a refund takes back; throws when it asks for more than is left of the order. `lostPoints`
 * are points of the order the member no longer has for other reasons — expired, or taken back by a
 * reversal of the award — which a refund must not take a second time.
 */
export function decideRefund(order: Order, request: RefundRequest, lostPoints = 0): RefundDecision {
  if (order.status !== 'paid') throw exceeds(order, 'the order is already fully refunded');
  const left = order.amountMinor - order.refundedMinor;
  let refundMinor: number;
  let items = order.items;
  if (request.items) {
    ({ refundMinor, items } = refundItems(order, request.items));
  } else if (request.amountMinor !== undefined) {
    refundMinor = request.amountMinor;
  } else {
    refundMinor = left;
    items = order.items.map((item) => ({ ...item, refundedQuantity: item.quantity }));
  }
  if (refundMinor > left) throw exceeds(order, `${refundMinor} is more than the ${left} left to refund`);
  const refundedMinor = order.refundedMinor + refundMinor;
  const { complete, share } = refundedShare(order, refundedMinor, items, request);
  return {
    refundMinor,
    items,
    points: Math.max(share(order.points) - order.pointsRefunded - lostPoints, 0),
    growth: Math.max(share(order.growth) - order.growthRefunded, 0),
    complete,
  };
}

/**
 * How much of the order is refunded now: by money; for an order that cost nothing, by the list
 * value of its items (or their units), and all of it when refunded as a whole.
 */
function refundedShare(
  order: Order,
  refundedMinor: number,
  items: readonly OrderItem[],
  request: RefundRequest,
): { complete: boolean; share: (total: number) => number } {
  if (order.amountMinor > 0) {
    const complete = refundedMinor === order.amountMinor;
    return {
      complete,
      share: (total) => (complete ? total : shareOf(total, refundedMinor, order.amountMinor)),
    };
  }
  const complete = !request.items || items.every((item) => item.refundedQuantity === item.quantity);
  const value = items.reduce((sum, item) => sum + item.amountMinor, 0);
  const [part, whole] =
    value > 0
      ? [Math.round(refundedValue(items)), value]
      : [
          items.reduce((sum, item) => sum + item.refundedQuantity, 0),
          items.reduce((sum, item) => sum + item.quantity, 0),
        ];
  return { complete, share: (total) => (complete ? total : whole === 0 ? 0 : shareOf(total, part, whole)) };
}

/**
 * Items are refunded at their share of what the order cost: with an order-level discount the lines
 * add up to more than was paid, so each line's refunded value is scaled by amount ÷ lines' total
 * (cumulatively, so no rounding drifts); refunding the last item refunds whatever is left. A SKU on
 * several lines is refunded from them in order.
 */
function refundItems(order: Order, requested: NonNullable<RefundRequest['items']>) {
  const items = order.items.map((item) => ({ ...item }));
  const before = refundedValue(items);
  spreadRefundedUnits(items, requested, (why) => exceeds(order, why));
  const everything = items.every((item) => item.refundedQuantity === item.quantity);
  const total = items.reduce((sum, item) => sum + item.amountMinor, 0);
  const paidFor = (value: number) => (total === 0 ? 0 : Math.round((order.amountMinor * value) / total));
  const refundMinor = everything
    ? order.amountMinor - order.refundedMinor
    : Math.min(paidFor(refundedValue(items)) - paidFor(before), order.amountMinor - order.refundedMinor);
  return { refundMinor, items };
}

/** The list value of the item quantities refunded so far. */
function refundedValue(items: readonly OrderItem[]): number {
  return items.reduce(
    (sum, item) =>
      sum + (item.quantity === 0 ? 0 : (item.amountMinor * item.refundedQuantity) / item.quantity),
    0,
  );
}

function exceeds(order: Order, why: string): JifenError {
  return new JifenError('refund_exceeds_order', {
    detail: `Order "${order.orderId}": ${why}.`,
    extensions: {
      orderId: order.orderId,
      refundableMinor: order.amountMinor - order.refundedMinor,
      items: order.items.map((item) => ({
        sku: item.sku,
        refundable: item.quantity - item.refundedQuantity,
      })),
    },
  });
}

import type { Queryable } from '../db/database.ts';
import { itemAmountMinor, type LineItem } from '../rules/rule-facts.ts';
import { JifenError } from '../shared/errors.ts';

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
  memberId: string;
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

interface OrderRow {
  id: string;
  member_id: string;
  status: OrderStatus;
  currency: string | null;
  amount_minor: string;
  refunded_minor: string;
  items: OrderItem[];
  points: string;
  growth: string;
  points_refunded: string;
  growth_refunded: string;
  lot_ids: string[];
  paid_event_id: string | null;
  created_at: Date;
}

/** Read under the lock of the orders' members: refunds of one order are serialised by it. */
export async function loadOrders(tx: Queryable, programId: string, orderIds: readonly string[]) {
  const orders = new Map<string, Order>();
  if (orderIds.length === 0) return orders;
  const rows = await tx.query<OrderRow>(
    'select * from orders where program_id = $1 and id = any($2::text[])',
    [programId, orderIds],
  );
  for (const row of rows) {
    orders.set(row.id, {
      orderId: row.id,
      memberId: row.member_id,
      status: row.status,
      currency: row.currency,
      amountMinor: Number(row.amount_minor),
      refundedMinor: Number(row.refunded_minor),
      items: row.items,
      points: Number(row.points),
      growth: Number(row.growth),
      pointsRefunded: Number(row.points_refunded),
      growthRefunded: Number(row.growth_refunded),
      lotIds: row.lot_ids,
      paidEventId: row.paid_event_id,
      createdAt: new Date(row.created_at),
    });
  }
  return orders;
}

export async function insertOrders(tx: Queryable, programId: string, orders: readonly Order[], now: Date) {
  if (orders.length === 0) return;
  const column = <T>(get: (order: Order) => T) => orders.map(get);
  await tx.query(
    `insert into orders (program_id, id, member_id, status, currency, amount_minor, refunded_minor, items,
                         points, growth, points_refunded, growth_refunded, lot_ids, paid_event_id,
                         created_at, updated_at)
     select $1, o.id, o.member_id, o.status, o.currency, o.amount_minor, o.refunded_minor, o.items::jsonb,
            o.points, o.growth, o.points_refunded, o.growth_refunded,
            coalesce(array(select jsonb_array_elements_text(o.lot_ids::jsonb)), '{}'), o.paid_event_id,
            o.created_at, $16
       from unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::int8[], $7::int8[], $8::text[],
                   $9::int8[], $10::int8[], $11::int8[], $12::int8[], $13::text[], $14::text[],
                   $15::timestamptz[])
            as o (id, member_id, status, currency, amount_minor, refunded_minor, items, points, growth,
                  points_refunded, growth_refunded, lot_ids, paid_event_id, created_at)`,
    [
      programId,
      column((o) => o.orderId),
      column((o) => o.memberId),
      column((o) => o.status),
      column((o) => o.currency),
      column((o) => o.amountMinor),
      column((o) => o.refundedMinor),
      column((o) => JSON.stringify(o.items)),
      column((o) => o.points),
      column((o) => o.growth),
      column((o) => o.pointsRefunded),
      column((o) => o.growthRefunded),
      column((o) => JSON.stringify(o.lotIds)),
      column((o) => o.paidEventId),
      column((o) => o.createdAt.toISOString()),
      now.toISOString(),
    ],
  );
}

/** Refunds and cancellations of stored orders; read and written under their member's lock. */
export async function updateOrders(tx: Queryable, programId: string, orders: readonly Order[], now: Date) {
  if (orders.length === 0) return;
  const column = <T>(get: (order: Order) => T) => orders.map(get);
  await tx.query(
    `update orders o set status = u.status, refunded_minor = u.refunded_minor, items = u.items::jsonb,
            points_refunded = u.points_refunded, growth_refunded = u.growth_refunded, updated_at = $8
       from unnest($2::text[], $3::text[], $4::int8[], $5::text[], $6::int8[], $7::int8[])
            as u (id, status, refunded_minor, items, points_refunded, growth_refunded)
      where o.program_id = $1 and o.id = u.id`,
    [
      programId,
      column((o) => o.orderId),
      column((o) => o.status),
      column((o) => o.refundedMinor),
      column((o) => JSON.stringify(o.items)),
      column((o) => o.pointsRefunded),
      column((o) => o.growthRefunded),
      now.toISOString(),
    ],
  );
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
  for (const { sku, quantity } of requested) {
    const lines = items.filter((item) => item.sku === sku);
    const refundable = lines.reduce((sum, line) => sum + line.quantity - line.refundedQuantity, 0);
    if (refundable < quantity) {
      throw exceeds(
        order,
        lines.length > 0
          ? `${quantity} of ${sku} is more than the ${refundable} left to refund`
          : `the order has no item ${sku}`,
      );
    }
    let remaining = quantity;
    for (const line of lines) {
      const taken = Math.min(remaining, line.quantity - line.refundedQuantity);
      line.refundedQuantity += taken;
      remaining -= taken;
    }
  }
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

/**
 * Points of each order its member has lost other than by refunds, read under the member's lock:
 * what expiry swept from the order's lots (unless the expiry was reversed), and what reversals of
 * the order's awards took back.
 */
export async function loadOrderLosses(
  tx: Queryable,
  programId: string,
  orders: readonly Order[],
): Promise<Map<string, number>> {
  const losses = new Map<string, number>();
  const withLots = orders.filter((order) => order.lotIds.length > 0);
  if (withLots.length === 0) return losses;
  const pairs = withLots.flatMap((order) =>
    order.lotIds.map((lotId) => [order.orderId, order.memberId, lotId]),
  );
  const rows = await tx.query<{ order_id: string; lost: string }>(
    `with order_lots (order_id, member_id, lot_id) as (
       select * from unnest($2::text[], $3::text[], $4::text[])
     ),
     expired as (
       select ol.order_id, -(t.touch->>'points')::int8 as points
         from order_lots ol
         join entries e on e.program_id = $1 and e.member_id = ol.member_id and e.type = 'expire'
         cross join lateral jsonb_array_elements(e.lots) as t (touch)
        where t.touch->>'lotId' = ol.lot_id
          and not exists (select 1 from entries r where r.program_id = $1 and r.reverses_entry_id = e.id)
     ),
     reversed as (
       select ol.order_id, -(r.available_delta + r.pending_delta) + r.unrecovered_points as points
         from order_lots ol
         join lots l on l.program_id = $1 and l.id = ol.lot_id
         join entries r on r.program_id = $1 and r.reverses_entry_id = l.entry_id
     )
     select order_id, sum(points)::int8 as lost from (select * from expired union all select * from reversed) x
      group by order_id`,
    [programId, pairs.map((pair) => pair[0]), pairs.map((pair) => pair[1]), pairs.map((pair) => pair[2])],
  );
  for (const row of rows) losses.set(row.order_id, Number(row.lost));
  return losses;
}

/** round(total × part / whole), half up, exact for any amounts (products pass 2^53). */
function shareOf(total: number, part: number, whole: number): number {
  const [t, p, w] = [BigInt(total), BigInt(part), BigInt(whole)];
  return Number((2n * t * p + w) / (2n * w));
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

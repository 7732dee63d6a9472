import type { ReadStatement, WriteStatement } from '../db/combined-statements.ts';
import type { Queryable } from '../db/database.ts';
import { jsonArray } from '../db/sql-params.ts';
import { pointsLostFromLots } from '../ledger/ledger-queries.ts';
import { asMemberKey } from '../members/member-key.ts';
import { type ActivityScope, inScope, type WindowRef, withinWindow } from '../shared/member-activity-sql.ts';
import type { Order, OrderItem, OrderStatus } from './orders.ts';

/** Orders in the database: read under their members' locks, written with the batch. */

interface OrderRow {
  id: string;
  member_key: string;
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
  created_at: string;
}

/** Read under the lock of the orders' members, with the rest of the batch's reads. */
export function readOrders(read: ReadStatement, orderIds: readonly string[]): () => Map<string, Order> {
  const rows =
    orderIds.length === 0
      ? () => []
      : read.add<OrderRow>(
          `select * from orders where program_id = $1 and id = any(${read.param(orderIds, 'text[]')})`,
        );
  return () => {
    const orders = new Map<string, Order>();
    for (const row of rows()) {
      orders.set(row.id, {
        orderId: row.id,
        memberKey: asMemberKey(row.member_key),
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
  };
}

/**
 * The batch's orders, written with its other writes: new ones inserted, stored ones (refunds,
 * cancellations) updated.
 */
export function addOrderWrites(
  statement: WriteStatement,
  orders: { inserted: readonly Order[]; updated: readonly Order[] },
  now: Date,
): void {
  const { param } = statement;
  const at = () => param(now.toISOString(), 'timestamptz');
  if (orders.inserted.length > 0) {
    const column = <T>(get: (order: Order) => T, cast: string) => param(orders.inserted.map(get), cast);
    const json = <T>(get: (order: Order) => T) => jsonArray(param, orders.inserted.map(get), 'json');
    const arrays = [
      column((o) => o.orderId, 'text[]'),
      column((o) => o.memberKey, 'text[]'),
      column((o) => o.status, 'text[]'),
      column((o) => o.currency, 'text[]'),
      column((o) => o.amountMinor, 'int8[]'),
      column((o) => o.refundedMinor, 'int8[]'),
      json((o) => o.items),
      column((o) => o.points, 'int8[]'),
      column((o) => o.growth, 'int8[]'),
      column((o) => o.pointsRefunded, 'int8[]'),
      column((o) => o.growthRefunded, 'int8[]'),
      json((o) => o.lotIds),
      column((o) => o.paidEventId, 'text[]'),
      column((o) => o.createdAt.toISOString(), 'timestamptz[]'),
    ];
    statement.add(
      `insert into orders (program_id, id, member_key, status, currency, amount_minor, refunded_minor, items,
                           points, growth, points_refunded, growth_refunded, lot_ids, paid_event_id,
                           created_at, updated_at)
       select $1, o.id, o.member_key, o.status, o.currency, o.amount_minor, o.refunded_minor, o.items,
              o.points, o.growth, o.points_refunded, o.growth_refunded,
              coalesce(array(select json_array_elements_text(o.lot_ids)), '{}'), o.paid_event_id,
              o.created_at, ${at()}
         from unnest(${arrays.join(', ')})
              as o (id, member_key, status, currency, amount_minor, refunded_minor, items, points, growth,
                    points_refunded, growth_refunded, lot_ids, paid_event_id, created_at)`,
    );
  }
  if (orders.updated.length > 0) {
    const column = <T>(get: (order: Order) => T, cast: string) => param(orders.updated.map(get), cast);
    statement.add(
      `update orders o set status = u.status, refunded_minor = u.refunded_minor, items = u.items,
              points_refunded = u.points_refunded, growth_refunded = u.growth_refunded, updated_at = ${at()}
         from unnest(${column((o) => o.orderId, 'text[]')}, ${column((o) => o.status, 'text[]')},
                     ${column((o) => o.refundedMinor, 'int8[]')},
                     ${jsonArray(
                       param,
                       orders.updated.map((o) => o.items),
                       'json',
                     )},
                     ${column((o) => o.pointsRefunded, 'int8[]')}, ${column((o) => o.growthRefunded, 'int8[]')})
              as u (id, status, refunded_minor, items, points_refunded, growth_refunded)
        where o.program_id = $1 and o.id = u.id`,
    );
  }
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
  return pointsLostFromLots(
    tx,
    programId,
    orders.flatMap((order) =>
      order.lotIds.map((lotId) => ({ key: order.orderId, memberKey: order.memberKey, lotId })),
    ),
  );
}

/**
 * Orders these events paid, whose points were all taken back since (an import undone): removed, so
 * their ids can be paid again (the corrected history imported anew). An order is matched by its
 * id and its paying event, so an order another event paid is left alone. The events stay.
 */
export async function forgetPaidOrders(
  tx: Queryable,
  programId: string,
  orders: readonly { orderId: string; paidEventIds: readonly string[] }[],
): Promise<number> {
  if (orders.length === 0) return 0;
  const rows = await tx.query(
    `delete from orders o using json_to_recordset($2::json) as p (order_id text, event_ids text[])
      where o.program_id = $1 and o.id = p.order_id and o.paid_event_id = any(p.event_ids)
      returning o.id`,
    [
      programId,
      JSON.stringify(orders.map((order) => ({ order_id: order.orderId, event_ids: order.paidEventIds }))),
    ],
  );
  return rows.length;
}

/**
 * Members' orders for segments (shared/member-activity-sql.ts): the last order's time and, per
 * window, `orders_<i>` and `spend_<i>` (minor units, after refunds). An order counts unless it
 * was cancelled or fully refunded. A few members' orders are found through their events (orders
 * have no index by member).
 */
export function orderActivitySql(scope: ActivityScope, windows: readonly WindowRef[]): string {
  const counted = `(o.status = 'paid' or (o.status = 'refunded' and o.refunded_minor < o.amount_minor))`;
  const columns = windows.flatMap((days, i) => [
    `count(*) filter (where ${counted} and ${withinWindow('o.created_at', days)}) as orders_${i}`,
    `coalesce(sum(o.amount_minor - o.refunded_minor) filter (where ${counted} and ${withinWindow('o.created_at', days)}), 0) as spend_${i}`,
  ]);
  const from =
    scope === 'program'
      ? 'orders o where o.program_id = $1'
      : `events e join orders o on o.program_id = e.program_id and o.id = e.order_id and o.paid_event_id = e.id
          where e.program_id = $1 and ${inScope(scope, 'e.member_key')} and e.type = 'order.paid'`;
  return `select o.member_key, max(o.created_at) filter (where ${counted}) as last_order_at
                 ${columns.map((c) => `, ${c}`).join('')}
            from ${from}
           group by o.member_key`;
}

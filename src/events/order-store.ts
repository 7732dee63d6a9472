import type { Queryable } from '../db/database.ts';
import { jsonArray, sqlParams } from '../db/sql-params.ts';
import { pointsLostFromLots } from '../ledger/ledger-queries.ts';
import type { Order, OrderItem, OrderStatus } from './orders.ts';

/** Orders in the database: read under their member's lock, written with the batch. */

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
  const { params, param } = sqlParams(programId, now.toISOString());
  const arrays = [
    param(
      column((o) => o.orderId),
      'text[]',
    ),
    param(
      column((o) => o.memberId),
      'text[]',
    ),
    param(
      column((o) => o.status),
      'text[]',
    ),
    param(
      column((o) => o.currency),
      'text[]',
    ),
    param(
      column((o) => o.amountMinor),
      'int8[]',
    ),
    param(
      column((o) => o.refundedMinor),
      'int8[]',
    ),
    jsonArray(
      param,
      column((o) => o.items),
      'jsonb',
    ),
    param(
      column((o) => o.points),
      'int8[]',
    ),
    param(
      column((o) => o.growth),
      'int8[]',
    ),
    param(
      column((o) => o.pointsRefunded),
      'int8[]',
    ),
    param(
      column((o) => o.growthRefunded),
      'int8[]',
    ),
    jsonArray(
      param,
      column((o) => o.lotIds),
      'jsonb',
    ),
    param(
      column((o) => o.paidEventId),
      'text[]',
    ),
    param(
      column((o) => o.createdAt.toISOString()),
      'timestamptz[]',
    ),
  ];
  await tx.query(
    `insert into orders (program_id, id, member_id, status, currency, amount_minor, refunded_minor, items,
                         points, growth, points_refunded, growth_refunded, lot_ids, paid_event_id,
                         created_at, updated_at)
     select $1, o.id, o.member_id, o.status, o.currency, o.amount_minor, o.refunded_minor, o.items,
            o.points, o.growth, o.points_refunded, o.growth_refunded,
            coalesce(array(select jsonb_array_elements_text(o.lot_ids)), '{}'), o.paid_event_id,
            o.created_at, $2
       from unnest(${arrays.join(', ')})
            as o (id, member_id, status, currency, amount_minor, refunded_minor, items, points, growth,
                  points_refunded, growth_refunded, lot_ids, paid_event_id, created_at)`,
    params,
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
      order.lotIds.map((lotId) => ({ key: order.orderId, memberId: order.memberId, lotId })),
    ),
  );
}

import type { Queryable } from '../db/database.ts';
import { holdsByIds } from '../ledger/ledger-queries.ts';
import type { Hold } from '../ledger/ledger-types.ts';
import { asMemberKey, type MemberKey } from '../members/member-key.ts';
import { memberIdOfKeySql } from '../members/member-store.ts';
import { JifenError } from '../shared/errors.ts';
import type { CartItem } from './cart.ts';

export type StoredPaymentStatus = 'authorized' | 'captured' | 'voided';
/** What callers see: an authorized payment whose hold timed out is timed_out. */
export type PaymentState =
  | 'authorized'
  | 'captured'
  | 'voided'
  | 'timed_out'
  | 'partially_refunded'
  | 'refunded';

export interface PaymentItem extends CartItem {
  deductible: boolean;
  refundedQuantity: number;
}

export interface CheckoutPayment {
  orderId: string;
  /** The merchant's id as read (answers); the row refers to the member by key. */
  memberId: string;
  memberKey: MemberKey;
  holdId: string;
  status: StoredPaymentStatus;
  currency: string;
  points: number;
  valueMinor: number;
  deductibleMinor: number;
  shippingMinor: number;
  items: PaymentItem[];
  capturedPoints: number;
  capturedValueMinor: number;
  refundedMinor: number;
  pointsRefunded: number;
  /** The minimum and step of the settings in force at authorize: a partial capture keeps to them. */
  minPoints: number;
  stepPoints: number;
  createdAt: Date;
  updatedAt: Date;
  /** The hold's status and time limit, read with the payment. */
  hold: { status: string; expiresAt: Date };
}

interface PaymentRow {
  order_id: string;
  member_id: string;
  member_key: string;
  hold_id: string;
  status: StoredPaymentStatus;
  currency: string;
  points: string;
  value_minor: string;
  deductible_minor: string;
  shipping_minor: string;
  items: PaymentItem[];
  captured_points: string;
  captured_value_minor: string;
  refunded_minor: string;
  points_refunded: string;
  min_points: string;
  step_points: string;
  created_at: Date;
  updated_at: Date;
}

function toPayment(row: PaymentRow, hold: Hold | undefined): CheckoutPayment {
  return {
    orderId: row.order_id,
    memberId: row.member_id,
    memberKey: asMemberKey(row.member_key),
    holdId: row.hold_id,
    status: row.status,
    currency: row.currency,
    points: Number(row.points),
    valueMinor: Number(row.value_minor),
    deductibleMinor: Number(row.deductible_minor),
    shippingMinor: Number(row.shipping_minor),
    items: row.items,
    capturedPoints: Number(row.captured_points),
    capturedValueMinor: Number(row.captured_value_minor),
    refundedMinor: Number(row.refunded_minor),
    pointsRefunded: Number(row.points_refunded),
    minPoints: Number(row.min_points),
    stepPoints: Number(row.step_points),
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    hold: { status: hold?.status ?? 'open', expiresAt: hold?.expiresAt ?? new Date(row.created_at) },
  };
}

/** The payment of an order; `forUpdate` locks its row (take the member's lock first). */
export async function getPayment(
  tx: Queryable,
  programId: string,
  orderId: string,
  options: { forUpdate?: boolean } = {},
): Promise<CheckoutPayment> {
  const [row] = await tx.query<PaymentRow>(
    `select p.*, ${memberIdOfKeySql('p.member_key', 'p.program_id')} as member_id from checkout_payments p
      where p.program_id = $1 and p.order_id = $2${options.forUpdate ? ' for update of p' : ''}`,
    [programId, orderId],
  );
  if (!row) {
    throw new JifenError('checkout_payment_not_found', {
      detail: `There is no checkout payment for order "${orderId}" in this program.`,
      extensions: { orderId },
    });
  }
  // The hold's state is the ledger's: read through it (under the member's lock when the caller holds it).
  const hold = (await holdsByIds(tx, programId, [row.hold_id])).get(row.hold_id);
  return toPayment(row, hold);
}

export function paymentState(payment: CheckoutPayment, now: Date): PaymentState {
  if (payment.status === 'authorized') {
    const timedOut =
      payment.hold.status === 'timed_out' ||
      (payment.hold.status === 'open' && payment.hold.expiresAt.getTime() <= now.getTime());
    return timedOut ? 'timed_out' : 'authorized';
  }
  if (payment.status === 'captured' && payment.refundedMinor > 0) {
    return payment.refundedMinor >= payment.deductibleMinor ? 'refunded' : 'partially_refunded';
  }
  return payment.status;
}

export async function insertPayment(
  tx: Queryable,
  programId: string,
  payment: Omit<CheckoutPayment, 'hold'>,
): Promise<boolean> {
  const rows = await tx.query(
    `insert into checkout_payments (program_id, order_id, member_key, hold_id, status, currency, points,
                                    value_minor, deductible_minor, shipping_minor, items, created_at, updated_at,
                                    min_points, step_points)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12, $12, $13, $14)
     on conflict (program_id, order_id) do nothing
     returning order_id`,
    [
      programId,
      payment.orderId,
      payment.memberKey,
      payment.holdId,
      payment.status,
      payment.currency,
      payment.points,
      payment.valueMinor,
      payment.deductibleMinor,
      payment.shippingMinor,
      JSON.stringify(payment.items),
      payment.createdAt.toISOString(),
      payment.minPoints,
      payment.stepPoints,
    ],
  );
  return rows.length > 0;
}

export async function savePayment(tx: Queryable, programId: string, payment: CheckoutPayment): Promise<void> {
  await tx.query(
    `update checkout_payments set status = $3, captured_points = $4, captured_value_minor = $5,
            refunded_minor = $6, points_refunded = $7, items = $8::jsonb, updated_at = $9
      where program_id = $1 and order_id = $2`,
    [
      programId,
      payment.orderId,
      payment.status,
      payment.capturedPoints,
      payment.capturedValueMinor,
      payment.refundedMinor,
      payment.pointsRefunded,
      JSON.stringify(payment.items),
      payment.updatedAt.toISOString(),
    ],
  );
}

export function paymentView(payment: CheckoutPayment, now: Date) {
  return {
    orderId: payment.orderId,
    memberId: payment.memberId,
    holdId: payment.holdId,
    state: paymentState(payment, now),
    currency: payment.currency,
    authorizedPoints: payment.points,
    authorizedValueMinor: payment.valueMinor,
    capturedPoints: payment.capturedPoints,
    capturedValueMinor: payment.capturedValueMinor,
    deductibleMinor: payment.deductibleMinor,
    shippingMinor: payment.shippingMinor,
    refundedMinor: payment.refundedMinor,
    pointsRefunded: payment.pointsRefunded,
    minPoints: payment.minPoints,
    stepPoints: payment.stepPoints,
    items: payment.items.map((item) => ({
      sku: item.sku,
      quantity: item.quantity,
      unitPriceMinor: item.unitPriceMinor,
      deductible: item.deductible,
      refundedQuantity: item.refundedQuantity,
    })),
    createdAt: payment.createdAt.toISOString(),
    updatedAt: payment.updatedAt.toISOString(),
  };
}

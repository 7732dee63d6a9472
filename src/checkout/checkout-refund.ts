import type { LotTouch } from '../ledger/ledger-types.ts';
import { JifenError } from '../shared/errors.ts';
import { shareOf, spreadRefundedUnits } from '../shared/proportional-refunds.ts';
import { itemValueMinor } from './cart.ts';
import type { CheckoutPayment, PaymentItem } from './payment-store.ts';

export interface CheckoutRefundRequest {
  /** A part of the deductible items' value. */
  amountMinor?: number;
  items?: readonly { sku: string; quantity: number }[];
}

export interface CheckoutRefundDecision {
  refundMinor: number;
  items: PaymentItem[];
  /** Points to give back now. */
  points: number;
}

/**
 * Refunds give back the captured points in proportion to the refunded part of the deductible
 * value, cumulatively: after refunding r of d, round(captured × r / d) points have been given back
 * in total, so partial refunds never drift and refunding everything gives back every point.
 * Non-deductible items may be refunded too; they give back nothing.
 */
export function decideCheckoutRefund(
  payment: CheckoutPayment,
  request: CheckoutRefundRequest,
): CheckoutRefundDecision {
  const left = payment.deductibleMinor - payment.refundedMinor;
  let items = payment.items;
  let refundMinor: number;
  if (request.items) {
    items = payment.items.map((item) => ({ ...item }));
    refundMinor = 0;
    const touched = spreadRefundedUnits(items, request.items, (why) => exceeds(payment, why));
    for (const { line, units } of touched) if (line.deductible) refundMinor += itemValueMinor(line, units);
  } else if (request.amountMinor !== undefined) {
    refundMinor = request.amountMinor;
  } else {
    refundMinor = left;
    items = payment.items.map((item) => ({ ...item, refundedQuantity: item.quantity }));
  }
  if (refundMinor > left) throw exceeds(payment, `${refundMinor} is more than the ${left} left to refund`);
  const refundedMinor = payment.refundedMinor + refundMinor;
  const total =
    refundedMinor === payment.deductibleMinor
      ? payment.capturedPoints
      : shareOf(payment.capturedPoints, refundedMinor, payment.deductibleMinor);
  return { refundMinor, items, points: Math.max(total - payment.pointsRefunded, 0) };
}

function exceeds(payment: CheckoutPayment, why: string): JifenError {
  return new JifenError('checkout_refund_exceeds_payment', {
    detail: `Order "${payment.orderId}": ${why}.`,
    extensions: {
      orderId: payment.orderId,
      refundableMinor: payment.deductibleMinor - payment.refundedMinor,
      items: payment.items.map((item) => ({
        sku: item.sku,
        refundable: item.quantity - item.refundedQuantity,
      })),
    },
  });
}

/**
 * Which lots a refund gives `points` back to. The capture spent the first `capturedPoints` of the
 * hold's touches (spending order: earliest expiry first). Refunds give back the points spent last
 * (the latest-expiring) first: after refunds of r points, what stays spent is exactly the first
 * captured − r points, as if the capture had been r points smaller — the same lots a partial
 * capture of that size would have kept, and the member keeps the longest-lived points.
 * Returns negative touches (points taken from each lot), for `restore`.
 */
export function refundTouches(
  holdTouches: readonly LotTouch[],
  capturedPoints: number,
  alreadyReturned: number,
  points: number,
): LotTouch[] {
  const from = capturedPoints - alreadyReturned - points;
  const to = capturedPoints - alreadyReturned;
  if (from < 0 || points <= 0) throw new RangeError(`cannot return ${points} of ${capturedPoints} points`);
  const touches: LotTouch[] = [];
  let start = 0;
  for (const touch of holdTouches) {
    const size = -touch.points;
    const end = start + size;
    const overlap = Math.min(end, to) - Math.max(start, from);
    if (overlap > 0) touches.push({ lotId: touch.lotId, points: -overlap });
    start = end;
  }
  return touches;
}

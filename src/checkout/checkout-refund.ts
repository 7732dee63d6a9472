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

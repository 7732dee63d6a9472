import type { Queryable } from '../db/database.ts';
import type { CommandContext, CommandResult } from '../ledger/commands/command-context.ts';
import {
  decideAuthorize,
  decideCapture,
  decideRelease,
  loadHoldForUpdate,
} from '../ledger/commands/holds.ts';
import type { LedgerDraft } from '../ledger/ledger-draft.ts';
import { captureOfHold, holdsByIds } from '../ledger/ledger-queries.ts';
import { loadDraft } from '../ledger/ledger-store.ts';
import type { Entry, Reason } from '../ledger/ledger-types.ts';
import { entryView, holdView } from '../ledger/ledger-views.ts';
import { restore } from '../ledger/movements.ts';
import { getProgram } from '../programs/program-store.ts';
import { assert, JifenError } from '../shared/errors.ts';
import { assertCurrency, type Cart, deductibleMinorOf } from './cart.ts';
import { type CheckoutRefundRequest, decideCheckoutRefund, refundTouches } from './checkout-refund.ts';
import { getCheckoutSettings } from './checkout-settings.ts';
import {
  type CheckoutPayment,
  getPayment,
  insertPayment,
  type PaymentState,
  paymentState,
  paymentView,
  savePayment,
} from './payment-store.ts';
import { assertPointsAllowed, computeQuote, valueOfPoints } from './quote.ts';

const reasons = {
  authorized: (orderId: string): Reason => ({
    zh: `订单 ${orderId} 积分抵现`,
    en: `Points as cash for order ${orderId}`,
  }),
  voided: (orderId: string): Reason => ({ zh: `订单 ${orderId} 已取消`, en: `Order ${orderId} cancelled` }),
  refunded: (orderId: string): Reason => ({
    zh: `退货退回抵现积分(订单 ${orderId})`,
    en: `Points used as cash returned for a refund (order ${orderId})`,
  }),
};

export interface AuthorizeCheckoutInput {
  memberId: string;
  orderId: string;
  points: number;
  cart: Cart;
}

function stateError(payment: CheckoutPayment, state: PaymentState, step: string): JifenError {
  return new JifenError('checkout_payment_state', {
    detail: `The checkout payment of order "${payment.orderId}" is ${state}; it cannot be ${step}.`,
    extensions: { orderId: payment.orderId, paymentState: state, step },
  });
}

function orderExists(orderId: string): JifenError {
  return new JifenError('checkout_order_exists', {
    detail: `Order "${orderId}" already has a checkout payment.`,
    extensions: { orderId },
  });
}

/** Re-checks the quote under the member's lock, then holds the points until payment. */
export async function authorizeCheckout(
  tx: Queryable,
  context: CommandContext,
  input: AuthorizeCheckoutInput,
): Promise<CommandResult> {
  const { programId, now } = context;
  const program = await getProgram(tx, programId);
  assertCurrency(input.cart, program.currency);
  const settings = await getCheckoutSettings(tx, programId);
  const draft = await loadDraft(tx, { programId, memberIds: [input.memberId], lots: true }, now);
  const existing = await tx.query('select 1 from checkout_payments where program_id = $1 and order_id = $2', [
    programId,
    input.orderId,
  ]);
  if (existing.length > 0) throw orderExists(input.orderId);
  const available = draft.account(input.memberId).balances.available;
  const quote = computeQuote(input.cart, settings, program, available);
  assertPointsAllowed(quote, input.points);
  const { hold, entry } = decideAuthorize(
    draft,
    {
      memberId: input.memberId,
      points: input.points,
      reason: reasons.authorized(input.orderId),
      owner: { kind: 'checkout_payment', id: input.orderId },
    },
    context,
  );
  const payment: Omit<CheckoutPayment, 'hold'> = {
    orderId: input.orderId,
    memberId: input.memberId,
    memberKey: draft.keyOf(input.memberId),
    holdId: hold.id,
    status: 'authorized',
    currency: input.cart.currency,
    points: input.points,
    valueMinor: valueOfPoints(input.points, program.pointValue),
    deductibleMinor: deductibleMinorOf(input.cart.items),
    shippingMinor: input.cart.shippingMinor ?? 0,
    items: input.cart.items.map((item) => ({
      sku: item.sku,
      quantity: item.quantity,
      unitPriceMinor: item.unitPriceMinor,
      deductible: item.deductible !== false,
      refundedQuantity: 0,
    })),
    capturedPoints: 0,
    capturedValueMinor: 0,
    refundedMinor: 0,
    pointsRefunded: 0,
    minPoints: settings.minPoints,
    stepPoints: settings.stepPoints,
    createdAt: now,
    updatedAt: now,
  };
  // One order id sent for two members at once: the members' locks do not order them, the key does.
  if (!(await insertPayment(tx, programId, payment))) throw orderExists(input.orderId);
  const view = paymentView({ ...payment, hold: { status: 'open', expiresAt: hold.expiresAt } }, now);
  return {
    status: 201,
    body: { payment: view, hold: holdView(hold), entries: [entryView(entry)] },
    draft,
  };
}

/** The payment re-read under its member's lock (with the hold's lots), for a state change. */
async function lockPayment(tx: Queryable, context: CommandContext, orderId: string) {
  const unlocked = await getPayment(tx, context.programId, orderId);
  const { draft, hold } = await loadHoldForUpdate(tx, context, unlocked.holdId);
  const payment = await getPayment(tx, context.programId, orderId, { forUpdate: true });
  return { draft, hold, payment };
}

/** A partial capture keeps to the minimum and step the points were authorized under. */
function assertCaptureAllowed(payment: CheckoutPayment, points: number): void {
  if (points > payment.points) return; // capture_exceeds_hold says so
  if (points < payment.minPoints || points % payment.stepPoints !== 0) {
    throw new JifenError('checkout_points_invalid', {
      detail: `Order "${payment.orderId}" was authorized for points from ${payment.minPoints} in multiples of ${payment.stepPoints}; ${points} cannot be captured.`,
      extensions: {
        orderId: payment.orderId,
        minPoints: payment.minPoints,
        stepPoints: payment.stepPoints,
        requestedPoints: points,
      },
    });
  }
}

export async function captureCheckout(
  tx: Queryable,
  context: CommandContext,
  input: { orderId: string; points?: number },
): Promise<CommandResult> {
  const { draft, hold, payment } = await lockPayment(tx, context, input.orderId);
  const state = paymentState(payment, context.now);
  if (state !== 'authorized') throw stateError(payment, state, 'captured');
  if (input.points !== undefined) assertCaptureAllowed(payment, input.points);
  const entries = decideCapture(draft, hold, input.points, context);
  const program = await getProgram(tx, context.programId);
  const capturedPoints = input.points ?? payment.points;
  const captured: CheckoutPayment = {
    ...payment,
    status: 'captured',
    capturedPoints,
    capturedValueMinor: valueOfPoints(capturedPoints, program.pointValue),
    updatedAt: context.now,
  };
  await savePayment(tx, context.programId, captured);
  return answer(captured, draft, hold.id, entries, context.now);
}

export async function voidCheckout(
  tx: Queryable,
  context: CommandContext,
  input: { orderId: string },
): Promise<CommandResult> {
  const { draft, hold, payment } = await lockPayment(tx, context, input.orderId);
  const state = paymentState(payment, context.now);
  if (state !== 'authorized') throw stateError(payment, state, 'voided');
  const entry = decideRelease(draft, hold, 'void', context, reasons.voided(payment.orderId));
  const voided: CheckoutPayment = { ...payment, status: 'voided', updatedAt: context.now };
  await savePayment(tx, context.programId, voided);
  return answer(voided, draft, hold.id, [entry], context.now);
}

/**
 * Gives back points in proportion to the refunded share, to the lots the capture took them from
 * (a lot that expired meanwhile gives way to a new lot with the program's grace period), against
 * `redeemed`: a refund undoes spending, it neither issues points nor extends their life.
 */
export async function refundCheckout(
  tx: Queryable,
  context: CommandContext,
  input: { orderId: string } & CheckoutRefundRequest,
): Promise<CommandResult> {
  const { programId, now } = context;
  const unlocked = await getPayment(tx, programId, input.orderId);
  // A hold's touches never change after it is created, so they can be read before the lock.
  const hold = await getHoldTouches(tx, programId, unlocked.holdId);
  const draft = await loadDraft(
    tx,
    {
      programId,
      memberKeys: [unlocked.memberKey],
      lots: true,
      lotIds: hold.lots.map((touch) => touch.lotId),
    },
    now,
  );
  const payment = await getPayment(tx, programId, input.orderId, { forUpdate: true });
  const current = paymentState(payment, now);
  if (current !== 'captured' && current !== 'partially_refunded')
    throw stateError(payment, current, 'refunded');
  const capture = await findCapture(tx, programId, payment);
  const decision = decideCheckoutRefund(payment, input);
  const entries: Entry[] =
    decision.points > 0
      ? [
          restore(draft, {
            memberId: payment.memberId,
            type: 'refund',
            contraAccount: 'redeemed',
            touches: refundTouches(
              hold.lots,
              payment.capturedPoints,
              payment.pointsRefunded,
              decision.points,
            ),
            source: {
              ...context.source,
              kind: 'order',
              ref: payment.orderId,
              orderId: payment.orderId,
              holdId: payment.holdId,
              captureEntryId: capture.id,
            },
            reason: reasons.refunded(payment.orderId),
          }),
        ]
      : [];
  const refunded: CheckoutPayment = {
    ...payment,
    items: decision.items,
    refundedMinor: payment.refundedMinor + decision.refundMinor,
    pointsRefunded: payment.pointsRefunded + decision.points,
    updatedAt: now,
  };
  await savePayment(tx, programId, refunded);
  return {
    status: 200,
    body: {
      payment: paymentView(refunded, now),
      refund: { refundMinor: decision.refundMinor, points: decision.points },
      entries: entries.map(entryView),
    },
    ...(entries.length > 0 ? { draft } : {}),
  };
}

async function getHoldTouches(tx: Queryable, programId: string, holdId: string) {
  const hold = (await holdsByIds(tx, programId, [holdId])).get(holdId);
  assert(hold, `checkout payment's hold ${holdId} exists`);
  return hold;
}

/**
 * The capture of the payment's hold, read under the member's lock. Refused when it was reversed
 * through the ledger API: its points are back already and must not come back twice.
 */
async function findCapture(
  tx: Queryable,
  programId: string,
  payment: CheckoutPayment,
): Promise<{ id: string }> {
  const capture = await captureOfHold(tx, programId, payment.memberKey, payment.holdId);
  assert(capture, `captured checkout payment ${payment.orderId} has a capture entry`);
  if (capture.reversalId) {
    throw new JifenError('checkout_payment_state', {
      detail: `The points captured for order "${payment.orderId}" were already returned by reversal "${capture.reversalId}".`,
      extensions: { orderId: payment.orderId, paymentState: 'reversed', reversalEntryId: capture.reversalId },
    });
  }
  return { id: capture.id };
}

function answer(payment: CheckoutPayment, draft: LedgerDraft, holdId: string, entries: Entry[], now: Date) {
  const hold = draft.hold(holdId);
  const view = paymentView({ ...payment, hold: { status: hold.status, expiresAt: hold.expiresAt } }, now);
  return {
    status: 200,
    body: { payment: view, hold: holdView(hold), entries: entries.map(entryView) },
    draft,
  };
}

import { Type } from '@sinclair/typebox';
import { assertCurrency } from '../../checkout/cart.ts';
import {
  authorizeCheckout,
  captureCheckout,
  refundCheckout,
  voidCheckout,
} from '../../checkout/checkout-commands.ts';
import {
  AuthorizationBody,
  CheckoutSettingsBody,
  CheckoutSettingsView,
  OrderParams,
  PaymentResult,
  PaymentView,
  QuoteBody,
  QuoteView,
  RefundBody,
  RefundResult,
} from '../../checkout/checkout-schemas.ts';
import { getCheckoutSettings, putCheckoutSettings } from '../../checkout/checkout-settings.ts';
import { getPayment, paymentView } from '../../checkout/payment-store.ts';
import { computeQuote, quoteView } from '../../checkout/quote.ts';
import { spendablePointsOf } from '../../ledger/ledger-queries.ts';
import { getProgram } from '../../programs/program-store.ts';
import { IdempotencyHeaders, Points, problemResponses } from '../../shared/api-schemas.ts';
import { principalOf } from '../auth.ts';
import type { RouteDeps, TypedApp } from '../route-deps.ts';

/** Points as cash at checkout (积分抵现): settings, quote, authorize, capture, void, refund. */
export function checkoutRoutes(app: TypedApp, deps: RouteDeps): void {
  const tags = ['checkout'];

  app.get(
    '/v1/checkout/settings',
    {
      config: { permission: 'ledger:read' },
      schema: {
        tags,
        summary: 'Points-as-cash settings',
        response: { 200: CheckoutSettingsView, ...problemResponses },
      },
    },
    async (request) => getCheckoutSettings(deps.db, principalOf(request).programId),
  );

  app.put(
    '/v1/checkout/settings',
    {
      config: { permission: 'checkout:manage' },
      schema: {
        tags,
        summary: 'Replace the points-as-cash settings (fields left out take their defaults)',
        body: CheckoutSettingsBody,
        response: { 200: CheckoutSettingsView, ...problemResponses },
      },
    },
    async (request) =>
      putCheckoutSettings(deps.db, principalOf(request).programId, request.body, deps.clock.now()),
  );

  app.post(
    '/v1/checkout/quote',
    {
      config: { permission: 'ledger:read' },
      schema: {
        tags,
        summary: 'How many points may pay for a cart, and what they are worth',
        body: QuoteBody,
        response: { 200: QuoteView, ...problemResponses },
      },
    },
    async (request) => {
      const { programId } = principalOf(request);
      const { memberId, ...cart } = request.body;
      const program = await getProgram(deps.db, programId);
      assertCurrency(cart, program.currency);
      const settings = await getCheckoutSettings(deps.db, programId);
      const available = await spendablePointsOf(deps.db, programId, memberId, deps.clock.now());
      return quoteView(computeQuote(cart, settings, program, available));
    },
  );

  app.post(
    '/v1/checkout/authorizations',
    {
      config: { permission: 'checkout:write' },
      schema: {
        tags,
        summary: "Hold points to pay for an order, within the cart's quote",
        headers: IdempotencyHeaders,
        body: AuthorizationBody,
        response: { 201: PaymentResult, ...problemResponses },
      },
    },
    async (request, reply) =>
      deps.send(request, reply, (tx, context) => authorizeCheckout(tx, context, request.body)),
  );

  app.get(
    '/v1/checkout/payments/:orderId',
    {
      config: { permission: 'ledger:read' },
      schema: {
        tags,
        summary: "An order's points payment and its state",
        params: OrderParams,
        response: { 200: PaymentView, ...problemResponses },
      },
    },
    async (request) => {
      const payment = await getPayment(deps.db, principalOf(request).programId, request.params.orderId);
      return paymentView(payment, deps.clock.now());
    },
  );

  app.post(
    '/v1/checkout/payments/:orderId/capture',
    {
      config: { permission: 'checkout:write' },
      schema: {
        tags,
        summary: 'The order is paid: spend all or part of the held points; the rest go back',
        params: OrderParams,
        headers: IdempotencyHeaders,
        body: Type.Optional(
          Type.Object(
            {
              points: Type.Optional({
                ...Points,
                description: 'At most the authorized points; all if absent.',
              }),
            },
            { additionalProperties: false },
          ),
        ),
        response: { 200: PaymentResult, ...problemResponses },
      },
    },
    async (request, reply) => {
      const points = request.body?.points;
      return deps.send(request, reply, (tx, context) =>
        captureCheckout(tx, context, {
          orderId: request.params.orderId,
          ...(points !== undefined ? { points } : {}),
        }),
      );
    },
  );

  app.post(
    '/v1/checkout/payments/:orderId/void',
    {
      config: { permission: 'checkout:write' },
      schema: {
        tags,
        summary: 'The order is cancelled before payment: every held point goes back',
        params: OrderParams,
        headers: IdempotencyHeaders,
        response: { 200: PaymentResult, ...problemResponses },
      },
    },
    async (request, reply) =>
      deps.send(request, reply, (tx, context) =>
        voidCheckout(tx, context, { orderId: request.params.orderId }),
      ),
  );

  app.post(
    '/v1/checkout/payments/:orderId/refunds',
    {
      config: { permission: 'checkout:write' },
      schema: {
        tags,
        summary: 'A return: give back points in proportion to the refunded part of the order',
        params: OrderParams,
        headers: IdempotencyHeaders,
        body: Type.Optional(RefundBody),
        response: { 200: RefundResult, ...problemResponses },
      },
    },
    async (request, reply) => {
      const body = request.body ?? {};
      return deps.send(request, reply, (tx, context) =>
        refundCheckout(tx, context, {
          orderId: request.params.orderId,
          ...(body.amountMinor !== undefined ? { amountMinor: body.amountMinor } : {}),
          ...(body.items !== undefined ? { items: body.items } : {}),
        }),
      );
    },
  );
}

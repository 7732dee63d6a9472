import { Type } from '@sinclair/typebox';
import { poolSummary, uploadPoolCodes } from '../../rewards/coupon-pool.ts';
import { couponCodeView, getCouponCode, useCouponCode } from '../../rewards/coupon-use.ts';
import { payRedemption } from '../../rewards/redemption-payment.ts';
import { RedemptionView } from '../../rewards/reward-api-schemas.ts';
import { problemResponses } from '../../shared/api-schemas.ts';
import { principalOf } from '../auth.ts';
import type { RouteDeps, TypedApp } from '../route-deps.ts';

const RewardParams = Type.Object({ rewardId: Type.String({ minLength: 1, maxLength: 64 }) });
const RedemptionParams = Type.Object({ redemptionId: Type.String({ minLength: 1, maxLength: 64 }) });
const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
});

const UploadBody = Type.Object(
  {
    codes: Type.Array(
      Type.String({ pattern: '^[!-~]{4,64}$', description: '4–64 printable ASCII characters.' }),
      {
        minItems: 1,
        maxItems: 10_000,
        uniqueItems: true,
      },
    ),
  },
  { additionalProperties: false },
);
const UploadAnswer = Type.Object({
  added: Type.Integer(),
  duplicates: Type.Array(Type.String(), { description: 'Codes already in the program; not added.' }),
});
const PoolSummary = Type.Object({
  available: Type.Integer(),
  issued: Type.Integer(),
  used: Type.Integer({ description: 'Issued codes a till has accepted.' }),
  voided: Type.Integer(),
});

const CodeParams = Type.Object({ code: Type.String({ minLength: 1, maxLength: 64 }) });
const UseBody = Type.Optional(
  Type.Object(
    {
      orderId: Type.Optional(
        Type.String({ minLength: 1, maxLength: 128, description: "The merchant's order the code paid for." }),
      ),
      store: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'Where it was used.' })),
    },
    { additionalProperties: false },
  ),
);
const CouponCodeAnswer = Type.Object({
  code: Type.String(),
  status: Type.Union([
    Type.Literal('available'),
    Type.Literal('issued'),
    Type.Literal('used'),
    Type.Literal('voided'),
  ]),
  rewardId: Type.String(),
  redemptionId: Type.Union([Type.String(), Type.Null()]),
  memberId: Type.Union([Type.String(), Type.Null()]),
  issuedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  usedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  usedOrderId: Type.Union([Type.String(), Type.Null()]),
  usedStore: Type.Union([Type.String(), Type.Null()]),
});

/** Uploaded coupon code pools, codes used at the till, and paying a points + cash redemption. */
export function couponPoolRoutes(app: TypedApp, deps: RouteDeps): void {
  app.post(
    '/v1/rewards/:rewardId/codes',
    {
      config: { scope: 'rewards:write' as const },
      bodyLimit: 2 * 1_048_576,
      schema: {
        tags: ['rewards'],
        summary: "Add codes to a coupon reward's pool (codes already in the program are reported, not added)",
        params: RewardParams,
        body: UploadBody,
        response: { 200: UploadAnswer, ...problemResponses },
      },
    },
    async (request) => {
      const { programId } = principalOf(request);
      return deps.db.transaction((tx) =>
        uploadPoolCodes(tx, programId, request.params.rewardId, request.body.codes),
      );
    },
  );

  app.get(
    '/v1/rewards/:rewardId/codes/summary',
    {
      config: { scope: 'rewards:read' as const },
      schema: {
        tags: ['rewards'],
        summary: "How many of the reward's pool codes are available, issued, used and voided",
        params: RewardParams,
        response: { 200: PoolSummary, ...problemResponses },
      },
    },
    async (request) => poolSummary(deps.db, principalOf(request).programId, request.params.rewardId),
  );

  app.get(
    '/v1/coupon-codes/:code',
    {
      config: { scope: 'rewards:read' as const },
      schema: {
        tags: ['rewards'],
        summary:
          'One coupon code: whether it can be used (issued), was used (when, for which order) or voided',
        params: CodeParams,
        response: { 200: CouponCodeAnswer, ...problemResponses },
      },
    },
    async (request) =>
      couponCodeView(await getCouponCode(deps.db, principalOf(request).programId, request.params.code)),
  );

  app.post(
    '/v1/coupon-codes/:code/use',
    {
      config: { scope: 'rewards:write' as const },
      schema: {
        tags: ['rewards'],
        summary:
          'The till accepted the code: mark it used (once; the same order and store again answer the same)',
        params: CodeParams,
        headers: IdempotencyHeaders,
        body: UseBody,
        response: {
          200: Type.Object({
            ...CouponCodeAnswer.properties,
            alreadyUsed: Type.Boolean({ description: 'True when this use was recorded before.' }),
          }),
          ...problemResponses,
        },
      },
    },
    async (request, reply) =>
      deps.send(request, reply, (tx, context) =>
        useCouponCode(tx, context, { code: request.params.code, ...request.body }),
      ),
  );

  app.post(
    '/v1/redemptions/:redemptionId/pay',
    {
      config: { scope: 'rewards:write' as const },
      schema: {
        tags: ['rewards'],
        summary:
          'Points + cash: the cash was paid; the held points are captured (awaiting_payment → fulfilled / awaiting_shipment)',
        params: RedemptionParams,
        headers: IdempotencyHeaders,
        response: { 200: RedemptionView, ...problemResponses },
      },
    },
    async (request, reply) =>
      // A points + cash redemption whose hold lapsed is settled in the command's transaction, then refused.
      deps.send(request, reply, (tx, context) => payRedemption(tx, context, request.params.redemptionId)),
  );
}

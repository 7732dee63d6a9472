import { Type } from '@sinclair/typebox';
import { poolSummary, uploadPoolCodes } from '../../rewards/coupon-pool.ts';
import { payRedemption, settleLapsedPayment } from '../../rewards/redemption-payment.ts';
import { RedemptionView } from '../../rewards/reward-api-schemas.ts';
import { principalOf } from '../auth.ts';
import type { RouteDeps, TypedApp } from '../route-deps.ts';
import { problemResponses } from '../schemas.ts';

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
  voided: Type.Integer(),
});

/** Uploaded coupon code pools, and paying the cash of a points + cash redemption. */
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
        summary: "How many of the reward's pool codes are available, issued and voided",
        params: RewardParams,
        response: { 200: PoolSummary, ...problemResponses },
      },
    },
    async (request) => poolSummary(deps.db, principalOf(request).programId, request.params.rewardId),
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
    async (request, reply) => {
      const { programId } = principalOf(request);
      await settleLapsedPayment(deps.db, programId, request.params.redemptionId, deps.clock.now());
      return deps.send(request, reply, (tx, context) =>
        payRedemption(tx, context, request.params.redemptionId),
      );
    },
  );
}

import { poolSummary, uploadPoolCodes } from '../../rewards/coupon-pool.ts';
import {
  CodeUploadAnswer,
  CodeUploadBody,
  CouponCodeAnswer,
  CouponCodeParams,
  CouponUseAnswer,
  CouponUseBody,
  PoolSummary,
} from '../../rewards/coupon-pool-api-schemas.ts';
import { couponCodeView, getCouponCode, useCouponCode } from '../../rewards/coupon-use.ts';
import { payRedemption } from '../../rewards/redemption-payment.ts';
import { RedemptionParams, RedemptionView, RewardParams } from '../../rewards/reward-api-schemas.ts';
import { IdempotencyHeaders, problemResponses } from '../../shared/api-schemas.ts';
import { storeField } from '../../staff/principal.ts';
import { principalOf } from '../auth.ts';
import type { RouteDeps, TypedApp } from '../route-deps.ts';

/** Uploaded coupon code pools, codes used at the till, and paying a points + cash redemption. */
export function couponPoolRoutes(app: TypedApp, deps: RouteDeps): void {
  app.post(
    '/v1/rewards/:rewardId/codes',
    {
      config: { permission: 'rewards:write' },
      bodyLimit: 2 * 1_048_576,
      schema: {
        tags: ['rewards'],
        summary: "Add codes to a coupon reward's pool (codes already in the program are reported, not added)",
        params: RewardParams,
        body: CodeUploadBody,
        response: { 200: CodeUploadAnswer, ...problemResponses },
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
      config: { permission: 'rewards:read' },
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
      config: { permission: 'coupons:read' },
      schema: {
        tags: ['rewards'],
        summary:
          'One coupon code: whether it can be used (issued), was used (when, for which order) or voided',
        params: CouponCodeParams,
        response: { 200: CouponCodeAnswer, ...problemResponses },
      },
    },
    async (request) =>
      couponCodeView(await getCouponCode(deps.db, principalOf(request).programId, request.params.code)),
  );

  app.post(
    '/v1/coupon-codes/:code/use',
    {
      config: { permission: 'coupons:use' },
      schema: {
        tags: ['rewards'],
        summary:
          'The till accepted the code: mark it used (once; the same order and store again answer the same)',
        params: CouponCodeParams,
        headers: IdempotencyHeaders,
        body: CouponUseBody,
        response: { 200: CouponUseAnswer, ...problemResponses },
      },
    },
    async (request, reply) => {
      const at = storeField(principalOf(request), request.body?.store);
      return deps.send(request, reply, (tx, context) =>
        useCouponCode(tx, context, { code: request.params.code, ...request.body, ...at }),
      );
    },
  );

  app.post(
    '/v1/redemptions/:redemptionId/pay',
    {
      config: { permission: 'redemptions:create' },
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
      // A store clerk pays only their stores' orders (403 store_mismatch, checked before any write); the
      // capture is stamped with the order's store and the actor. A points + cash redemption whose hold
      // timed out is settled in the command's transaction, then refused.
      const principal = principalOf(request);
      const payerStoreIds = principal.kind === 'staff' ? principal.storeIds : [];
      return deps.send(request, reply, (tx, context) =>
        payRedemption(tx, context, request.params.redemptionId, payerStoreIds),
      );
    },
  );
}

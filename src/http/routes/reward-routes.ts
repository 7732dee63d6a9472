import { MemberParams } from '../../members/member-api-schemas.ts';
import { storableDateErrors, throwFieldErrors } from '../../rewards/field-errors.ts';
import { redeemReward } from '../../rewards/redeem-reward.ts';
import { cancelRedemption, deliverRedemption, shipRedemption } from '../../rewards/redemption-lifecycle.ts';
import {
  getRedemption,
  listRedemptions,
  type RedemptionFilter,
  redemptionViews,
} from '../../rewards/redemption-store.ts';
import {
  CancelBody,
  RedeemBody,
  RedemptionListQuery,
  RedemptionParams,
  RedemptionQuery,
  RedemptionView,
  RewardListQuery,
  RewardParams,
  RewardView,
  ShipBody,
} from '../../rewards/reward-api-schemas.ts';
import { createReward, patchReward } from '../../rewards/reward-catalogue.ts';
import { listRewardsFor, showReward } from '../../rewards/reward-listing.ts';
import { getReward } from '../../rewards/reward-store.ts';
import { RewardCreateSchema, RewardPatchSchema } from '../../rewards/reward-types.ts';
import { IdempotencyHeaders, pageOf, problemResponses } from '../../shared/api-schemas.ts';
import { cursorKey, toPage } from '../../shared/pages.ts';
import { storeField } from '../../staff/principal.ts';
import { principalOf } from '../auth.ts';
import type { RouteDeps, TypedApp } from '../route-deps.ts';

/** Rewards (SPEC §3.4): the catalogue, redemption orders and their lifecycle. */
export function rewardRoutes(app: TypedApp, deps: RouteDeps): void {
  // A new reward each time it runs: the key is kept in its transaction, so that the same request
  // sent twice at once (a client retrying too early) creates one reward, not two.
  app.post(
    '/v1/rewards',
    {
      config: { permission: 'rewards:write', keepsIdempotencyKey: true },
      schema: {
        tags: ['rewards'],
        summary: 'Add a reward to the catalogue (as a draft)',
        headers: IdempotencyHeaders,
        body: RewardCreateSchema,
        response: { 201: RewardView, ...problemResponses },
      },
    },
    async (request, reply) =>
      deps.send(request, reply, async (tx, context) => {
        const reward = await createReward(tx, context.programId, request.body, context.now);
        return { status: 201, body: await showReward(tx, context.programId, reward) };
      }),
  );

  app.get(
    '/v1/rewards',
    {
      config: { permission: 'rewards:read' },
      schema: {
        tags: ['rewards'],
        summary: 'The catalogue; with memberId, whether that member can redeem each reward now and why not',
        querystring: RewardListQuery,
        response: { 200: pageOf(RewardView), ...problemResponses },
      },
    },
    async (request) => {
      const { limit = 50, cursor, ...filter } = request.query;
      return listRewardsFor(
        deps.db,
        principalOf(request).programId,
        { ...filter, limit, after: cursorKey(cursor) },
        deps.clock.now(),
      );
    },
  );

  app.get(
    '/v1/rewards/:rewardId',
    {
      config: { permission: 'rewards:read' },
      schema: {
        tags: ['rewards'],
        summary: 'One reward',
        params: RewardParams,
        response: { 200: RewardView, ...problemResponses },
      },
    },
    async (request) => {
      const { programId } = principalOf(request);
      const reward = await getReward(deps.db, programId, request.params.rewardId);
      return showReward(deps.db, programId, reward);
    },
  );

  app.patch(
    '/v1/rewards/:rewardId',
    {
      config: { permission: 'rewards:write' },
      schema: {
        tags: ['rewards'],
        summary: 'Edit a reward, or move its status (draft → live ↔ paused → retired; retired is final)',
        params: RewardParams,
        body: RewardPatchSchema,
        response: { 200: RewardView, ...problemResponses },
      },
    },
    async (request) => {
      const { programId } = principalOf(request);
      return deps.db.transaction(async (tx) =>
        showReward(
          tx,
          programId,
          await patchReward(tx, programId, request.params.rewardId, request.body, deps.clock.now()),
        ),
      );
    },
  );

  app.post(
    '/v1/redemptions',
    {
      config: { permission: 'redemptions:create', keepsIdempotencyKey: true },
      schema: {
        tags: ['rewards'],
        summary: 'Redeem a reward with points (goods need a shipping address)',
        headers: IdempotencyHeaders,
        body: RedeemBody,
        response: { 201: RedemptionView, ...problemResponses },
      },
    },
    async (request, reply) => {
      const { store, ...body } = request.body;
      const at = storeField(principalOf(request), store);
      return deps.send(
        request,
        reply,
        (tx, context) => redeemReward(tx, context, { ...body, quantity: body.quantity ?? 1 }),
        at,
      );
    },
  );

  app.post(
    '/v1/redemptions/:redemptionId/ship',
    {
      config: { permission: 'redemptions:fulfil' },
      schema: {
        tags: ['rewards'],
        summary: 'Record the shipment of goods (awaiting_shipment → shipped)',
        params: RedemptionParams,
        headers: IdempotencyHeaders,
        body: ShipBody,
        response: { 200: RedemptionView, ...problemResponses },
      },
    },
    async (request, reply) =>
      deps.send(request, reply, (tx, context) =>
        shipRedemption(tx, context, request.params.redemptionId, request.body),
      ),
  );

  app.post(
    '/v1/redemptions/:redemptionId/deliver',
    {
      config: { permission: 'redemptions:fulfil' },
      schema: {
        tags: ['rewards'],
        summary: 'Record that shipped goods were delivered (shipped → delivered)',
        params: RedemptionParams,
        headers: IdempotencyHeaders,
        response: { 200: RedemptionView, ...problemResponses },
      },
    },
    async (request, reply) =>
      deps.send(request, reply, (tx, context) => deliverRedemption(tx, context, request.params.redemptionId)),
  );

  app.post(
    '/v1/redemptions/:redemptionId/cancel',
    {
      config: { permission: 'redemptions:cancel' },
      schema: {
        tags: ['rewards'],
        summary: 'Cancel: points back to their lots, stock and limits back, coupon codes voided',
        params: RedemptionParams,
        headers: IdempotencyHeaders,
        body: CancelBody,
        response: { 200: RedemptionView, ...problemResponses },
      },
    },
    async (request, reply) =>
      // A points + cash redemption whose hold timed out is settled in the command's transaction, then refused.
      deps.send(request, reply, (tx, context) =>
        cancelRedemption(tx, context, request.params.redemptionId, request.body?.reason ?? null),
      ),
  );

  app.get(
    '/v1/redemptions/:redemptionId',
    {
      config: { permission: 'redemptions:read' },
      schema: {
        tags: ['rewards'],
        summary: 'One redemption',
        params: RedemptionParams,
        response: { 200: RedemptionView, ...problemResponses },
      },
    },
    async (request) => {
      const { programId } = principalOf(request);
      // A read never writes: an unpaid order past its due time reads as payment_expired; the sweep settles it.
      const redemption = await getRedemption(deps.db, programId, request.params.redemptionId);
      return (await redemptionViews(deps.db, programId, [redemption], deps.clock.now()))[0]!;
    },
  );

  const listed = async (programId: string, query: Omit<RedemptionFilter, 'now'>) => {
    const now = deps.clock.now();
    const rows = await listRedemptions(deps.db, programId, { ...query, limit: query.limit + 1, now });
    const page = toPage(rows, query.limit, (redemption) => redemption);
    return { ...page, data: await redemptionViews(deps.db, programId, page.data, now) };
  };

  app.get(
    '/v1/redemptions',
    {
      config: { permission: 'redemptions:read' },
      schema: {
        tags: ['rewards'],
        summary: 'Redemptions, newest first: search by member, reward, status, time, coupon code or text',
        querystring: RedemptionListQuery,
        response: { 200: pageOf(RedemptionView), ...problemResponses },
      },
    },
    async (request) => {
      const { limit = 50, cursor, ...filter } = request.query;
      throwFieldErrors(
        storableDateErrors('querystring', { createdFrom: filter.createdFrom, createdTo: filter.createdTo }),
      );
      return listed(principalOf(request).programId, { ...filter, limit, before: cursorKey(cursor) });
    },
  );

  app.get(
    '/v1/members/:memberId/redemptions',
    {
      config: { permission: 'redemptions:read' },
      schema: {
        tags: ['rewards'],
        summary: "A member's redemptions, newest first",
        params: MemberParams,
        querystring: RedemptionQuery,
        response: { 200: pageOf(RedemptionView), ...problemResponses },
      },
    },
    async (request) => {
      const { limit = 50, cursor, status } = request.query;
      return listed(principalOf(request).programId, {
        memberId: request.params.memberId,
        status,
        limit,
        before: cursorKey(cursor),
      });
    },
  );
}

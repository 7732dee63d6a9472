import { Type } from '@sinclair/typebox';
import { DrawView, PlayBody, PlayResult, PlayView } from '../../rewards/draws/draw-api-schemas.ts';
import { createDraw, drawView, patchDraw } from '../../rewards/draws/draw-catalogue.ts';
import { getDraw, listDraws } from '../../rewards/draws/draw-store.ts';
import { DrawCreateSchema, DrawPatchSchema, DrawStatusName } from '../../rewards/draws/draw-types.ts';
import { playDraw } from '../../rewards/draws/play-draw.ts';
import { listPlays, playView } from '../../rewards/draws/play-store.ts';
import { DrawParams } from '../../rewards/reward-api-schemas.ts';
import {
  IdempotencyHeaders,
  MemberId,
  PageQuery,
  pageOf,
  problemResponses,
} from '../../shared/api-schemas.ts';
import { cursorKey, toPage } from '../../shared/pages.ts';
import { principalOf } from '../auth.ts';
import type { RouteDeps, TypedApp } from '../route-deps.ts';

/** Lucky draws (积分抽奖, SPEC §3.4): campaigns, plays, and the audit trail of every play. */
export function drawRoutes(app: TypedApp, deps: RouteDeps): void {
  // A new draw each time it runs: the key is kept in its transaction, so that the same request
  // sent twice at once (a client retrying too early) creates one draw, not two.
  app.post(
    '/v1/draws',
    {
      config: { permission: 'rewards:write', keepsIdempotencyKey: true },
      schema: {
        tags: ['rewards'],
        summary: 'Create a lucky draw (as a draft) with its weighted prize table and consolation',
        headers: IdempotencyHeaders,
        body: DrawCreateSchema,
        response: { 201: DrawView, ...problemResponses },
      },
    },
    async (request, reply) =>
      deps.send(request, reply, async (tx, context) => ({
        status: 201,
        body: drawView(await createDraw(tx, context.programId, request.body, context.now)),
      })),
  );

  app.get(
    '/v1/draws',
    {
      config: { permission: 'rewards:read' },
      schema: {
        tags: ['rewards'],
        summary: 'Lucky draws, with remaining stock per prize',
        querystring: Type.Object({ ...PageQuery.properties, status: Type.Optional(DrawStatusName) }),
        response: { 200: pageOf(DrawView), ...problemResponses },
      },
    },
    async (request) => {
      const { limit = 50, cursor, status } = request.query;
      const draws = await listDraws(deps.db, principalOf(request).programId, {
        status,
        limit: limit + 1,
        after: cursorKey(cursor),
      });
      return toPage(draws, limit, drawView);
    },
  );

  app.get(
    '/v1/draws/:drawId',
    {
      config: { permission: 'rewards:read' },
      schema: {
        tags: ['rewards'],
        summary: 'One lucky draw, with remaining stock per prize',
        params: DrawParams,
        response: { 200: DrawView, ...problemResponses },
      },
    },
    async (request) =>
      drawView(await getDraw(deps.db, principalOf(request).programId, request.params.drawId)),
  );

  app.patch(
    '/v1/draws/:drawId',
    {
      config: { permission: 'rewards:write' },
      schema: {
        tags: ['rewards'],
        summary: 'Edit a draw, or move its status (draft → live ↔ paused → retired); prizes are fixed',
        params: DrawParams,
        body: DrawPatchSchema,
        response: { 200: DrawView, ...problemResponses },
      },
    },
    async (request) => {
      const { programId } = principalOf(request);
      const draw = await deps.db.transaction((tx) =>
        patchDraw(tx, programId, request.params.drawId, request.body, deps.clock.now()),
      );
      return drawView(draw);
    },
  );

  app.post(
    '/v1/draws/:drawId/play',
    {
      config: { permission: 'draws:play' },
      schema: {
        tags: ['rewards'],
        summary: 'Play once: spend costPoints, draw with a crypto-random ticket, give the prize',
        params: DrawParams,
        headers: IdempotencyHeaders,
        body: PlayBody,
        response: { 201: PlayResult, ...problemResponses },
      },
    },
    async (request, reply) =>
      deps.send(request, reply, (tx, context) =>
        playDraw(tx, context, request.params.drawId, request.body.memberId),
      ),
  );

  app.get(
    '/v1/draws/:drawId/plays',
    {
      config: { permission: 'redemptions:read' },
      schema: {
        tags: ['rewards'],
        summary: 'The audit trail: every play with its random value, ticket and prize, newest first',
        params: DrawParams,
        querystring: Type.Object({ ...PageQuery.properties, memberId: Type.Optional(MemberId) }),
        response: { 200: pageOf(PlayView), ...problemResponses },
      },
    },
    async (request) => {
      const { programId } = principalOf(request);
      const { limit = 50, cursor, memberId } = request.query;
      await getDraw(deps.db, programId, request.params.drawId);
      const plays = await listPlays(deps.db, programId, {
        drawId: request.params.drawId,
        memberId,
        limit: limit + 1,
        before: cursorKey(cursor),
      });
      return toPage(plays, limit, playView);
    },
  );
}

import { Type } from '@sinclair/typebox';
import { authorizeHold, captureHold, voidHold } from '../../ledger/commands/holds.ts';
import { AuthorizeHoldBody, HoldParams } from '../../ledger/ledger-api-schemas.ts';
import { getHold } from '../../ledger/ledger-queries.ts';
import { assertHoldNotOwned } from '../../ledger/order-owned.ts';
import {
  Hold,
  HoldResult,
  IdempotencyHeaders,
  Points,
  problemResponses,
  ReasonInput,
} from '../../shared/api-schemas.ts';
import { principalOf } from '../auth.ts';
import { toReason } from '../reason-input.ts';
import type { RouteDeps, TypedApp } from '../route-deps.ts';

export function holdRoutes(app: TypedApp, deps: RouteDeps): void {
  app.post(
    '/v1/holds',
    {
      config: { permission: 'ledger:hold', keepsIdempotencyKey: true },
      schema: {
        tags: ['holds'],
        summary: 'Authorize a hold: reserve points until captured, voided or timed out',
        headers: IdempotencyHeaders,
        body: AuthorizeHoldBody,
        response: { 201: HoldResult, ...problemResponses },
      },
    },
    async (request, reply) => {
      const { body } = request;
      return deps.send(request, reply, (tx, context) =>
        authorizeHold(tx, context, {
          memberId: body.memberId,
          points: body.points,
          reason: toReason(body.reason),
          ...(body.ttlSeconds !== undefined ? { ttlSeconds: body.ttlSeconds } : {}),
        }),
      );
    },
  );

  app.get(
    '/v1/holds/:holdId',
    {
      config: { permission: 'ledger:read' },
      schema: {
        tags: ['holds'],
        summary: 'One hold',
        params: HoldParams,
        response: { 200: Hold, ...problemResponses },
      },
    },
    async (request) => getHold(deps.db, principalOf(request).programId, request.params.holdId),
  );

  app.post(
    '/v1/holds/:holdId/capture',
    {
      config: { permission: 'ledger:hold', keepsIdempotencyKey: true },
      schema: {
        tags: ['holds'],
        summary: 'Capture all or part of a hold; the rest is released',
        params: HoldParams,
        headers: IdempotencyHeaders,
        body: Type.Optional(
          Type.Object(
            {
              points: Type.Optional({
                ...Points,
                description: 'At most the held points; all of them if absent.',
              }),
            },
            { additionalProperties: false },
          ),
        ),
        response: { 200: HoldResult, ...problemResponses },
      },
    },
    async (request, reply) => {
      const points = request.body?.points;
      return deps.send(request, reply, async (tx, context) => {
        await assertHoldNotOwned(tx, context.programId, request.params.holdId);
        return captureHold(tx, context, {
          holdId: request.params.holdId,
          ...(points !== undefined ? { points } : {}),
        });
      });
    },
  );

  app.post(
    '/v1/holds/:holdId/void',
    {
      config: { permission: 'ledger:hold', keepsIdempotencyKey: true },
      schema: {
        tags: ['holds'],
        summary: 'Void a hold: every held point goes back to its lot',
        params: HoldParams,
        headers: IdempotencyHeaders,
        body: Type.Optional(
          Type.Object({ reason: Type.Optional(ReasonInput) }, { additionalProperties: false }),
        ),
        response: { 200: HoldResult, ...problemResponses },
      },
    },
    async (request, reply) => {
      const reason = request.body?.reason;
      return deps.send(request, reply, async (tx, context) => {
        await assertHoldNotOwned(tx, context.programId, request.params.holdId);
        return voidHold(tx, context, {
          holdId: request.params.holdId,
          ...(reason !== undefined ? { reason: toReason(reason) } : {}),
        });
      });
    },
  );
}

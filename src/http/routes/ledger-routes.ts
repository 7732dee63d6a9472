import { Type } from '@sinclair/typebox';
import { adjust } from '../../ledger/commands/adjust.ts';
import { debit } from '../../ledger/commands/debit.ts';
import { reverse } from '../../ledger/commands/reverse.ts';
import { transfer } from '../../ledger/commands/transfer.ts';
import { AdjustmentBody, CreditBody, EntryParams } from '../../ledger/ledger-api-schemas.ts';
import { getEntry } from '../../ledger/ledger-queries.ts';
import { MemberParams } from '../../members/member-api-schemas.ts';
import {
  EntriesResult,
  Entry,
  IdempotencyHeaders,
  MemberId,
  Points,
  problemResponses,
  ReasonInput,
} from '../../shared/api-schemas.ts';
import { actorOf, storeField } from '../../staff/principal.ts';
import { principalOf } from '../auth.ts';
import { toReason } from '../reason-input.ts';
import type { RouteDeps, TypedApp } from '../route-deps.ts';
import { idempotencyOf, sendOutcome } from '../write-route.ts';

const writeResponses = { 201: EntriesResult, ...problemResponses };

export function ledgerRoutes(app: TypedApp, deps: RouteDeps): void {
  app.post(
    '/v1/members/:memberId/credits',
    {
      config: { permission: 'ledger:credit', keepsIdempotencyKey: true },
      schema: {
        tags: ['ledger'],
        summary:
          'Credit points: a new lot, optionally pending, expiring by the program policy or at expiresAt',
        params: MemberParams,
        headers: IdempotencyHeaders,
        body: CreditBody,
        response: writeResponses,
      },
    },
    async (request, reply) => {
      const { body } = request;
      const principal = principalOf(request);
      const outcome = await deps.credits.credit(principal.programId, {
        memberId: request.params.memberId,
        points: body.points,
        reason: toReason(body.reason),
        ...(body.pendingDays !== undefined ? { pendingDays: body.pendingDays } : {}),
        ...(body.expiresAt !== undefined ? { expiresAt: new Date(body.expiresAt) } : {}),
        ...(body.growth !== undefined ? { growth: body.growth } : {}),
        idempotency: idempotencyOf(request),
        source: { kind: 'api', ...actorOf(principal), ...storeField(principal, body.store) },
      });
      return sendOutcome(reply, outcome);
    },
  );

  app.post(
    '/v1/members/:memberId/debits',
    {
      config: { permission: 'ledger:debit', keepsIdempotencyKey: true },
      schema: {
        tags: ['ledger'],
        summary: 'Debit points, earliest-expiring lots first',
        params: MemberParams,
        headers: IdempotencyHeaders,
        body: Type.Object({ points: Points, reason: ReasonInput }, { additionalProperties: false }),
        response: writeResponses,
      },
    },
    async (request, reply) =>
      deps.send(request, reply, (tx, context) =>
        debit(tx, context, {
          memberId: request.params.memberId,
          points: request.body.points,
          reason: toReason(request.body.reason),
        }),
      ),
  );

  app.post(
    '/v1/members/:memberId/adjustments',
    {
      config: { permission: 'ledger:adjust', keepsIdempotencyKey: true },
      schema: {
        tags: ['ledger'],
        summary: 'Manual adjustment (+/-) by an operator, with a reason',
        params: MemberParams,
        headers: IdempotencyHeaders,
        body: AdjustmentBody,
        response: writeResponses,
      },
    },
    async (request, reply) => {
      const { body } = request;
      return deps.send(request, reply, (tx, context) =>
        adjust(tx, context, {
          memberId: request.params.memberId,
          points: body.points,
          reason: toReason(body.reason),
          operator: body.operator,
          ...(body.expiresAt !== undefined ? { expiresAt: new Date(body.expiresAt) } : {}),
        }),
      );
    },
  );

  app.post(
    '/v1/entries/:entryId/reversal',
    {
      config: { permission: 'ledger:reverse', keepsIdempotencyKey: true },
      schema: {
        tags: ['ledger'],
        summary: 'Reverse an entry (a transfer is reversed on both sides)',
        params: EntryParams,
        headers: IdempotencyHeaders,
        body: Type.Optional(
          Type.Object(
            {
              reason: Type.Optional(ReasonInput),
              operator: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
            },
            { additionalProperties: false },
          ),
        ),
        response: writeResponses,
      },
    },
    async (request, reply) => {
      const body = request.body ?? {};
      return deps.send(request, reply, (tx, context) =>
        reverse(tx, context, {
          entryId: request.params.entryId,
          ...(body.reason !== undefined ? { reason: toReason(body.reason) } : {}),
          ...(body.operator !== undefined ? { operator: body.operator } : {}),
        }),
      );
    },
  );

  app.get(
    '/v1/entries/:entryId',
    {
      config: { permission: 'ledger:read' },
      schema: {
        tags: ['ledger'],
        summary: 'One journal entry',
        params: EntryParams,
        response: { 200: Entry, ...problemResponses },
      },
    },
    async (request) => getEntry(deps.db, principalOf(request).programId, request.params.entryId),
  );

  app.post(
    '/v1/transfers',
    {
      config: { permission: 'ledger:transfer', keepsIdempotencyKey: true },
      schema: {
        tags: ['ledger'],
        summary: 'Transfer points between members (转赠); the points keep their expiry',
        headers: IdempotencyHeaders,
        body: Type.Object(
          { fromMemberId: MemberId, toMemberId: MemberId, points: Points, reason: ReasonInput },
          { additionalProperties: false },
        ),
        response: writeResponses,
      },
    },
    async (request, reply) =>
      deps.send(request, reply, (tx, context) =>
        transfer(tx, context, { ...request.body, reason: toReason(request.body.reason) }),
      ),
  );
}

import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Asked, executeInTransaction } from '../../approvals/approvable-actions.ts';
import { Approval } from '../../approvals/approval-api-schemas.ts';
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
import { actorOf, storeOfWrite } from '../../staff/principal.ts';
import { runOrHoldForApproval } from '../approval-gate.ts';
import { principalOf } from '../auth.ts';
import { toReason } from '../reason-input.ts';
import type { RouteDeps, TypedApp } from '../route-deps.ts';
import { idempotencyOf, sendOutcome } from '../write-route.ts';

/** 201: done; 202: held for a checker by the program's approval policy (maker–checker). */
const writeResponses = { 201: EntriesResult, 202: Approval, ...problemResponses };

export function ledgerRoutes(app: TypedApp, deps: RouteDeps): void {
  /** Runs a points action in one transaction, unless the approval policy holds it for a checker. */
  const runOrSend = (request: FastifyRequest, reply: FastifyReply, asked: Asked) =>
    runOrHoldForApproval(deps, request, reply, asked, undefined, () =>
      deps.send(request, reply, (tx, context) => executeInTransaction(tx, context, asked)),
    );

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
      const store = storeOfWrite(principal, body.store);
      const payload = {
        memberId: request.params.memberId,
        points: body.points,
        reason: toReason(body.reason),
        ...(body.pendingDays !== undefined ? { pendingDays: body.pendingDays } : {}),
        ...(body.expiresAt !== undefined ? { expiresAt: body.expiresAt } : {}),
        ...(body.growth !== undefined ? { growth: body.growth } : {}),
      };
      return runOrHoldForApproval(deps, request, reply, { action: 'credit', payload }, store, async () => {
        const { expiresAt, ...rest } = payload;
        const outcome = await deps.credits.credit(principal.programId, {
          ...rest,
          ...(expiresAt !== undefined ? { expiresAt: new Date(expiresAt) } : {}),
          idempotency: idempotencyOf(request),
          source: { kind: 'api', ...actorOf(principal), ...(store !== undefined ? { store } : {}) },
        });
        return sendOutcome(reply, outcome);
      });
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
      runOrSend(request, reply, {
        action: 'debit',
        payload: {
          memberId: request.params.memberId,
          points: request.body.points,
          reason: toReason(request.body.reason),
        },
      }),
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
      return runOrSend(request, reply, {
        action: 'adjustment',
        payload: {
          memberId: request.params.memberId,
          points: body.points,
          reason: toReason(body.reason),
          operator: body.operator,
          ...(body.expiresAt !== undefined ? { expiresAt: body.expiresAt } : {}),
        },
      });
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
      return runOrSend(request, reply, {
        action: 'reversal',
        payload: {
          entryId: request.params.entryId,
          ...(body.reason !== undefined ? { reason: toReason(body.reason) } : {}),
          ...(body.operator !== undefined ? { operator: body.operator } : {}),
        },
      });
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
      runOrSend(request, reply, {
        action: 'transfer',
        payload: { ...request.body, reason: toReason(request.body.reason) },
      }),
  );
}

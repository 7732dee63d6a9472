import { Type } from '@sinclair/typebox';
import { runCreditBatch } from '../../approvals/approvable-actions.ts';
import { Approval } from '../../approvals/approval-api-schemas.ts';
import { requestHash } from '../../idempotency/request-hash.ts';
import { BatchCreditItem, CreditBatchResult } from '../../ledger/ledger-api-schemas.ts';
import { problemResponses } from '../../shared/api-schemas.ts';
import { actorOf } from '../../staff/principal.ts';
import { runOrHoldForApproval } from '../approval-gate.ts';
import { principalOf } from '../auth.ts';
import { toReason } from '../reason-input.ts';
import type { RouteDeps, TypedApp } from '../route-deps.ts';

export const MAX_BATCH_ITEMS = 1000;

export function batchRoutes(app: TypedApp, deps: RouteDeps): void {
  app.post(
    '/v1/credits/batch',
    {
      config: { permission: 'ledger:credit_batch' },
      bodyLimit: 8 * 1_048_576,
      schema: {
        tags: ['ledger'],
        summary: `Up to ${MAX_BATCH_ITEMS} credits in one transaction, each with its own idempotency key and answer`,
        body: Type.Object(
          { items: Type.Array(BatchCreditItem, { minItems: 1, maxItems: MAX_BATCH_ITEMS }) },
          { additionalProperties: false },
        ),
        response: { 200: CreditBatchResult, 202: Approval, ...problemResponses },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const items = request.body.items.map((item) => ({
        idempotency: { key: item.idempotencyKey, requestHash: requestHash('credit', item) },
        memberId: item.memberId,
        points: item.points,
        reason: toReason(item.reason),
        ...(item.pendingDays !== undefined ? { pendingDays: item.pendingDays } : {}),
        ...(item.expiresAt !== undefined ? { expiresAt: item.expiresAt } : {}),
        ...(item.growth !== undefined ? { growth: item.growth } : {}),
      }));
      const asked = { action: 'credit_batch' as const, payload: { items } };
      return runOrHoldForApproval(deps, request, reply, asked, undefined, async () => {
        const context = {
          programId: principal.programId,
          now: deps.clock.now(),
          source: { kind: 'api' as const, ...actorOf(principal) },
        };
        return reply.send(await runCreditBatch(deps.db, context, items));
      });
    },
  );
}

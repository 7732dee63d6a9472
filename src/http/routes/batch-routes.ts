import { Type } from '@sinclair/typebox';
import { requestHash } from '../../idempotency/request-hash.ts';
import { creditBatch } from '../../ledger/commands/credit-batch.ts';
import { BatchCreditItem, CreditBatchResult } from '../../ledger/ledger-api-schemas.ts';
import { problemResponses } from '../../shared/api-schemas.ts';
import { actorOf } from '../../staff/principal.ts';
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
        response: { 200: CreditBatchResult, ...problemResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const now = deps.clock.now();
      const items = request.body.items.map((item) => ({
        idempotency: { key: item.idempotencyKey, requestHash: requestHash('credit', item) },
        memberId: item.memberId,
        points: item.points,
        reason: toReason(item.reason),
        ...(item.pendingDays !== undefined ? { pendingDays: item.pendingDays } : {}),
        ...(item.expiresAt !== undefined ? { expiresAt: new Date(item.expiresAt) } : {}),
        ...(item.growth !== undefined ? { growth: item.growth } : {}),
      }));
      const results = await creditBatch(
        deps.db,
        { programId: principal.programId, now, source: { kind: 'api', ...actorOf(principal) } },
        items,
      );
      return {
        results: results.map((result, index) => ({
          idempotencyKey: request.body.items[index]!.idempotencyKey,
          ...result,
        })),
      };
    },
  );
}

import { randomUUID } from 'node:crypto';
import type { TestApi } from '../../support/test-api.ts';
import { ok, type WriteCases } from './write-case.ts';

/** Maker–checker (issue 16): the policy, and decisions on requests a gated key made. */

/** Holds adjustments above 100 points; answers a key whose actions are held (the maker). */
async function gatedKey(program: TestApi): Promise<string> {
  await ok(program, 'PUT', '/v1/approval-policy', { pointsAbove: 100, bulk: false, tierAssignments: false });
  const created = await ok(program, 'POST', '/v1/api-keys', {
    name: 'gated',
    scopes: ['ledger:write'],
    requiresApproval: true,
  });
  return created.secret;
}

/** A pending request (an adjustment of 500 points) made by the gated key. */
async function pending(program: TestApi, key: string): Promise<string> {
  const member = `apr-${randomUUID()}`;
  await ok(program, 'PUT', `/v1/members/${member}`, {});
  const reply = await program.call(
    'POST',
    `/v1/members/${member}/adjustments`,
    { points: 500, reason: 'goodwill', operator: 'ops' },
    { authorization: `Bearer ${key}` },
  );
  if (reply.status !== 202) throw new Error(`expected a held request: ${JSON.stringify(reply.body)}`);
  return reply.body.id;
}

export const approvalCases: WriteCases = {
  'PUT /v1/approval-policy': {
    prepare: async () => ({
      request: {
        url: '/v1/approval-policy',
        body: { pointsAbove: 1000, bulk: true, tierAssignments: false },
      },
      other: { url: '/v1/approval-policy', body: { pointsAbove: 50, bulk: false, tierAssignments: true } },
    }),
  },
  'POST /v1/approvals/{approvalId}/approve': {
    prepare: async (program) => {
      const key = await gatedKey(program);
      const [first, second] = [await pending(program, key), await pending(program, key)];
      return {
        request: { url: `/v1/approvals/${first}/approve`, body: { comment: 'ok' } },
        other: { url: `/v1/approvals/${second}/approve`, body: {} },
      };
    },
  },
  'POST /v1/approvals/{approvalId}/reject': {
    prepare: async (program) => {
      const key = await gatedKey(program);
      const [first, second] = [await pending(program, key), await pending(program, key)];
      return {
        request: { url: `/v1/approvals/${first}/reject`, body: { comment: 'no ticket' } },
        other: { url: `/v1/approvals/${second}/reject`, body: { comment: 'no receipt' } },
      };
    },
  },
  'POST /v1/approvals/{approvalId}/cancel': {
    prepare: async (program) => {
      const key = await gatedKey(program);
      const [first, second] = [await pending(program, key), await pending(program, key)];
      return {
        request: { url: `/v1/approvals/${first}/cancel` },
        other: { url: `/v1/approvals/${second}/cancel` },
        // Only the maker cancels.
        headers: { authorization: `Bearer ${key}` },
      };
    },
  },
};

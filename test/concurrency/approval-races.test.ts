import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { addStaffMember, send, tokenHeaders } from '../staff/staff-support.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { POSTGRES_URL } from '../support/test-database.ts';

const reason = { 'zh-CN': '补偿', en: 'Goodwill' };

/**
 * Two checkers approving the same request at the same instant: exactly one executes it (the
 * request row is locked, and the executing transaction marks it decided); the others are told it
 * was decided. A bulk request the same: its batch runs once.
 */
describe.skipIf(!POSTGRES_URL)('approvals decided at once (postgres)', () => {
  let api: TestApi;
  let maker: Record<string, string>;
  let checkers: Record<string, string>[];
  beforeAll(async () => {
    api = await openTestApi('postgres', undefined, {
      maxConnections: 12,
      app: { rateLimits: { loginAttemptsPerMinute: 100_000 } },
    });
    maker = await tokenHeaders(api, (await addStaffMember(api, { role: 'admin' })).loginUsed);
    checkers = [];
    for (const role of ['finance', 'admin', 'owner', 'finance']) {
      checkers.push(await tokenHeaders(api, (await addStaffMember(api, { role })).loginUsed));
    }
    await api.call('PUT', '/v1/approval-policy', { pointsAbove: 100, bulk: true, tierAssignments: false });
  });
  afterAll(async () => api?.close());

  const available = async (id: string) =>
    (await api.call('GET', `/v1/members/${id}`)).body.balances.available as number;

  test.each([1, 2, 3, 4, 5])('round %i: eight approvals of one adjustment, one execution', async (round) => {
    const id = `race-${round}`;
    await api.call('PUT', `/v1/members/${id}`, {});
    const asked = await send(
      api,
      'POST',
      `/v1/members/${id}/adjustments`,
      { points: 1000, reason, operator: 'ops' },
      maker,
    );
    expect(asked.status).toBe(202);
    const replies = await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        send(api, 'POST', `/v1/approvals/${asked.body.id}/approve`, {}, checkers[index % checkers.length]!),
      ),
    );
    const approved = replies.filter((reply) => reply.status === 200);
    expect(approved).toHaveLength(1);
    expect(approved[0]!.body.status).toBe('approved');
    expect(replies.filter((reply) => reply.body.code === 'approval_not_pending')).toHaveLength(7);
    expect(await available(id)).toBe(1000);
    const entries = (await api.call('GET', `/v1/members/${id}/entries`)).body.data;
    expect(entries).toHaveLength(1);
  });

  test('an approval racing a rejection: one decision wins, and only an approval executes', async () => {
    const id = 'race-reject';
    await api.call('PUT', `/v1/members/${id}`, {});
    const asked = await send(
      api,
      'POST',
      `/v1/members/${id}/adjustments`,
      { points: 500, reason, operator: 'ops' },
      maker,
    );
    const [approve, reject] = await Promise.all([
      send(api, 'POST', `/v1/approvals/${asked.body.id}/approve`, {}, checkers[0]!),
      send(api, 'POST', `/v1/approvals/${asked.body.id}/reject`, { comment: 'no' }, checkers[1]!),
    ]);
    expect([approve.status, reject.status].sort()).toEqual([200, 409]);
    const final = (await api.call('GET', `/v1/approvals/${asked.body.id}`)).body.status;
    expect(await available(id)).toBe(final === 'approved' ? 500 : 0);
  });

  test('a bulk credit approved eight times at once credits once', async () => {
    const id = 'race-bulk';
    await api.call('PUT', `/v1/members/${id}`, {});
    const items = [1, 2, 3].map((n) => ({
      idempotencyKey: `race-bulk-${n}`,
      memberId: id,
      points: 100,
      reason,
    }));
    const asked = await send(api, 'POST', '/v1/credits/batch', { items }, maker);
    expect(asked.status).toBe(202);
    const replies = await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        send(api, 'POST', `/v1/approvals/${asked.body.id}/approve`, {}, checkers[index % checkers.length]!),
      ),
    );
    expect(replies.filter((reply) => reply.status === 200)).toHaveLength(1);
    expect(await available(id)).toBe(300);
    expect((await api.call('GET', `/v1/approvals/${asked.body.id}`)).body.status).toBe('approved');
  });
});

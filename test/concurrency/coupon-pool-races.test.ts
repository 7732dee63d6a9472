import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { verifyLedger } from '../../src/verify/verify-ledger.ts';
import { COUPON, liveReward, redeem } from '../rewards/reward-kit.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { POSTGRES_URL } from '../support/test-database.ts';

/**
 * Redemptions of a pool reward racing on PostgreSQL: the pool never oversells, no code twice; a
 * till using a code and a cancellation of its redemption never both succeed.
 */
describe.skipIf(!POSTGRES_URL)('coupon pool racing (postgres)', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await openTestApi('postgres', undefined, { maxConnections: 24 });
  });
  afterAll(async () => api?.close());

  test('50 members race for a pool of 20 codes: exactly 20 win, every code distinct', async () => {
    const reward = await liveReward(api, { ...COUPON, coupon: { codeSource: 'pool' } });
    const codes = Array.from({ length: 20 }, (_, i) => `RACE-${String(i).padStart(4, '0')}`);
    expect((await api.call('POST', `/v1/rewards/${reward.id}/codes`, { codes })).body).toEqual({
      added: 20,
      duplicates: [],
    });
    const items = Array.from({ length: 50 }, (_, i) => ({
      idempotencyKey: `pool-fund-${i}`,
      memberId: `pool-race${i}`,
      points: 100,
      reason: 'seed',
    }));
    for (const item of items) await api.call('PUT', `/v1/members/${item.memberId}`, {});
    expect((await api.call('POST', '/v1/credits/batch', { items })).status).toBe(200);
    const replies = await Promise.all(
      items.map((item) =>
        redeem(api, { memberId: item.memberId, rewardId: reward.id }, `pool-${item.memberId}`),
      ),
    );
    const won = replies.filter((reply) => reply.status === 201);
    expect(won).toHaveLength(20);
    expect(replies.filter((reply) => reply.body.code === 'out_of_stock')).toHaveLength(30);
    const handedOut = won.map((reply) => reply.body.couponCodes[0].code);
    expect(new Set(handedOut).size).toBe(20);
    expect([...handedOut].sort()).toEqual(codes);
    expect((await api.call('GET', `/v1/rewards/${reward.id}/codes/summary`)).body).toEqual({
      available: 0,
      issued: 20,
      used: 0,
      voided: 0,
    });
    expect((await verifyLedger(api.db)).violations).toEqual([]);
  }, 60_000);

  test('a till using a code races its cancellation: exactly one of them wins, every time', async () => {
    const reward = await liveReward(api, COUPON);
    const items = Array.from({ length: 30 }, (_, i) => ({
      idempotencyKey: `use-fund-${i}`,
      memberId: `use-race${i}`,
      points: 100,
      reason: 'seed',
    }));
    for (const item of items) await api.call('PUT', `/v1/members/${item.memberId}`, {});
    expect((await api.call('POST', '/v1/credits/batch', { items })).status).toBe(200);
    const redemptions = await Promise.all(
      items.map((item) => redeem(api, { memberId: item.memberId, rewardId: reward.id })),
    );
    const outcomes = await Promise.all(
      redemptions.map(async (redemption) => {
        const code = redemption.body.couponCodes[0].code;
        const [used, cancelled] = await Promise.all([
          api.call('POST', `/v1/coupon-codes/${code}/use`, { orderId: `till-${code}` }),
          api.call('POST', `/v1/redemptions/${redemption.body.id}/cancel`, {}),
        ]);
        return {
          used: used.status,
          cancelled: cancelled.status,
          codes: [used.body.code, cancelled.body.code],
        };
      }),
    );
    for (const outcome of outcomes) {
      const useWon = outcome.used === 200 && outcome.cancelled === 409;
      const cancelWon = outcome.cancelled === 200 && outcome.used === 409;
      expect(useWon || cancelWon, JSON.stringify(outcome)).toBe(true);
    }
    const final = await api.db.query<{ status: string; n: string | number }>(
      `select c.status, count(*) as n from coupon_codes c where c.reward_id = $1 group by c.status`,
      [reward.id],
    );
    const used = outcomes.filter((outcome) => outcome.used === 200).length;
    const counts = Object.fromEntries(final.map((row) => [row.status, Number(row.n)]));
    expect(counts).toEqual({ ...(used > 0 ? { used } : {}), ...(used < 30 ? { voided: 30 - used } : {}) });
    expect((await verifyLedger(api.db)).violations).toEqual([]);
  }, 60_000);
});

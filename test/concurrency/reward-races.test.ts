import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { verifyLedger } from '../../src/verify/verify-ledger.ts';
import { COUPON, fundedMember, LOUNGE, liveReward, redeem } from '../rewards/reward-kit.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { POSTGRES_URL } from '../support/test-database.ts';

const count = (replies: { status: number; body: { code?: string } }[]) => {
  const tally: Record<string, number> = {};
  for (const reply of replies) {
    const key = reply.status === 201 ? 'redeemed' : (reply.body.code ?? String(reply.status));
    tally[key] = (tally[key] ?? 0) + 1;
  }
  return tally;
};

/**
 * Redemptions racing on PostgreSQL: the reward row lock (taken after the member's) never
 * oversells, the member lock never double-spends, and a coupon code is never handed out twice.
 */
describe.skipIf(!POSTGRES_URL)('redemptions racing (postgres)', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await openTestApi('postgres', undefined, { maxConnections: 24 });
  });
  afterAll(async () => api?.close());

  test('200 members race for a stock of 50: exactly 50 win, the rest are out of stock', async () => {
    const reward = await liveReward(api, { ...COUPON, stock: 50 });
    const items = Array.from({ length: 200 }, (_, i) => ({
      idempotencyKey: `fund-${i}`,
      memberId: `race${i}`,
      points: 100,
      reason: 'seed',
    }));
    for (const item of items) await api.call('PUT', `/v1/members/${item.memberId}`, {});
    expect((await api.call('POST', '/v1/credits/batch', { items })).status).toBe(200);
    const replies = await Promise.all(
      items.map((item) =>
        redeem(api, { memberId: item.memberId, rewardId: reward.id }, `race-${item.memberId}`),
      ),
    );
    expect(count(replies)).toEqual({ redeemed: 50, out_of_stock: 150 });
    expect((await api.call('GET', `/v1/rewards/${reward.id}`)).body).toMatchObject({
      stock: 0,
      redeemedQuantity: 50,
    });
    const codes = replies
      .filter((reply) => reply.status === 201)
      .map((reply) => reply.body.couponCodes[0].code);
    expect(new Set(codes).size).toBe(50);
    const [{ issued }] = (await api.db.query<{ issued: number }>(
      `select count(distinct code)::int as issued from coupon_codes where reward_id = $1 and status = 'issued'`,
      [reward.id],
    )) as [{ issued: number }];
    expect(issued).toBe(50);
    expect((await verifyLedger(api.db)).violations).toEqual([]);
  }, 60_000);

  test('a member with points for exactly 3 sends 20 at once: exactly 3 succeed', async () => {
    const memberId = await fundedMember(api, [300]);
    const reward = await liveReward(api, LOUNGE);
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) => redeem(api, { memberId, rewardId: reward.id }, `three-${i}`)),
    );
    expect(count(replies)).toEqual({ redeemed: 3, insufficient_points: 17 });
    expect((await api.call('GET', `/v1/members/${memberId}`)).body.balances.available).toBe(0);
    expect((await verifyLedger(api.db)).violations).toEqual([]);
  }, 60_000);

  test('cancellations racing redemptions of the last units keep stock and points exact', async () => {
    const reward = await liveReward(api, { ...LOUNGE, stock: 5 });
    const members = await Promise.all(Array.from({ length: 10 }, () => fundedMember(api, [100])));
    const first = await Promise.all(
      members.slice(0, 5).map((memberId) => redeem(api, { memberId, rewardId: reward.id })),
    );
    expect(count(first)).toEqual({ redeemed: 5 });
    const replies = await Promise.all([
      ...first.map((reply) => api.call('POST', `/v1/redemptions/${reply.body.id}/cancel`)),
      ...members.slice(5).map((memberId) => redeem(api, { memberId, rewardId: reward.id })),
    ]);
    const cancels = replies.slice(0, 5);
    expect(cancels.every((reply) => reply.status === 200)).toBe(true);
    const redeemed = replies.slice(5).filter((reply) => reply.status === 201).length;
    expect((await api.call('GET', `/v1/rewards/${reward.id}`)).body).toMatchObject({
      stock: 5 - redeemed,
      redeemedQuantity: redeemed,
    });
    expect((await verifyLedger(api.db)).violations).toEqual([]);
  }, 60_000);
});

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { verifyLedger } from '../../src/verify/verify-ledger.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';
import { available, COUPON, fundedMember, liveReward, redeem } from './reward-kit.ts';

const POOL_COUPON = { ...COUPON, coupon: { codeSource: 'pool' } };

/**
 * Uploaded coupon code pools: upload with duplicates, claims in upload order, the pool as the
 * reward's stock, cancellation voiding codes that are never handed out again.
 */
describe.each(ENGINES)('coupon code pools (%s)', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await openTestApi(engine);
  });
  afterAll(async () => api?.close());

  const upload = (rewardId: string, codes: string[]) =>
    api.call('POST', `/v1/rewards/${rewardId}/codes`, { codes });
  const summary = async (rewardId: string) =>
    (await api.call('GET', `/v1/rewards/${rewardId}/codes/summary`)).body;

  test('codeSource is validated and defaults to generated', async () => {
    const generated = await api.call('POST', '/v1/rewards', COUPON);
    expect(generated.body.coupon).toMatchObject({ codePattern: 'JF-XXXX-XXXX', codeSource: 'generated' });
    const bad = await api.call('POST', '/v1/rewards', { ...COUPON, coupon: { codeSource: 'bulk' } });
    expect(bad.status).toBe(400);
    const patched = await api.call('PATCH', `/v1/rewards/${generated.body.id}`, {
      coupon: { codeSource: 'pool' },
    });
    expect(patched.body.coupon.codeSource).toBe('pool');
    expect(
      (await api.call('PATCH', `/v1/rewards/${generated.body.id}`, { coupon: { codeSource: 'x' } })).status,
    ).toBe(400);
  });

  test('upload reports codes already in the program; bad uploads are refused', async () => {
    const reward = await liveReward(api, POOL_COUPON);
    const first = await upload(reward.id, ['POOL-A1', 'POOL-A2', 'POOL-A3']);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toEqual({ added: 3, duplicates: [] });
    const other = await liveReward(api, POOL_COUPON);
    const second = await upload(other.id, ['POOL-A2', 'POOL-B1', 'POOL-A3']);
    expect(second.body).toEqual({ added: 1, duplicates: ['POOL-A2', 'POOL-A3'] });
    expect((await upload(reward.id, ['DUP-1', 'DUP-1'])).status).toBe(400);
    expect((await upload(reward.id, ['abc'])).status).toBe(400);
    expect((await upload(reward.id, ['has space'])).status).toBe(400);
    expect((await upload(reward.id, [])).status).toBe(400);
    const lounge = await api.call('POST', '/v1/rewards', { ...COUPON, type: 'privilege' });
    expect((await upload(lounge.body.id, ['PRIV-0001'])).body.code).toBe('coupon_pool_not_coupon');
    expect(await summary(reward.id)).toEqual({ available: 3, issued: 0, used: 0, voided: 0 });
    expect((await api.call('GET', `/v1/rewards/${reward.id}`)).body.stock).toBe(3);
  });

  test('codes are handed out in upload order; an empty pool is out of stock', async () => {
    const reward = await liveReward(api, POOL_COUPON);
    await upload(reward.id, ['ORD-0003', 'ORD-0001', 'ORD-0002']);
    await upload(reward.id, ['ORD-0000']);
    const memberId = await fundedMember(api, [1000]);
    const two = await redeem(api, { memberId, rewardId: reward.id, quantity: 2 });
    expect(two.status, JSON.stringify(two.body)).toBe(201);
    expect(two.body.couponCodes).toMatchObject([
      { code: 'ORD-0003', status: 'issued' },
      { code: 'ORD-0001', status: 'issued' },
    ]);
    const tooMany = await redeem(api, { memberId, rewardId: reward.id, quantity: 3 });
    expect(tooMany.body).toMatchObject({ code: 'out_of_stock', stock: 2 });
    const rest = await redeem(api, { memberId, rewardId: reward.id, quantity: 2 });
    expect(rest.body.couponCodes.map((c: { code: string }) => c.code)).toEqual(['ORD-0002', 'ORD-0000']);
    const empty = await redeem(api, { memberId, rewardId: reward.id });
    expect(empty.status).toBe(409);
    expect(empty.body).toMatchObject({ code: 'out_of_stock', stock: 0 });
    expect(await available(api, memberId)).toBe(800);
    const listed = await api.call('GET', `/v1/rewards?memberId=${memberId}&type=coupon&limit=100`);
    const mine = listed.body.data.find((r: { id: string }) => r.id === reward.id);
    expect(mine.forMember).toMatchObject({ redeemable: false, why: { reason: 'out_of_stock' } });
    expect(await summary(reward.id)).toEqual({ available: 0, issued: 4, used: 0, voided: 0 });
  });

  test('the reward’s own stock caps the pool', async () => {
    const reward = await liveReward(api, { ...POOL_COUPON, stock: 1 });
    await upload(reward.id, ['CAP-0001', 'CAP-0002']);
    const memberId = await fundedMember(api, [1000]);
    expect((await redeem(api, { memberId, rewardId: reward.id })).status).toBe(201);
    expect((await redeem(api, { memberId, rewardId: reward.id })).body.code).toBe('out_of_stock');
  });

  test('cancelling voids the codes; they are never handed out again', async () => {
    const reward = await liveReward(api, POOL_COUPON);
    await upload(reward.id, ['VOID-001', 'VOID-002', 'VOID-003']);
    const memberId = await fundedMember(api, [1000]);
    const first = await redeem(api, { memberId, rewardId: reward.id, quantity: 2 });
    const cancelled = await api.call('POST', `/v1/redemptions/${first.body.id}/cancel`, {});
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(cancelled.body.couponCodes).toMatchObject([
      { code: 'VOID-001', status: 'voided' },
      { code: 'VOID-002', status: 'voided' },
    ]);
    expect(await summary(reward.id)).toEqual({ available: 1, issued: 0, used: 0, voided: 2 });
    const next = await redeem(api, { memberId, rewardId: reward.id });
    expect(next.body.couponCodes).toMatchObject([{ code: 'VOID-003', status: 'issued' }]);
    expect((await redeem(api, { memberId, rewardId: reward.id })).body.code).toBe('out_of_stock');
    // A voided code cannot come back by uploading it again either.
    expect((await upload(reward.id, ['VOID-001'])).body).toEqual({ added: 0, duplicates: ['VOID-001'] });
    expect(await available(api, memberId)).toBe(950);
    expect((await verifyLedger(api.db)).violations).toEqual([]);
  });
});

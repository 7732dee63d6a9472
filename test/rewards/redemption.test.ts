import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { verifyLedger } from '../../src/verify/verify-ledger.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';
import {
  ADDRESS,
  available,
  COUPON,
  fundedMember,
  LOUNGE,
  liveReward,
  lotRemainders,
  MUG,
  redeem,
} from './reward-kit.ts';

/**
 * Redemption orders: what each type becomes, the lifecycle table (every step from every status),
 * cancellation returning points to their original lots with stock and limits, idempotent retries.
 */
describe.each(ENGINES)('redemptions (%s)', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await openTestApi(engine);
  });
  afterAll(async () => api?.close());

  test('a coupon is fulfilled with one code per unit, spending from the earliest-expiring lot', async () => {
    const memberId = await fundedMember(api, [80, { points: 60, expiresAt: '2026-06-30T16:00:00Z' }]);
    const reward = await liveReward(api, { ...COUPON, stock: 5 });
    const reply = await redeem(api, { memberId, rewardId: reward.id, quantity: 2 }, 'coupon-1');
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    expect(reply.body).toMatchObject({
      status: 'fulfilled',
      quantity: 2,
      pointsTotal: 100,
      rewardType: 'coupon',
    });
    expect(reply.body.couponCodes).toHaveLength(2);
    for (const { code, status } of reply.body.couponCodes) {
      expect(code).toMatch(/^JF-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$/);
      expect(status).toBe('issued');
    }
    const [entry] = reply.body.entries;
    expect(entry).toMatchObject({ type: 'spend', points: -100 });
    expect(entry.reason).toEqual({ 'zh-CN': '兑换 九折券 ×2', en: 'Redeemed 10% off ×2' });
    // 60 from the lot expiring in June first, then 40 of the lot without expiry.
    expect(entry.lots.map((touch: { points: number }) => touch.points).sort()).toEqual([-40, -60]);
    expect((await api.call('GET', `/v1/rewards/${reward.id}`)).body).toMatchObject({
      stock: 3,
      redeemedQuantity: 2,
    });
    const replay = await redeem(api, { memberId, rewardId: reward.id, quantity: 2 }, 'coupon-1');
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(reply.body);
    expect(await available(api, memberId)).toBe(40);
  });

  test('vouchers and privileges are fulfilled at once; goods await shipment and need an address', async () => {
    const memberId = await fundedMember(api, [2000]);
    const voucher = await liveReward(api, { ...LOUNGE, type: 'voucher', voucher: { valueMinor: 1000 } });
    const given = await redeem(api, { memberId, rewardId: voucher.id });
    expect(given.body).toMatchObject({ status: 'fulfilled', voucher: { valueMinor: 1000, currency: 'CNY' } });
    const mug = await liveReward(api, MUG);
    const noAddress = await redeem(api, { memberId, rewardId: mug.id });
    expect(noAddress.status).toBe(400);
    expect(noAddress.body.errors[0].field).toBe('body/shippingAddress');
    const shipped = await redeem(api, { memberId, rewardId: mug.id, shippingAddress: ADDRESS });
    expect(shipped.body).toMatchObject({ status: 'awaiting_shipment', shippingAddress: ADDRESS });
  });

  const steps = {
    ship: { path: 'ship', body: { carrier: 'SF', trackingNumber: 'SF100' } },
    deliver: { path: 'deliver', body: undefined },
    cancel: { path: 'cancel', body: { reason: '用户取消' } },
  } as const;
  const lifecycle = [
    { reward: 'goods', before: [], step: 'ship', status: 'shipped' },
    { reward: 'goods', before: [], step: 'deliver', error: 'redemption_state' },
    { reward: 'goods', before: [], step: 'cancel', status: 'cancelled' },
    { reward: 'goods', before: ['ship'], step: 'deliver', status: 'delivered' },
    { reward: 'goods', before: ['ship'], step: 'cancel', error: 'redemption_state' },
    { reward: 'goods', before: ['ship'], step: 'ship', error: 'redemption_state' },
    { reward: 'goods', before: ['ship', 'deliver'], step: 'cancel', error: 'redemption_state' },
    { reward: 'goods', before: ['cancel'], step: 'cancel', error: 'redemption_state' },
    { reward: 'goods', before: ['cancel'], step: 'ship', error: 'redemption_state' },
    { reward: 'privilege', before: [], step: 'cancel', status: 'cancelled' },
    { reward: 'privilege', before: [], step: 'ship', error: 'redemption_state' },
  ] as const;
  test.each(lifecycle)(
    '$reward after $before: $step',
    async ({ reward: type, before, step, ...expected }) => {
      const memberId = await fundedMember(api, [1000]);
      const reward = await liveReward(api, type === 'goods' ? MUG : LOUNGE);
      const created = await redeem(api, { memberId, rewardId: reward.id, shippingAddress: ADDRESS });
      expect(created.status).toBe(201);
      const url = (name: keyof typeof steps) => `/v1/redemptions/${created.body.id}/${steps[name].path}`;
      for (const name of before)
        expect((await api.call('POST', url(name), steps[name].body)).status).toBe(200);
      const reply = await api.call('POST', url(step), steps[step].body);
      if ('error' in expected) {
        expect(reply.status).toBe(409);
        expect(reply.body.code).toBe(expected.error);
      } else {
        expect(reply.status, JSON.stringify(reply.body)).toBe(200);
        expect(reply.body.status).toBe(expected.status);
        expect((await api.call('GET', `/v1/redemptions/${created.body.id}`)).body.status).toBe(
          expected.status,
        );
      }
    },
  );

  test('cancelling returns the points to their original lots, the stock, the limit, and voids codes', async () => {
    const memberId = await fundedMember(api, [{ points: 70, expiresAt: '2026-04-30T16:00:00Z' }, 100]);
    const lotsBefore = await lotRemainders(api, memberId);
    const reward = await liveReward(api, { ...COUPON, pricePoints: 120, stock: 1, limits: { lifetime: 1 } });
    const created = await redeem(api, { memberId, rewardId: reward.id });
    expect(created.status).toBe(201);
    expect(Object.values(await lotRemainders(api, memberId)).sort()).toEqual([0, 50]);
    const cancelled = await api.call('POST', `/v1/redemptions/${created.body.id}/cancel`, { reason: '测试' });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', cancelReason: '测试' });
    expect(cancelled.body.couponCodes).toMatchObject([
      { code: created.body.couponCodes[0].code, status: 'voided' },
    ]);
    const [reversal] = cancelled.body.entries;
    expect(reversal).toMatchObject({
      type: 'reverse',
      points: 120,
      reversesEntryId: created.body.spendEntryId,
    });
    expect(reversal.reason['zh-CN']).toContain('取消兑换 九折券 ×1');
    expect(await lotRemainders(api, memberId)).toEqual(lotsBefore);
    expect((await api.call('GET', `/v1/rewards/${reward.id}`)).body).toMatchObject({
      stock: 1,
      redeemedQuantity: 0,
    });
    // Stock and the lifetime limit are back: the member can redeem it again.
    expect((await redeem(api, { memberId, rewardId: reward.id })).status).toBe(201);
    expect((await verifyLedger(api.db)).violations).toEqual([]);
  });

  test("a redemption's entries cannot be reversed through the ledger API: cancel the redemption", async () => {
    const memberId = await fundedMember(api, [500]);
    const reward = await liveReward(api, { ...COUPON, pricePoints: 120 });
    const created = await redeem(api, { memberId, rewardId: reward.id });
    const reversal = await api.call('POST', `/v1/entries/${created.body.spendEntryId}/reversal`, {
      reason: 'ops',
    });
    expect(reversal.status).toBe(409);
    expect(reversal.body).toMatchObject({
      code: 'entry_owned_by_order',
      owner: 'redemption',
      ownerId: created.body.id,
    });
    const cancelled = await api.call('POST', `/v1/redemptions/${created.body.id}/cancel`, {});
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    const undo = await api.call('POST', `/v1/entries/${cancelled.body.entries[0].id}/reversal`, {
      reason: 'ops',
    });
    expect(undo.body.code).toBe('entry_owned_by_order');
  });

  test('refusals: limits, frozen members, unknown rewards and redemptions', async () => {
    const memberId = await fundedMember(api, [1000]);
    const reward = await liveReward(api, { ...LOUNGE, limits: { perDay: 2 } });
    expect((await redeem(api, { memberId, rewardId: reward.id, quantity: 2 })).status).toBe(201);
    const limited = await redeem(api, { memberId, rewardId: reward.id });
    expect(limited.body).toMatchObject({
      code: 'redemption_limit_reached',
      period: 'perDay',
      limit: 2,
      used: 2,
    });
    expect((await redeem(api, { memberId, rewardId: 'rwd_none' })).body.code).toBe('reward_not_found');
    expect((await api.call('GET', '/v1/redemptions/rdm_none')).body.code).toBe('redemption_not_found');
    await api.call('PUT', `/v1/members/${memberId}`, { status: 'frozen' });
    const other = await liveReward(api, LOUNGE);
    expect((await redeem(api, { memberId, rewardId: other.id })).body.code).toBe('member_frozen');
  });

  test('lists redemptions by member, status and reward, newest first', async () => {
    const memberId = await fundedMember(api, [1000]);
    const reward = await liveReward(api, LOUNGE);
    const first = await redeem(api, { memberId, rewardId: reward.id });
    const second = await redeem(api, { memberId, rewardId: reward.id });
    await api.call('POST', `/v1/redemptions/${first.body.id}/cancel`);
    const mine = await api.call('GET', `/v1/members/${memberId}/redemptions`);
    expect(mine.body.data.map((r: { id: string }) => r.id)).toEqual([second.body.id, first.body.id]);
    const cancelled = await api.call('GET', `/v1/redemptions?status=cancelled&rewardId=${reward.id}`);
    expect(cancelled.body.data.map((r: { id: string }) => r.id)).toEqual([first.body.id]);
  });
});

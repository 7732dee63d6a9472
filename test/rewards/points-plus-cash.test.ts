import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runSweep } from '../../src/sweeps/sweeper.ts';
import { verifyLedger } from '../../src/verify/verify-ledger.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';
import { ADDRESS, available, fundedMember, liveReward, lotRemainders, MUG, redeem } from './reward-kit.ts';

const CASH_MUG = { ...MUG, pricePoints: 100, cashMinor: 990, stock: 5 };

/**
 * Points + cash: the points are held until the cash is paid; pay captures the same lots, cancel
 * voids the hold, and a hold that times out leaves the redemption payment_expired with its stock back.
 */
describe.each(ENGINES)('points + cash redemptions (%s)', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await openTestApi(engine);
  });
  afterAll(async () => api?.close());

  const stockOf = async (rewardId: string) => (await api.call('GET', `/v1/rewards/${rewardId}`)).body.stock;
  const held = async (memberId: string) =>
    (await api.call('GET', `/v1/members/${memberId}`)).body.balances.held;

  test('cashMinor is accepted in the program currency, and validated', async () => {
    const created = await api.call('POST', '/v1/rewards', CASH_MUG);
    expect(created.body).toMatchObject({ cashMinor: 990, cashCurrency: 'CNY' });
    expect((await api.call('POST', '/v1/rewards', { ...CASH_MUG, cashMinor: 0 })).status).toBe(400);
    const cleared = await api.call('PATCH', `/v1/rewards/${created.body.id}`, { cashMinor: null });
    expect(cleared.body).toMatchObject({ cashMinor: null, cashCurrency: null });
  });

  test('hold, then pay: spent from the same lots the hold took', async () => {
    const memberId = await fundedMember(api, [60, { points: 80, expiresAt: '2026-06-30T16:00:00Z' }]);
    const reward = await liveReward(api, CASH_MUG);
    const before = await lotRemainders(api, memberId);
    const reply = await redeem(api, { memberId, rewardId: reward.id, shippingAddress: ADDRESS }, 'pc-1');
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    expect(reply.body).toMatchObject({
      status: 'awaiting_payment',
      spendEntryId: null,
      cash: { amountMinor: 990, currency: 'CNY' },
    });
    expect(reply.body.holdId).toEqual(expect.any(String));
    expect(reply.body.entries[0]).toMatchObject({ type: 'hold', change: { available: -100, held: 100 } });
    expect(await available(api, memberId)).toBe(40);
    expect(await held(memberId)).toBe(100);
    expect(await stockOf(reward.id)).toBe(4);
    const heldLots = await lotRemainders(api, memberId);
    const paid = await api.call('POST', `/v1/redemptions/${reply.body.id}/pay`, undefined, {
      'idempotency-key': 'pay-1',
    });
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    expect(paid.body).toMatchObject({ status: 'awaiting_shipment', holdId: reply.body.holdId });
    expect(paid.body.spendEntryId).toBe(paid.body.entries[0].id);
    expect(paid.body.entries[0]).toMatchObject({ type: 'capture' });
    expect(paid.body.paidAt).not.toBeNull();
    expect(await lotRemainders(api, memberId)).toEqual(heldLots);
    expect(Object.values(before).reduce((a, b) => a + b, 0) - 100).toBe(40);
    expect(await held(memberId)).toBe(0);
    expect(await available(api, memberId)).toBe(40);
    const again = await api.call('POST', `/v1/redemptions/${reply.body.id}/pay`);
    expect(again.body).toMatchObject({ code: 'redemption_state', redemptionStatus: 'awaiting_shipment' });
    // Cancelling after payment reverses the capture: points back to their lots.
    const cancelled = await api.call('POST', `/v1/redemptions/${reply.body.id}/cancel`, {});
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(await lotRemainders(api, memberId)).toEqual(before);
    expect(await stockOf(reward.id)).toBe(5);
  });

  test('cancel before paying: the hold is voided, points and stock back', async () => {
    const memberId = await fundedMember(api, [500]);
    const reward = await liveReward(api, { ...CASH_MUG, type: 'coupon' });
    const reply = await redeem(api, { memberId, rewardId: reward.id, quantity: 2 });
    expect(reply.body).toMatchObject({ status: 'awaiting_payment', couponCodes: [] });
    expect(await stockOf(reward.id)).toBe(3);
    const cancelled = await api.call('POST', `/v1/redemptions/${reply.body.id}/cancel`, { reason: '不要了' });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', cancelReason: '不要了' });
    expect(cancelled.body.entries[0]).toMatchObject({ type: 'void', change: { available: 200, held: -200 } });
    expect(cancelled.body.couponCodes.every((c: { status: string }) => c.status === 'voided')).toBe(true);
    expect(await available(api, memberId)).toBe(500);
    expect(await held(memberId)).toBe(0);
    expect(await stockOf(reward.id)).toBe(5);
    expect((await api.call('POST', `/v1/redemptions/${reply.body.id}/pay`)).body.code).toBe(
      'redemption_state',
    );
  });

  test('a hold that times out: payment_expired, stock back, paying is refused clearly', async () => {
    const reward = await liveReward(api, CASH_MUG);
    const swept = await fundedMember(api, [300]);
    const untouched = await fundedMember(api, [300]);
    const a = await redeem(api, { memberId: swept, rewardId: reward.id, shippingAddress: ADDRESS });
    const b = await redeem(api, { memberId: untouched, rewardId: reward.id, shippingAddress: ADDRESS });
    expect(await stockOf(reward.id)).toBe(3);
    api.clock.advanceDays(2);
    // One swept first, the other only past its expiry: both settle when touched.
    await runSweep(api.db, api.clock, 'hold_timeout');
    const paid = await api.call('POST', `/v1/redemptions/${a.body.id}/pay`);
    expect(paid.status).toBe(409);
    expect(paid.body).toMatchObject({ code: 'redemption_payment_expired', redemptionId: a.body.id });
    const read = await api.call('GET', `/v1/redemptions/${a.body.id}`);
    expect(read.body.status).toBe('payment_expired');
    expect(await available(api, swept)).toBe(300);
    const listed = await api.call('GET', `/v1/members/${untouched}/redemptions`);
    expect(listed.body.data[0]).toMatchObject({ id: b.body.id, status: 'payment_expired' });
    expect(await available(api, untouched)).toBe(300);
    expect(await stockOf(reward.id)).toBe(5);
    expect((await api.call('POST', `/v1/redemptions/${b.body.id}/cancel`, {})).body.code).toBe(
      'redemption_state',
    );
    expect((await verifyLedger(api.db)).violations).toEqual([]);
  });

  test('paying or cancelling past the hold, before any sweep: settled and refused in one transaction, replayed', async () => {
    const reward = await liveReward(api, CASH_MUG);
    const payer = await fundedMember(api, [300]);
    const canceller = await fundedMember(api, [300]);
    const a = await redeem(api, { memberId: payer, rewardId: reward.id, shippingAddress: ADDRESS });
    const b = await redeem(api, { memberId: canceller, rewardId: reward.id, shippingAddress: ADDRESS });
    api.clock.advanceDays(2);
    const key = { 'idempotency-key': `late-pay-${a.body.id}` };
    const paid = await api.call('POST', `/v1/redemptions/${a.body.id}/pay`, undefined, key);
    expect(paid).toMatchObject({ status: 409, body: { code: 'redemption_payment_expired' } });
    const cancelled = await api.call('POST', `/v1/redemptions/${b.body.id}/cancel`, {});
    expect(cancelled).toMatchObject({ status: 409, body: { code: 'redemption_payment_expired' } });
    // No sweep ran: the refusals settled both orders, and the settlement stuck.
    for (const [redemption, memberId] of [
      [a, payer],
      [b, canceller],
    ] as const) {
      const stored = await api.db.query<{ status: string }>('select status from redemptions where id = $1', [
        redemption.body.id,
      ]);
      expect(stored).toEqual([{ status: 'payment_expired' }]);
      expect(await available(api, memberId)).toBe(300);
    }
    expect(await stockOf(reward.id)).toBe(5);
    const replay = await api.call('POST', `/v1/redemptions/${a.body.id}/pay`, undefined, key);
    expect(replay.status).toBe(409);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect((await verifyLedger(api.db)).violations).toEqual([]);
  });

  test('an unpaid redemption is paid or cancelled through the redemption, not the holds API', async () => {
    const memberId = await fundedMember(api, [500]);
    const reward = await liveReward(api, CASH_MUG);
    const reply = await redeem(api, { memberId, rewardId: reward.id, shippingAddress: ADDRESS }, 'pc-owned');
    const captured = await api.call('POST', `/v1/holds/${reply.body.holdId}/capture`, {});
    expect(captured).toMatchObject({ status: 409, body: { code: 'hold_owned_by_order' } });
    expect(await available(api, memberId)).toBe(400);
    const cancelled = await api.call('POST', `/v1/redemptions/${reply.body.id}/cancel`, { reason: '不要了' });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(await available(api, memberId)).toBe(500);
  });

  test('a pool code reserved by an unpaid redemption goes back to the pool when it is cancelled', async () => {
    const reward = await liveReward(api, {
      type: 'coupon',
      name: { 'zh-CN': '咖啡券', en: 'Coffee' },
      pricePoints: 50,
      cashMinor: 100,
      coupon: { codeSource: 'pool' },
    });
    const upload = await api.call('POST', `/v1/rewards/${reward.id}/codes`, { codes: ['POOL-0001'] });
    expect(upload.status, JSON.stringify(upload.body)).toBe(200);
    const first = await fundedMember(api, [500]);
    const unpaid = await redeem(api, { memberId: first, rewardId: reward.id }, 'pool-unpaid');
    expect(unpaid.status, JSON.stringify(unpaid.body)).toBe(201);
    expect(
      (await api.call('POST', `/v1/redemptions/${unpaid.body.id}/cancel`, { reason: '未付款' })).status,
    ).toBe(200);
    expect((await api.call('GET', `/v1/rewards/${reward.id}/codes/summary`)).body).toMatchObject({
      available: 1,
      voided: 0,
    });
    const second = await fundedMember(api, [500]);
    const again = await redeem(api, { memberId: second, rewardId: reward.id }, 'pool-again');
    expect(again.status, JSON.stringify(again.body)).toBe(201);
  });
});

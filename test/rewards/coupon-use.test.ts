import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { expectProblem } from '../api/api-scenarios.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';
import { COUPON, fundedMember, liveReward, redeem } from './reward-kit.ts';

/**
 * A till marks a coupon code used: once, for one order at one store; the redemption shows the
 * code as used, and a redemption whose code was used can no longer be cancelled.
 */
describe.each(ENGINES)('coupon codes used at the till (%s)', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await openTestApi(engine);
  });
  afterAll(async () => api?.close());

  const use = (code: string, body?: Record<string, unknown>, key?: string) =>
    api.call(
      'POST',
      `/v1/coupon-codes/${encodeURIComponent(code)}/use`,
      body,
      key ? { 'idempotency-key': key } : {},
    );

  async function couponOf(body: Record<string, unknown> = COUPON, quantity = 1) {
    const reward = await liveReward(api, body);
    const memberId = await fundedMember(api, [1_000]);
    const redeemed = await redeem(api, { memberId, rewardId: reward.id, quantity });
    expect(redeemed.status, JSON.stringify(redeemed.body)).toBe(201);
    return {
      reward,
      memberId,
      redemption: redeemed.body,
      code: redeemed.body.couponCodes[0]?.code as string,
    };
  }

  test('using a code records when, for which order and where; the redemption shows it used', async () => {
    const { redemption, code, memberId } = await couponOf();
    const before = await api.call('GET', `/v1/coupon-codes/${code}`);
    expect(before.body).toMatchObject({ code, status: 'issued', memberId, redemptionId: redemption.id });
    const used = await use(code, { orderId: 'pos-1', store: 'SH-001' });
    expect(used.status, JSON.stringify(used.body)).toBe(200);
    expect(used.body).toMatchObject({
      code,
      status: 'used',
      usedOrderId: 'pos-1',
      usedStore: 'SH-001',
      usedAt: api.clock.now().toISOString(),
      alreadyUsed: false,
    });
    const read = await api.call('GET', `/v1/redemptions/${redemption.id}`);
    expect(read.body.couponCodes).toEqual([
      { code, status: 'used', usedAt: used.body.usedAt, usedOrderId: 'pos-1', usedStore: 'SH-001' },
    ]);
  });

  test('the same use again answers the same; another order is refused', async () => {
    const { code } = await couponOf();
    await use(code, { orderId: 'pos-2' });
    api.clock.advance(60_000);
    const again = await use(code, { orderId: 'pos-2' });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: 'used', usedOrderId: 'pos-2', alreadyUsed: true });
    const other = await use(code, { orderId: 'pos-3' });
    expectProblem(other, 409, 'coupon_code_state');
    expect(other.body).toMatchObject({ why: 'already_used', usedOrderId: 'pos-2' });
    const bare = await use(code);
    expect(bare.body.why).toBe('already_used');
  });

  test('an Idempotency-Key replays the first answer', async () => {
    const { code } = await couponOf();
    const first = await use(code, { store: 'BJ-9' }, `use-${code}`);
    const replay = await use(code, { store: 'BJ-9' }, `use-${code}`);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(first.body);
  });

  test('a used coupon cannot be cancelled; an unused one can, and its code can no longer be used', async () => {
    const { redemption, code } = await couponOf();
    await use(code, { orderId: 'pos-4' });
    const cancel = await api.call('POST', `/v1/redemptions/${redemption.id}/cancel`, {});
    expectProblem(cancel, 409, 'redemption_coupon_used');
    expect(cancel.body.usedCodes).toEqual([code]);
    expect((await api.call('GET', `/v1/redemptions/${redemption.id}`)).body.status).toBe('fulfilled');

    const unused = await couponOf();
    const cancelled = await api.call('POST', `/v1/redemptions/${unused.redemption.id}/cancel`, {});
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    const late = await use(unused.code, { orderId: 'pos-5' });
    expectProblem(late, 409, 'coupon_code_state');
    expect(late.body.why).toBe('redemption_cancelled');
  });

  test('one used code of two blocks the cancel of the whole redemption', async () => {
    const { redemption } = await couponOf(COUPON, 2);
    await use(redemption.couponCodes[1].code, { orderId: 'pos-6' });
    expectProblem(
      await api.call('POST', `/v1/redemptions/${redemption.id}/cancel`, {}),
      409,
      'redemption_coupon_used',
    );
  });

  test('codes of unpaid redemptions, codes never handed out and unknown codes are refused', async () => {
    const unpaid = await couponOf({ ...COUPON, cashMinor: 100 });
    const [row] = await api.db.query<{ code: string }>(
      'select code from coupon_codes where redemption_id = $1',
      [unpaid.redemption.id],
    );
    const notPaid = await use(row!.code);
    expectProblem(notPaid, 409, 'coupon_code_state');
    expect(notPaid.body).toMatchObject({ why: 'not_paid', redemptionStatus: 'awaiting_payment' });
    const paid = await api.call('POST', `/v1/redemptions/${unpaid.redemption.id}/pay`);
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    expect((await use(row!.code)).status).toBe(200);

    const pool = await liveReward(api, { ...COUPON, coupon: { codeSource: 'pool' } });
    await api.call('POST', `/v1/rewards/${pool.id}/codes`, { codes: ['NEVER-001'] });
    const notIssued = await use('NEVER-001');
    expectProblem(notIssued, 409, 'coupon_code_state');
    expect(notIssued.body.why).toBe('not_issued');

    expectProblem(await use('NO-SUCH-CODE'), 404, 'coupon_code_not_found');
    expectProblem(await api.call('GET', '/v1/coupon-codes/NO-SUCH-CODE'), 404, 'coupon_code_not_found');
  });

  test('the pool summary counts used codes', async () => {
    const pool = await liveReward(api, { ...COUPON, coupon: { codeSource: 'pool' } });
    await api.call('POST', `/v1/rewards/${pool.id}/codes`, { codes: ['SUM-001', 'SUM-002'] });
    const memberId = await fundedMember(api, [1_000]);
    const redeemed = await redeem(api, { memberId, rewardId: pool.id });
    await use(redeemed.body.couponCodes[0].code);
    expect((await api.call('GET', `/v1/rewards/${pool.id}/codes/summary`)).body).toEqual({
      available: 1,
      issued: 0,
      used: 1,
      voided: 0,
    });
  });
});

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { listMigrations } from '../../src/db/migrate.ts';
import { expectLedgerSound, expectProblem, openShop, type Shop } from '../api/api-scenarios.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';

/**
 * Checkout refunds give the points back to the lots the capture took them from (contra
 * `redeemed`, never a new earn lot), latest-expiring first; a lot that expired meanwhile gives way
 * to a new lot with the program's grace period. Partial captures keep to the minimum and step the
 * points were authorized under; points worth nothing cannot pay at all.
 */
describe.each(ENGINES)('checkout refunds and capture rules (%s)', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await openTestApi(engine);
  });
  afterAll(async () => api.close());

  const cart = { currency: 'CNY', items: [{ sku: 'a', quantity: 3, unitPriceMinor: 100_000 }] };
  const day = (offset: number) => new Date(api.clock.now().getTime() + offset * 86_400_000).toISOString();

  /** A shop (1 point = 1 fen, everything deductible) whose member has one lot per entry of `lots`. */
  async function shopWithLots(lots: { points: number; expiresAt?: string }[], settings = {}): Promise<Shop> {
    const shop = await openShop(api, { pointValue: { points: 1, amountMinor: 1 } });
    const put = await shop.call('PUT', '/v1/checkout/settings', {
      enabled: true,
      maxShareOfOrder: 1,
      ...settings,
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    await shop.member('m');
    for (const lot of lots)
      await shop.credit('m', lot.points, lot.expiresAt ? { expiresAt: lot.expiresAt } : {});
    return shop;
  }

  async function payWith(shop: Shop, points: number, captured = points, orderId = 'o1') {
    const authorized = await shop.call('POST', '/v1/checkout/authorizations', {
      memberId: 'm',
      orderId,
      points,
      cart,
    });
    expect(authorized.status, JSON.stringify(authorized.body)).toBe(201);
    const capture = await shop.call(
      'POST',
      `/v1/checkout/payments/${orderId}/capture`,
      captured === points ? undefined : { points: captured },
    );
    expect(capture.status, JSON.stringify(capture.body)).toBe(200);
    return capture.body;
  }

  const remainders = async (shop: Shop) =>
    Object.fromEntries(
      (await shop.lots('m', true)).map((lot: { id: string; remaining: number }) => [lot.id, lot.remaining]),
    );

  test('a full refund puts every point back in its own lot, against redeemed, with no new lot', async () => {
    const shop = await shopWithLots([
      { points: 1_000, expiresAt: day(30) },
      { points: 2_000, expiresAt: day(90) },
    ]);
    const before = await remainders(shop);
    await payWith(shop, 2_500);
    const refund = await shop.call('POST', '/v1/checkout/payments/o1/refunds', {});
    expect(refund.status, JSON.stringify(refund.body)).toBe(200);
    expect(refund.body.refund).toEqual({ refundMinor: 300_000, points: 2_500 });
    expect(refund.body.entries).toHaveLength(1);
    expect(refund.body.entries[0]).toMatchObject({ type: 'refund', change: { available: 2_500 } });
    expect(await remainders(shop)).toEqual(before);
    expect((await shop.lots('m', true)).length).toBe(2);
    const entries = await shop.entries('m');
    expect(entries.filter((entry: { type: string }) => entry.type === 'earn')).toHaveLength(2);
    await expectLedgerSound(api);
  });

  test('partial refunds give back the latest-expiring points first, like a smaller capture', async () => {
    const shop = await shopWithLots([
      { points: 1_000, expiresAt: day(30) },
      { points: 1_000, expiresAt: day(60) },
      { points: 1_000, expiresAt: day(90) },
    ]);
    const lotIds: string[] = (await shop.lots('m')).map((lot: { id: string }) => lot.id);
    const [soon, middle, late] = lotIds as [string, string, string];
    // Authorize 3,000, capture 2,400: the capture spent all of `soon` and 1,400 of the others.
    await payWith(shop, 3_000, 2_400);
    expect(await remainders(shop)).toEqual({ [soon]: 0, [middle]: 0, [late]: 600 });
    // A third of the order refunded: 800 points back, all to the latest-expiring lot first.
    const first = await shop.call('POST', '/v1/checkout/payments/o1/refunds', { amountMinor: 100_000 });
    expect(first.body.refund.points).toBe(800);
    expect(await remainders(shop)).toEqual({ [soon]: 0, [middle]: 400, [late]: 1_000 });
    // Another third: 800 more, from the middle lot now.
    await shop.call('POST', '/v1/checkout/payments/o1/refunds', { amountMinor: 100_000 });
    expect(await remainders(shop)).toEqual({ [soon]: 200, [middle]: 1_000, [late]: 1_000 });
    const last = await shop.call('POST', '/v1/checkout/payments/o1/refunds', {});
    expect(last.body.refund.points).toBe(800);
    expect(await remainders(shop)).toEqual({ [soon]: 1_000, [middle]: 1_000, [late]: 1_000 });
    await expectLedgerSound(api);
  });

  test('points of a lot that expired meanwhile come back in a new lot with the grace period', async () => {
    const shop = await shopWithLots([{ points: 1_000, expiresAt: day(2) }]);
    await shop.configure({ restoredLotGraceDays: 10 });
    const [lot] = await shop.lots('m');
    await payWith(shop, 600);
    api.clock.advanceDays(3);
    const refund = await shop.call('POST', '/v1/checkout/payments/o1/refunds', {});
    expect(refund.status, JSON.stringify(refund.body)).toBe(200);
    const lots = await shop.lots('m', true);
    const renewed = lots.find((candidate: { id: string }) => candidate.id !== lot.id);
    expect(renewed).toMatchObject({ remaining: 600, expiresAt: day(10) });
    // The old lot keeps its expiry: its 400 left stay expired, nothing revived.
    expect(lots.find((candidate: { id: string }) => candidate.id === lot.id)).toMatchObject({
      remaining: 400,
      expiresAt: lot.expiresAt,
    });
    await expectLedgerSound(api);
  });

  test('a refund reaches a blocked member: their own points come back', async () => {
    const shop = await shopWithLots([{ points: 5_000 }]);
    await payWith(shop, 1_000);
    await shop.call('PUT', '/v1/members/m', { status: 'blocked' });
    const refund = await shop.call('POST', '/v1/checkout/payments/o1/refunds', { amountMinor: 150_000 });
    expect(refund.status, JSON.stringify(refund.body)).toBe(200);
    expect(refund.body.refund.points).toBe(500);
    expect((await shop.balances('m')).available).toBe(4_500);
  });

  test("a payment's capture and refund cannot be reversed through the ledger API: the order settles them", async () => {
    const shop = await shopWithLots([{ points: 5_000 }]);
    const captured = await payWith(shop, 1_000);
    const capture = captured.entries.find((entry: { type: string }) => entry.type === 'capture');
    const reversal = await shop.call('POST', `/v1/entries/${capture.id}/reversal`, { reason: 'ops' });
    expectProblem(reversal, 409, 'entry_owned_by_order');
    expect(reversal.body).toMatchObject({ owner: 'checkout payment', ownerId: 'o1' });
    const refund = await shop.call('POST', '/v1/checkout/payments/o1/refunds', {});
    expect(refund.status, JSON.stringify(refund.body)).toBe(200);
    // Reversing the capture after the refund would give the points back a second time.
    expectProblem(
      await shop.call('POST', `/v1/entries/${capture.id}/reversal`, { reason: 'ops' }),
      409,
      'entry_owned_by_order',
    );
    expectProblem(
      await shop.call('POST', `/v1/entries/${refund.body.entries[0].id}/reversal`, { reason: 'ops' }),
      409,
      'entry_owned_by_order',
    );
    expect((await shop.balances('m')).available).toBe(5_000);
    await expectLedgerSound(api);
  });

  test('a partial capture below the minimum or off the step is refused; the hold stays', async () => {
    const shop = await shopWithLots([{ points: 10_000 }], { minPoints: 1_000, stepPoints: 100 });
    const authorized = await shop.call('POST', '/v1/checkout/authorizations', {
      memberId: 'm',
      orderId: 'o1',
      points: 2_000,
      cart,
    });
    expect(authorized.body.payment).toMatchObject({ minPoints: 1_000, stepPoints: 100 });
    // The settings change after authorize: the payment keeps the rules it was authorized under.
    await shop.call('PUT', '/v1/checkout/settings', { enabled: true, maxShareOfOrder: 1 });
    for (const points of [37, 900, 1_050]) {
      const capture = await shop.call('POST', '/v1/checkout/payments/o1/capture', { points });
      expectProblem(capture, 422, 'checkout_points_invalid');
      expect(capture.body).toMatchObject({ minPoints: 1_000, stepPoints: 100, requestedPoints: points });
    }
    expect((await shop.balances('m')).held).toBe(2_000);
    const ok = await shop.call('POST', '/v1/checkout/payments/o1/capture', { points: 1_500 });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(await shop.balances('m')).toMatchObject({ available: 8_500, held: 0 });
  });

  test('points worth nothing: a zero quote that says why, and authorize refuses clearly', async () => {
    const shop = await shopWithLots([{ points: 1_000 }]);
    await shop.configure({ pointValue: { points: 100, amountMinor: 0 } });
    const quote = await shop.call('POST', '/v1/checkout/quote', { memberId: 'm', ...cart });
    expect(quote.status, JSON.stringify(quote.body)).toBe(200);
    expect(quote.body).toMatchObject({ maxPoints: 0, maxValueMinor: 0 });
    expect(quote.body.reasons.map((reason: { code: string }) => reason.code)).toEqual(['no_point_value']);
    const authorized = await shop.call('POST', '/v1/checkout/authorizations', {
      memberId: 'm',
      orderId: 'o1',
      points: 10,
      cart,
    });
    expectProblem(authorized, 422, 'checkout_points_exceed_quote');
    expect(authorized.body.detail).toMatch(/no money value/);
    expect((await shop.balances('m')).held).toBe(0);
  });

  test('migration 016 renames the take-back of a refunded order to clawback; a checkout refund stays refund', async () => {
    const shop = await shopWithLots([{ points: 1_000 }]);
    await payWith(shop, 500, 500, 'cash-1');
    const checkoutRefund = await shop.call('POST', '/v1/checkout/payments/cash-1/refunds', {});
    expect(checkoutRefund.status, JSON.stringify(checkoutRefund.body)).toBe(200);
    const rule = await shop.call('POST', '/v1/rules', {
      name: { 'zh-CN': '消费积分', en: 'Purchase points' },
      trigger: 'order.paid',
      reward: { kind: 'per_amount', points: 1, perAmountMinor: 100 },
      target: { points: 1, growth: 1 },
    });
    expect(rule.status, JSON.stringify(rule.body)).toBe(201);
    expect((await shop.call('POST', `/v1/rules/${rule.body.id}/publish`)).status).toBe(200);
    const order = { orderId: 'earned-1', amountMinor: 20_000, currency: 'CNY' };
    const paidEvent = { id: 'mig-paid', type: 'order.paid', memberId: 'm', attributes: order };
    expect((await shop.call('POST', '/v1/events', paidEvent)).status).toBe(201);
    const refundEvent = {
      id: 'mig-ref',
      type: 'order.refunded',
      memberId: 'm',
      attributes: { orderId: 'earned-1' },
    };
    const taken = await shop.call('POST', '/v1/events', refundEvent);
    expect(taken.status, JSON.stringify(taken.body)).toBe(201);
    const types = async () =>
      (await shop.entries('m'))
        .filter((entry: { type: string }) => ['refund', 'clawback'].includes(entry.type))
        .map((entry: { type: string; points: number; growth: number }) => [
          entry.type,
          entry.points,
          entry.growth,
        ]);
    const now = await types();
    expect(now.sort()).toEqual([
      ['clawback', -200, 0],
      ['clawback', 0, -200],
      ['refund', 500, 0],
    ]);
    // As written before migration 016: both directions were `refund`.
    await api.db.query(`update entries set type = 'refund' where program_id = $1 and type = 'clawback'`, [
      shop.programId,
    ]);
    const migration = listMigrations().find((candidate) => candidate.version === 16)!;
    await api.db.exec(migration.sql);
    expect((await types()).sort()).toEqual(now.sort());
  });
});

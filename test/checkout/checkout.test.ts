import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { listMigrations } from '../../src/db/migrate.ts';
import { runSweep } from '../../src/sweeps/sweeper.ts';
import { openShop, type Shop } from '../api/api-scenarios.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';

/** 2 points are worth 1 fen; half of the deductible goods may be paid with points. */
const POINT_VALUE = { points: 2, amountMinor: 1 };
const SETTINGS = { enabled: true, maxShareOfOrder: 0.5, minPoints: 0, stepPoints: 1 };

const item = (sku: string, unitPriceMinor: number, extra: Record<string, unknown> = {}) => ({
  sku,
  quantity: 1,
  unitPriceMinor,
  ...extra,
});

interface QuoteScenario {
  name: string;
  settings?: Record<string, unknown>;
  balance: number;
  items: Record<string, unknown>[];
  shippingMinor?: number;
  maxPoints: number;
  maxValueMinor: number;
  reasons: string[];
}

const quoteScenarios: QuoteScenario[] = [
  {
    name: 'the share cap: half of 10,000 fen is 5,000 fen, 10,000 points',
    balance: 50_000,
    items: [item('a', 6_000), item('b', 4_000)],
    maxPoints: 10_000,
    maxValueMinor: 5_000,
    reasons: ['share_of_order'],
  },
  {
    name: 'non-deductible items do not count',
    balance: 50_000,
    items: [item('a', 6_000), item('gift-card', 4_000, { deductible: false })],
    maxPoints: 6_000,
    maxValueMinor: 3_000,
    reasons: ['non_deductible_items', 'share_of_order'],
  },
  {
    name: 'shipping is excluded',
    balance: 50_000,
    items: [item('a', 1_000, { quantity: 3 })],
    shippingMinor: 1_000,
    maxPoints: 3_000,
    maxValueMinor: 1_500,
    reasons: ['shipping_excluded', 'share_of_order'],
  },
  {
    name: 'the share is exact (0.3 × 999 fen = 299.7 fen → 599 points, never a float)',
    settings: { maxShareOfOrder: 0.3 },
    balance: 50_000,
    items: [item('a', 999)],
    maxPoints: 599,
    maxValueMinor: 299,
    reasons: ['share_of_order'],
  },
  {
    name: 'below the minimum: none at all',
    settings: { minPoints: 1_000 },
    balance: 50_000,
    items: [item('a', 999)],
    maxPoints: 0,
    maxValueMinor: 0,
    reasons: ['share_of_order', 'minimum'],
  },
  {
    name: 'rounded down to the step',
    settings: { stepPoints: 100 },
    balance: 50_000,
    items: [item('a', 999)],
    maxPoints: 900,
    maxValueMinor: 450,
    reasons: ['share_of_order', 'step'],
  },
  {
    name: "capped by the member's available points",
    balance: 777,
    items: [item('a', 10_000)],
    maxPoints: 777,
    maxValueMinor: 388,
    reasons: ['available_points'],
  },
  {
    name: 'balance cap, then step',
    settings: { stepPoints: 100 },
    balance: 777,
    items: [item('a', 10_000)],
    maxPoints: 700,
    maxValueMinor: 350,
    reasons: ['available_points', 'step'],
  },
  {
    name: 'disabled',
    settings: { enabled: false },
    balance: 50_000,
    items: [item('a', 10_000)],
    maxPoints: 0,
    maxValueMinor: 0,
    reasons: ['disabled'],
  },
  {
    name: 'only non-deductible items',
    balance: 50_000,
    items: [item('a', 10_000, { deductible: false })],
    maxPoints: 0,
    maxValueMinor: 0,
    reasons: ['non_deductible_items', 'no_deductible_amount'],
  },
];

describe.each(ENGINES)('Checkout: points as cash (%s)', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await openTestApi(engine);
  });
  afterAll(async () => api.close());

  async function shopWith(balance: number, settings: Record<string, unknown> = {}): Promise<Shop> {
    const shop = await openShop(api);
    await shop.configure({ pointValue: POINT_VALUE });
    const put = await shop.call('PUT', '/v1/checkout/settings', { ...SETTINGS, ...settings });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    await shop.member('m');
    if (balance > 0) await shop.credit('m', balance);
    return shop;
  }

  const cart = { currency: 'CNY', items: [item('a', 3_000), item('b', 3_000), item('c', 3_000)] };

  async function authorize(shop: Shop, points: number, orderId = 'o1', key?: string) {
    return shop.call(
      'POST',
      '/v1/checkout/authorizations',
      { memberId: 'm', orderId, points, cart },
      key ? { 'idempotency-key': key } : {},
    );
  }

  async function state(shop: Shop, orderId = 'o1') {
    return (await shop.call('GET', `/v1/checkout/payments/${orderId}`)).body;
  }

  describe('quote caps', () => {
    test.each(quoteScenarios)('$name', async (scenario) => {
      const shop = await shopWith(scenario.balance, scenario.settings);
      const reply = await shop.call('POST', '/v1/checkout/quote', {
        memberId: 'm',
        currency: 'CNY',
        items: scenario.items,
        ...(scenario.shippingMinor !== undefined ? { shippingMinor: scenario.shippingMinor } : {}),
      });
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      expect(reply.body).toMatchObject({
        maxPoints: scenario.maxPoints,
        maxValueMinor: scenario.maxValueMinor,
        pointValue: POINT_VALUE,
        availablePoints: scenario.balance,
      });
      expect(reply.body.reasons.map((r: { code: string }) => r.code)).toEqual(scenario.reasons);
      for (const reason of reply.body.reasons)
        expect(reason.message['zh-CN'] && reason.message.en).toBeTruthy();
    });

    test('settings default to off, and are read back', async () => {
      const shop = await openShop(api);
      expect((await shop.call('GET', '/v1/checkout/settings')).body).toMatchObject({ enabled: false });
      await shop.call('PUT', '/v1/checkout/settings', { enabled: true, stepPoints: 10 });
      expect((await shop.call('GET', '/v1/checkout/settings')).body).toEqual({
        enabled: true,
        maxShareOfOrder: 0.5,
        minPoints: 0,
        stepPoints: 10,
      });
      const bad = await shop.call('PUT', '/v1/checkout/settings', { maxShareOfOrder: 0.12345 });
      expect(bad.body.code).toBe('validation_failed');
    });

    test('points past their expiry that the sweep has not removed yet are not offered', async () => {
      const shop = await shopWith(0);
      const soon = new Date(api.clock.now().getTime() + 86_400_000).toISOString();
      await shop.credit('m', 3_000, { expiresAt: soon });
      await shop.credit('m', 400);
      api.clock.advance(2 * 86_400_000);
      const reply = await shop.call('POST', '/v1/checkout/quote', {
        memberId: 'm',
        currency: 'CNY',
        items: [item('a', 10_000)],
      });
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      expect(reply.body).toMatchObject({ availablePoints: 400, maxPoints: 400 });
      expect((await shop.balances('m')).available).toBe(400);
    });

    test('a cart in another currency', async () => {
      const shop = await shopWith(100);
      const reply = await shop.call('POST', '/v1/checkout/quote', {
        memberId: 'm',
        currency: 'USD',
        items: [item('a', 1)],
      });
      expect(reply.status).toBe(422);
      expect(reply.body.code).toBe('checkout_currency_mismatch');
    });
  });

  test('authorizing more than the quote allows: 422, nothing held', async () => {
    const shop = await shopWith(50_000, { stepPoints: 10 });
    const over = await authorize(shop, 9_010);
    expect(over.status).toBe(422);
    expect(over.body).toMatchObject({ code: 'checkout_points_exceed_quote', maxPoints: 9_000 });
    const offStep = await authorize(shop, 95);
    expect(offStep.body.code).toBe('checkout_points_invalid');
    expect(await shop.balances('m')).toMatchObject({ available: 50_000, held: 0 });
    expect((await shop.call('GET', '/v1/checkout/payments/o1')).body.code).toBe('checkout_payment_not_found');
  });

  test('capture less than authorized: the rest goes back to the same lots', async () => {
    const shop = await shopWith(0);
    const first = await shop.credit('m', 3_000);
    const second = await shop.credit('m', 3_000);
    const authorized = await authorize(shop, 5_000);
    expect(authorized.status, JSON.stringify(authorized.body)).toBe(201);
    expect(authorized.body.payment).toMatchObject({
      state: 'authorized',
      authorizedPoints: 5_000,
      authorizedValueMinor: 2_500,
    });
    expect(await shop.balances('m')).toMatchObject({ available: 1_000, held: 5_000 });

    const captured = await shop.call('POST', '/v1/checkout/payments/o1/capture', { points: 4_000 });
    expect(captured.status, JSON.stringify(captured.body)).toBe(200);
    expect(captured.body.payment).toMatchObject({
      state: 'captured',
      capturedPoints: 4_000,
      capturedValueMinor: 2_000,
    });
    expect(captured.body.entries.map((e: { type: string }) => e.type)).toEqual(['capture', 'hold_release']);
    expect(captured.body.entries[1].lots).toEqual([{ lotId: second.lots[0].lotId, points: 1_000 }]);
    expect(await shop.balances('m')).toMatchObject({ available: 2_000, held: 0 });
    const lots = await shop.lots('m');
    expect(lots.map((lot) => [lot.id, lot.remaining])).toEqual([[second.lots[0].lotId, 2_000]]);
    expect(first.lots[0].lotId).toBeTruthy();

    const again = await shop.call('POST', '/v1/checkout/payments/o1/capture');
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'checkout_payment_state', paymentState: 'captured' });
  });

  test('capture more than authorized is refused', async () => {
    const shop = await shopWith(10_000);
    await authorize(shop, 1_000);
    const reply = await shop.call('POST', '/v1/checkout/payments/o1/capture', { points: 1_001 });
    expect(reply.body.code).toBe('capture_exceeds_hold');
    expect((await state(shop)).state).toBe('authorized');
  });

  test('void: every point back, the order cannot be captured or authorized again', async () => {
    const shop = await shopWith(10_000);
    await authorize(shop, 1_000);
    const voided = await shop.call('POST', '/v1/checkout/payments/o1/void');
    expect(voided.status, JSON.stringify(voided.body)).toBe(200);
    expect(voided.body.payment.state).toBe('voided');
    expect(await shop.balances('m')).toMatchObject({ available: 10_000, held: 0 });
    expect((await shop.call('POST', '/v1/checkout/payments/o1/capture')).body.code).toBe(
      'checkout_payment_state',
    );
    expect((await authorize(shop, 1_000)).body.code).toBe('checkout_order_exists');
  });

  test('time-out: the sweeper releases the hold and the payment shows timed_out', async () => {
    const shop = await shopWith(10_000);
    await shop.configure({ holdTtlSeconds: 60 });
    await authorize(shop, 1_000, 'late');
    api.clock.advance(61_000);
    expect((await state(shop, 'late')).state).toBe('timed_out');
    expect((await shop.call('POST', '/v1/checkout/payments/late/capture')).body).toMatchObject({
      code: 'checkout_payment_state',
      paymentState: 'timed_out',
    });
    await runSweep(api.db, api.clock, 'hold_timeout');
    expect(await shop.balances('m')).toMatchObject({ available: 10_000, held: 0 });
    expect((await state(shop, 'late')).state).toBe('timed_out');
    expect((await shop.call('POST', '/v1/checkout/payments/late/void')).status).toBe(409);
  });

  test('partial refunds in thirds give back exactly what was captured; over-refund rejected', async () => {
    const shop = await shopWith(10_000);
    await authorize(shop, 1_000);
    await shop.call('POST', '/v1/checkout/payments/o1/capture');
    expect(await shop.balances('m')).toMatchObject({ available: 9_000 });

    const refund = (body: unknown) => shop.call('POST', '/v1/checkout/payments/o1/refunds', body);
    const first = await refund({ items: [{ sku: 'a', quantity: 1 }] });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.refund).toEqual({ refundMinor: 3_000, points: 333 });
    expect(first.body.payment.state).toBe('partially_refunded');
    expect(first.body.entries[0].reason['zh-CN'] ?? first.body.entries[0].reason.zh).toContain(
      '退货退回抵现积分',
    );
    const second = await refund({ amountMinor: 3_000 });
    expect(second.body.refund).toEqual({ refundMinor: 3_000, points: 334 });
    const over = await refund({ amountMinor: 3_001 });
    expect(over.status).toBe(422);
    expect(over.body).toMatchObject({ code: 'checkout_refund_exceeds_payment', refundableMinor: 3_000 });
    const tooMany = await refund({ items: [{ sku: 'a', quantity: 1 }] });
    expect(tooMany.body.code).toBe('checkout_refund_exceeds_payment');
    const third = await refund({ items: [{ sku: 'c', quantity: 1 }] });
    expect(third.body.refund).toEqual({ refundMinor: 3_000, points: 333 });
    expect(third.body.payment).toMatchObject({
      state: 'refunded',
      pointsRefunded: 1_000,
      refundedMinor: 9_000,
    });
    expect(await shop.balances('m')).toMatchObject({ available: 10_000 });
    expect((await refund(undefined)).body).toMatchObject({
      code: 'checkout_payment_state',
      paymentState: 'refunded',
    });
  });

  test('a refund before capture is refused', async () => {
    const shop = await shopWith(10_000);
    await authorize(shop, 1_000);
    const reply = await shop.call('POST', '/v1/checkout/payments/o1/refunds', { amountMinor: 1 });
    expect(reply.body).toMatchObject({ code: 'checkout_payment_state', paymentState: 'authorized' });
  });

  test('idempotent retries: one hold, one capture, one refund', async () => {
    const shop = await shopWith(10_000);
    const first = await authorize(shop, 1_000, 'o1', 'auth-1');
    const retry = await authorize(shop, 1_000, 'o1', 'auth-1');
    expect(retry.status).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toEqual(first.body);
    expect(await shop.balances('m')).toMatchObject({ available: 9_000, held: 1_000 });

    const key = { 'idempotency-key': 'cap-1' };
    await shop.call('POST', '/v1/checkout/payments/o1/capture', { points: 600 }, key);
    const capRetry = await shop.call('POST', '/v1/checkout/payments/o1/capture', { points: 600 }, key);
    expect(capRetry.status).toBe(200);
    expect(capRetry.headers['idempotent-replayed']).toBe('true');

    const refundKey = { 'idempotency-key': 'ref-1' };
    await shop.call('POST', '/v1/checkout/payments/o1/refunds', { amountMinor: 4_500 }, refundKey);
    const refundRetry = await shop.call(
      'POST',
      '/v1/checkout/payments/o1/refunds',
      { amountMinor: 4_500 },
      refundKey,
    );
    expect(refundRetry.body.refund).toEqual({ refundMinor: 4_500, points: 300 });
    expect((await state(shop)).pointsRefunded).toBe(300);
    expect(await shop.balances('m')).toMatchObject({ available: 9_700, held: 0 });
  });

  test('a checkout hold is settled through its payment, never through the holds API', async () => {
    const shop = await shopWith(10_000);
    const authorized = await authorize(shop, 1_000, 'owned-1');
    expect(authorized.status, JSON.stringify(authorized.body)).toBe(201);
    const holdId = (await state(shop, 'owned-1')).holdId;
    for (const step of ['void', 'capture']) {
      const reply = await shop.call('POST', `/v1/holds/${holdId}/${step}`, {});
      expect(reply).toMatchObject({ status: 409, body: { code: 'hold_owned_by_order' } });
    }
    expect((await state(shop, 'owned-1')).state).toBe('authorized');
  });

  test('migration 018 renames the status of holds that timed out', async () => {
    const shop = await shopWith(10_000);
    expect((await authorize(shop, 1_000, 'late-018')).status).toBe(201);
    const holdId = (await state(shop, 'late-018')).holdId;
    api.clock.advance(2 * 86_400_000);
    const { runSweep } = await import('../../src/sweeps/sweeper.ts');
    await runSweep(api.db, api.clock, 'hold_timeout');
    const statusOf = async () =>
      (await api.db.query<{ status: string }>('select status from holds where id = $1', [holdId]))[0]?.status;
    expect(await statusOf()).toBe('timed_out');
    // As stored before migration 018.
    await api.db.exec(`alter table holds drop constraint holds_status_check;
      alter table holds add constraint holds_status_check check (status in ('open', 'captured', 'voided', 'expired'))
        not valid`);
    await api.db.query(`update holds set status = 'expired' where id = $1`, [holdId]);
    await api.db.exec(listMigrations().find((migration) => migration.version === 18)!.sql);
    expect(await statusOf()).toBe('timed_out');
    expect((await shop.call('GET', `/v1/holds/${holdId}`)).body.status).toBe('timed_out');
    expect((await state(shop, 'late-018')).state).toBe('timed_out');
  });

  test('migration 015 finds the owner of holds placed before holds recorded one', async () => {
    const shop = await shopWith(10_000);
    expect((await authorize(shop, 1_000, 'owned-2')).status).toBe(201);
    const holdId = (await state(shop, 'owned-2')).holdId;
    // As a hold written before migration 015 was: no owner on the row.
    await api.db.query('update holds set owner_kind = null, owner_id = null where id = $1', [holdId]);
    const backfill = listMigrations()
      .find((migration) => migration.version === 15)!
      .sql.split(';')
      .filter((statement) => statement.trim().startsWith('update'));
    expect(backfill).toHaveLength(2);
    for (const statement of backfill) await api.db.exec(statement);
    const [row] = await api.db.query('select owner_kind, owner_id from holds where id = $1', [holdId]);
    expect(row).toEqual({ owner_kind: 'checkout_payment', owner_id: 'owned-2' });
    const reply = await shop.call('POST', `/v1/holds/${holdId}/void`, {});
    expect(reply).toMatchObject({
      status: 409,
      body: { code: 'hold_owned_by_order', owner: 'checkout payment' },
    });
  });
});

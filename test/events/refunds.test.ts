import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';
import {
  balances,
  cancelled,
  ledgerSnapshot,
  lotsOf,
  name,
  paid,
  perYuan,
  publish,
  refunded,
  send,
  sendBatch,
} from './event-test-kit.ts';

/** 1 point and 1 growth per ¥1; orders on channel "mall" stay pending for 7 days (a return window). */
const notMall = { not: { field: 'event.channel', op: 'eq', value: 'mall' } };
const mall = { field: 'event.channel', op: 'eq', value: 'mall' };
// ¥128.00 in two lines: 2 × ¥30.00 tea and 1 × ¥68.00 cup → 128 points.
const ITEMS = [
  { sku: 'TEA-1', category: 'tea', quantity: 2, unitPriceMinor: 3_000 },
  { sku: 'CUP-9', category: 'cups', quantity: 1, unitPriceMinor: 6_800 },
];
const tea = (quantity: number) => ({ sku: 'TEA-1', quantity });
const cup = { sku: 'CUP-9', quantity: 1 };

const scenarios = [
  { name: 'part of the amount', amountMinor: 12_800, refunds: [{ amountMinor: 3_200 }], taken: [32] },
  { name: 'one unit of a line', amountMinor: 12_800, refunds: [{ items: [tea(1)] }], taken: [30] },
  { name: 'every line', amountMinor: 12_800, refunds: [{ items: [tea(2), cup] }], taken: [128] },
  { name: 'the whole order (neither amount nor items)', amountMinor: 12_800, refunds: [{}], taken: [128] },
  {
    // Rounded per refund, thirds would take 33 + 33 + 33 = 99 of 100 points.
    name: 'thirds: two partials, then the rest',
    amountMinor: 10_000,
    refunds: [{ amountMinor: 3_333 }, { amountMinor: 3_333 }, {}],
    taken: [33, 34, 33],
  },
  {
    name: 'unit by unit: 30 + 30 + 68',
    amountMinor: 12_800,
    refunds: [{ items: [tea(1)] }, { items: [tea(1)] }, { items: [cup] }],
    taken: [30, 30, 68],
  },
  {
    name: 'an amount, then items, then the rest',
    amountMinor: 12_800,
    refunds: [{ amountMinor: 1_000 }, { items: [cup] }, {}],
    taken: [10, 68, 50],
  },
].map((scenario, index) => ({ ...scenario, index }));

describe.each(ENGINES)('refunds and cancellations (%s)', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await openTestApi(engine);
    await publish(api, { ...perYuan, condition: notMall });
    await publish(api, {
      ...perYuan,
      name: name('商城消费', 'Mall purchase'),
      condition: mall,
      pendingDays: 7,
    });
  });
  afterAll(async () => api?.close());

  test.each(scenarios)('refund of $name: points and growth back in proportion', async (scenario) => {
    const memberId = `sc-${scenario.index}`;
    const orderId = `sc-o${scenario.index}`;
    const earned = scenario.amountMinor / 100;
    await send(
      api,
      paid(`sc-${scenario.index}-paid`, memberId, orderId, scenario.amountMinor, { items: ITEMS }),
    );
    const outcomes = [];
    for (const [step, refund] of scenario.refunds.entries()) {
      outcomes.push(await send(api, refunded(`sc-${scenario.index}-r${step}`, memberId, orderId, refund)));
    }
    expect(outcomes.map((outcome) => outcome.refund.points)).toEqual(scenario.taken);
    expect(outcomes.map((outcome) => outcome.refund.growth)).toEqual(scenario.taken);
    expect(outcomes.map((outcome) => outcome.points)).toEqual(scenario.taken.map((points) => -points));
    const left = earned - scenario.taken.reduce((sum, points) => sum + points, 0);
    expect(await balances(api, memberId)).toMatchObject({ available: left, growth: left, debt: 0 });
    expect(outcomes.at(-1).order).toMatchObject({
      status: left === 0 ? 'refunded' : 'paid',
      points: earned,
      pointsRefunded: earned - left,
      growthRefunded: earned - left,
    });
  });

  test.each([
    {
      policy: 'cap_at_zero',
      after: { available: 0, debt: 0 },
      unrecovered: 100,
      later: { available: 50, debt: 0 },
    },
    {
      policy: 'allow_debt',
      after: { available: -100, debt: 100 },
      unrecovered: 0,
      later: { available: -50, debt: 50 },
    },
  ])(
    'a refund after the points were spent follows the negative balance policy ($policy)',
    async (scenario) => {
      const memberId = `spent-${scenario.policy}`;
      expect((await api.call('PATCH', '/v1/program', { negativeBalance: scenario.policy })).status).toBe(200);
      try {
        await send(api, paid(`${memberId}-paid`, memberId, `${memberId}-o1`, 12_800));
        const debit = await api.call('POST', `/v1/members/${memberId}/debits`, {
          points: 100,
          reason: 'coupon',
        });
        expect(debit.status).toBe(201);
        const refund = await send(api, refunded(`${memberId}-refund`, memberId, `${memberId}-o1`));
        expect(refund.refund).toMatchObject({ points: 128, unrecoveredPoints: scenario.unrecovered });
        expect(await balances(api, memberId)).toMatchObject({ ...scenario.after, growth: 0 });
        // Later earnings repay debt first.
        await send(api, paid(`${memberId}-later`, memberId, `${memberId}-o2`, 5_000));
        expect(await balances(api, memberId)).toMatchObject(scenario.later);
      } finally {
        await api.call('PATCH', '/v1/program', { negativeBalance: 'cap_at_zero' });
      }
    },
  );

  test("a refund in the pending period takes the order's pending points first", async () => {
    await send(api, paid('pend-1', 'pia', 'pia-o1', 5_000));
    const pending = await send(api, paid('pend-2', 'pia', 'pia-o2', 12_800, { channel: 'mall' }));
    expect(pending.awards[0]).toMatchObject({ points: 128, pendingDays: 7 });
    expect(await balances(api, 'pia')).toMatchObject({ available: 50, pending: 128, growth: 178 });
    const refund = await send(api, refunded('pend-3', 'pia', 'pia-o2', { amountMinor: 6_400 }));
    expect(refund.refund).toMatchObject({ points: 64, growth: 64, unrecoveredPoints: 0 });
    expect(await balances(api, 'pia')).toMatchObject({ available: 50, pending: 64, growth: 114 });
    const lots = await lotsOf(api, 'pia');
    expect(lots.map((lot) => [lot.amount, lot.remaining])).toEqual([
      [50, 50],
      [128, 64],
    ]);
  });

  test("a refund takes the order's own lot before older lots", async () => {
    const first = await send(api, paid('own-1', 'quinn', 'quinn-o1', 10_000));
    api.clock.advance(60_000);
    const second = await send(api, paid('own-2', 'quinn', 'quinn-o2', 5_000));
    // Spending takes the oldest lot first: 30 of the first order's 100.
    await api.call('POST', '/v1/members/quinn/debits', { points: 30, reason: 'coupon' });
    const refund = await send(api, refunded('own-3', 'quinn', 'quinn-o2'));
    const entry = await api.call('GET', `/v1/entries/${refund.refund.entryIds[0]}`);
    const [firstEarn, secondEarn] = await Promise.all(
      [first, second].map((outcome) => api.call('GET', `/v1/entries/${outcome.awards[0].entryIds[0]}`)),
    );
    const secondLot = secondEarn!.body.lots[0].lotId;
    expect(entry.body).toMatchObject({
      type: 'clawback',
      points: -50,
      lots: [{ lotId: secondLot, points: -50 }],
    });
    expect(entry.body.source).toMatchObject({ kind: 'order', orderId: 'quinn-o2', eventId: 'own-3' });
    const lots = await lotsOf(api, 'quinn');
    expect(lots.find((lot) => lot.id === firstEarn!.body.lots[0].lotId)?.remaining).toBe(70);
    expect(lots.find((lot) => lot.id === secondLot)?.remaining).toBe(0);
    expect(await balances(api, 'quinn')).toMatchObject({ available: 70, growth: 100 });
  });

  // Ray paid ray-o1 (¥128.00 of tea and a cup) and ray-o2 (¥20.00, since refunded in full).
  const refusals: [string, string, string, object, string][] = [
    ['an order nobody paid', 'ray', 'no-such-order', { amountMinor: 100 }, 'order_not_found'],
    ["another member's order", 'sam', 'ray-o1', { amountMinor: 100 }, 'order_not_found'],
    ['more than is left of the amount', 'ray', 'ray-o1', { amountMinor: 12_801 }, 'refund_exceeds_order'],
    ['more units than were bought', 'ray', 'ray-o1', { items: [tea(3)] }, 'refund_exceeds_order'],
    [
      'a sku the order does not have',
      'ray',
      'ray-o1',
      { items: [{ sku: 'MUG-0', quantity: 1 }] },
      'refund_exceeds_order',
    ],
    ['a fully refunded order, in full', 'ray', 'ray-o2', {}, 'refund_exceeds_order'],
    ['a fully refunded order, by amount', 'ray', 'ray-o2', { amountMinor: 1 }, 'refund_exceeds_order'],
  ];
  let rayPaid = false;

  test.each(refusals)(
    'a refund of %s (by %s, of %s) → 422, nothing changes',
    async (what, memberId, orderId, refund, code) => {
      if (!rayPaid) {
        rayPaid = true;
        await api.call('PUT', '/v1/members/sam', {});
        await send(api, paid('ray-paid-1', 'ray', 'ray-o1', 12_800, { items: ITEMS }));
        await send(api, paid('ray-paid-2', 'ray', 'ray-o2', 2_000));
        await send(api, refunded('ray-refund-2', 'ray', 'ray-o2'));
      }
      const before = { ledger: await ledgerSnapshot(api), ray: await balances(api, 'ray') };
      const id = `refusal-${refusals.findIndex((row) => row[0] === what)}`;
      const reply = await api.call('POST', '/v1/events', refunded(id, memberId, orderId, refund));
      expect(reply.status).toBe(422);
      expect(reply.body).toMatchObject({ code, orderId });
      expect({ ledger: await ledgerSnapshot(api), ray: await balances(api, 'ray') }).toEqual(before);
      expect(before.ray).toMatchObject({ available: 128 });
      expect((await api.call('GET', `/v1/events/${id}`)).status).toBe(404);
    },
  );

  test('an order cancelled before payment changes nothing, and cannot be paid afterwards', async () => {
    await api.call('PUT', '/v1/members/tia', {});
    const before = await ledgerSnapshot(api);
    const cancel = await send(api, cancelled('tia-1', 'tia', 'tia-o1'));
    expect(cancel).toMatchObject({
      points: 0,
      refund: null,
      order: { orderId: 'tia-o1', status: 'cancelled' },
      note: {
        'zh-CN': '订单在付款前取消,无积分变动',
        en: 'The order was cancelled before payment; nothing changes',
      },
    });
    expect(await ledgerSnapshot(api)).toEqual(before);
    const late = await api.call('POST', '/v1/events', paid('tia-2', 'tia', 'tia-o1', 5_000));
    expect(late).toMatchObject({ status: 409, body: { code: 'order_cancelled', orderId: 'tia-o1' } });
    expect(await balances(api, 'tia')).toMatchObject({ available: 0, growth: 0 });
  });

  test('an order cancelled after payment gives back what it earned: all of it, or what refunds left', async () => {
    await send(api, paid('uma-1', 'uma', 'uma-o1', 12_800));
    await send(api, paid('uma-2', 'uma', 'uma-o2', 5_000));
    await send(api, refunded('uma-3', 'uma', 'uma-o2', { amountMinor: 1_000 }));
    const whole = await send(api, cancelled('uma-4', 'uma', 'uma-o1'));
    expect(whole).toMatchObject({
      points: -128,
      growth: -128,
      refund: { points: 128 },
      order: { status: 'cancelled' },
    });
    const rest = await send(api, cancelled('uma-5', 'uma', 'uma-o2'));
    expect(rest).toMatchObject({
      points: -40,
      refund: { amountMinor: 4_000, points: 40 },
      order: { pointsRefunded: 50 },
    });
    expect(await balances(api, 'uma')).toMatchObject({ available: 0, growth: 0 });
    const twice = await send(api, cancelled('uma-6', 'uma', 'uma-o1'));
    expect(twice).toMatchObject({
      points: 0,
      refund: null,
      note: { en: 'The order was already cancelled; nothing changes' },
    });
    const refund = await api.call(
      'POST',
      '/v1/events',
      refunded('uma-7', 'uma', 'uma-o1', { amountMinor: 100 }),
    );
    expect(refund).toMatchObject({ status: 409, body: { code: 'order_cancelled' } });
  });

  test('an order paid twice under two event ids earns once', async () => {
    await send(api, paid('vic-1', 'vic', 'vic-o1', 12_800));
    const again = await api.call('POST', '/v1/events', paid('vic-2', 'vic', 'vic-o1', 12_800));
    expect(again).toMatchObject({
      status: 409,
      body: { code: 'order_already_paid', orderId: 'vic-o1', eventId: 'vic-1' },
    });
    const inBatch = await sendBatch(api, [
      paid('vic-3', 'vic', 'vic-o2', 1_000),
      paid('vic-4', 'vic', 'vic-o2', 1_000),
    ]);
    expect(inBatch.map((result) => result.status)).toEqual([201, 409]);
    expect(await balances(api, 'vic')).toMatchObject({ available: 138, growth: 138 });
  });

  test('a payment and its refund in one batch', async () => {
    const results = await sendBatch(api, [
      paid('wu-1', 'wu', 'wu-o1', 12_800, { items: ITEMS }),
      refunded('wu-2', 'wu', 'wu-o1', { items: [cup] }),
    ]);
    expect(results.map((result) => [result.status, result.body.points])).toEqual([
      [201, 128],
      [201, -68],
    ]);
    expect(await balances(api, 'wu')).toMatchObject({ available: 60, growth: 60 });
  });

  test('every item of an order paid with an order-level coupon can be refunded, taking back all it earned', async () => {
    // ¥128.00 of goods, ¥10.00 off the order: ¥118.00 paid, 118 points.
    await send(api, paid('xia-1', 'xia', 'xia-o1', 11_800, { items: ITEMS }));
    const reply = await api.call(
      'POST',
      '/v1/events',
      refunded('xia-2', 'xia', 'xia-o1', { items: [tea(2), cup] }),
    );
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ points: -118, order: { status: 'refunded' } });
    expect(await balances(api, 'xia')).toMatchObject({ available: 0, growth: 0 });
  });
});

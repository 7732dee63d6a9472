import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';
import {
  balances,
  happened,
  ledgerSnapshot,
  name,
  paid,
  perYuan,
  publish,
  refunded,
  send,
  sendBatch,
} from './event-test-kit.ts';

/**
 * Edges a review found: hostile input never becomes a 500 or sinks a batch; a refund never takes
 * points the order already lost; refunds of free orders and split lines; awards the expiry policy
 * would kill on arrival; the growth part of a refund can be reversed.
 */
describe.each(ENGINES)('event edge cases (%s)', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await openTestApi(engine, '2026-03-01T02:00:00Z');
    await publish(api, perYuan);
    await publish(api, {
      name: name('下单奖励', 'Order bonus'),
      trigger: 'order.paid',
      reward: { kind: 'fixed', points: 10 },
    });
    await publish(api, {
      name: name('评价', 'Review'),
      trigger: 'review.posted',
      reward: { kind: 'fixed', points: 5 },
      limits: { oncePer: 'reviewId' },
    });
  });
  afterAll(async () => api?.close());

  const hostile: [string, object, string][] = [
    [
      'NUL in an attribute',
      happened('h-1', 'member.checked_in', 'hana', { note: 'a\u0000b' }),
      'body/events/1/attributes/note',
    ],
    [
      'NUL in a key',
      happened('h-2', 'member.checked_in', 'hana', { 'k\u0000': 1 }),
      'body/events/1/attributes',
    ],
    [
      'a lone surrogate',
      happened('h-3', 'member.checked_in', 'hana', { note: '\ud800' }),
      'body/events/1/attributes/note',
    ],
    ['NUL in the member id', happened('h-4', 'member.checked_in', 'ha\u0000na'), 'body/events/1/memberId'],
    [
      'year 10000',
      { ...happened('h-5', 'member.checked_in', 'hana'), occurredAt: '9999-12-31T23:59:59-14:00' },
      'body/events/1/occurredAt',
    ],
    [
      'year 0',
      { ...happened('h-6', 'member.checked_in', 'hana'), occurredAt: '0000-01-01T00:00:00Z' },
      'body/events/1/occurredAt',
    ],
    [
      'text of 20,000 characters',
      happened('h-7', 'review.posted', 'hana', { reviewId: 'x'.repeat(20_000) }),
      'body/events/1/attributes/reviewId',
    ],
    [
      'attributes 40 levels deep',
      happened('h-8', 'member.checked_in', 'hana', { deep: nest(40) }),
      'body/events/1/attributes/deep',
    ],
  ];

  test.each(hostile)(
    '%s: a 400 naming the field, and the rest of the batch goes through',
    async (_, event, field) => {
      const good = happened(`ok-${field}`, 'member.checked_in', 'hana');
      const [ok, bad] = await sendBatch(api, [good, event]);
      expect(ok!.status).toBe(201);
      expect(bad).toMatchObject({ status: 400, body: { code: 'validation_failed' } });
      expect(bad!.body.errors[0].field.startsWith(field)).toBe(true);
    },
  );

  test('a long once-per value (a review id of 8,000 characters) is limited like a short one', async () => {
    const reviewId = randomBytes(4_000).toString('hex');
    const [first, again] = await sendBatch(api, [
      happened('rv-1', 'review.posted', 'rita', { reviewId }),
      happened('rv-2', 'review.posted', 'rita', { reviewId }),
    ]);
    expect(first).toMatchObject({ status: 201, body: { points: 5 } });
    expect(again).toMatchObject({ status: 201, body: { points: 0 } });
  });

  test('integer order ids beyond 2^53 are refused, not confused with their neighbours', async () => {
    const reply = await api.call('POST', '/v1/events', {
      id: 'big-1',
      type: 'order.paid',
      memberId: 'bill',
      attributes: { orderId: 2 ** 53, amountMinor: 100 },
    });
    expect(reply).toMatchObject({ status: 400, body: { code: 'validation_failed' } });
  });

  test('a refund does not take again the points expiry already took', async () => {
    await api.call('PATCH', '/v1/program', { expiryPolicy: { kind: 'rolling', unit: 'days', count: 30 } });
    await send(api, paid('ex-paid', 'ezra', 'ex-o', 10_000));
    api.clock.advance(40 * 86_400_000);
    await api.call('POST', '/v1/members/ezra/credits', { points: 500, reason: 'gift' });
    const { runSweep } = await import('../../src/sweeps/sweeper.ts');
    await runSweep(api.db, api.clock, 'expiry');
    expect((await balances(api, 'ezra')).available).toBe(500);
    const refund = await send(api, refunded('ex-ref', 'ezra', 'ex-o'));
    expect(refund.refund).toMatchObject({ points: 0 });
    expect((await balances(api, 'ezra')).available).toBe(500);
    await api.call('PATCH', '/v1/program', { expiryPolicy: { kind: 'never' } });
  });

  test('a refund does not take again what a reversal of the awards took', async () => {
    const order = await send(api, paid('rv-paid', 'remy', 'rv-o', 10_000));
    await api.call('POST', '/v1/members/remy/credits', { points: 500, reason: 'gift' });
    // The event's two awards (100 + a 10-point bonus) are one entry, each rule's share in its source.
    const [earn] = order.awards.find((award: { points: number }) => award.points === 100).entryIds;
    const entry = await api.call('GET', `/v1/entries/${earn}`);
    expect(entry.body).toMatchObject({ points: 110 });
    expect(entry.body.source.rules.map((share: { amount: number }) => share.amount).sort()).toEqual([
      10, 100,
    ]);
    expect((await api.call('POST', `/v1/entries/${earn}/reversal`, { reason: 'mistake' })).status).toBe(201);
    expect((await balances(api, 'remy')).available).toBe(500);
    const refund = await send(api, refunded('rv-ref', 'remy', 'rv-o'));
    // Nothing is left to take back.
    expect(refund.refund).toMatchObject({ points: 0 });
    expect((await balances(api, 'remy')).available).toBe(500);
  });

  test('the growth part of a refund can be reversed', async () => {
    await send(api, paid('gr-paid', 'gina', 'gr-o', 10_000));
    const refund = await send(api, refunded('gr-ref', 'gina', 'gr-o', { amountMinor: 5_000 }));
    expect((await balances(api, 'gina')).growth).toBe(50);
    for (const entryId of refund.refund.entryIds) {
      expect((await api.call('POST', `/v1/entries/${entryId}/reversal`, {})).status).toBe(201);
    }
    expect(await balances(api, 'gina')).toMatchObject({ available: 110, growth: 100 });
  });

  test('an order that cost nothing is refunded item by item', async () => {
    const items = [{ sku: 'A', quantity: 2, unitPriceMinor: 1_000 }];
    const order = await send(api, paid('z-paid', 'zoe', 'z-o', 0, { items }));
    expect(order.points).toBe(10);
    const first = await send(api, refunded('z-r1', 'zoe', 'z-o', { items: [{ sku: 'A', quantity: 1 }] }));
    expect(first.refund.points).toBe(5);
    expect(first.order.status).toBe('paid');
    const second = await send(api, refunded('z-r2', 'zoe', 'z-o', { items: [{ sku: 'A', quantity: 1 }] }));
    expect(second.refund.points).toBe(5);
    expect(second.order.status).toBe('refunded');
  });

  test('a SKU on two lines is refunded from both', async () => {
    const items = [
      { sku: 'A', quantity: 1, unitPriceMinor: 500 },
      { sku: 'A', quantity: 1, unitPriceMinor: 500 },
    ];
    await send(api, paid('dup-paid', 'dora', 'dup-o', 1_000, { items }));
    const refund = await send(
      api,
      refunded('dup-ref', 'dora', 'dup-o', { items: [{ sku: 'A', quantity: 2 }] }),
    );
    expect(refund.order).toMatchObject({ status: 'refunded', refundedMinor: 1_000 });
  });

  test('an award the expiry policy would kill before it is available is left out; the order still counts', async () => {
    const pending = await publish(api, {
      ...perYuan,
      name: name('延迟', 'Delayed'),
      pendingDays: 30,
      target: { points: 1 },
    });
    // The clock reads 2026-04-10 here: points available at once live until 04-20, the pending ones
    // would become available on 05-10, after they expired.
    await api.call('PATCH', '/v1/program', { expiryPolicy: { kind: 'fixed_date', date: '2026-04-20' } });
    const before = await ledgerSnapshot(api);
    const order = await send(api, { ...paid('fx-paid', 'finn', 'fx-o', 10_000), occurredAt: undefined });
    expect(order.misses).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          ruleId: pending,
          why: expect.objectContaining({ en: 'the points would expire before they become available' }),
        }),
      ]),
    );
    expect(order.order.orderId).toBe('fx-o');
    expect((await ledgerSnapshot(api)).entries).toBeGreaterThan(before.entries);
    expect((await api.call('POST', '/v1/events', refunded('fx-ref', 'finn', 'fx-o'))).status).toBe(201);
    await api.call('PATCH', '/v1/program', { expiryPolicy: { kind: 'never' } });
    await api.call('POST', `/v1/rules/${pending}/retire`);
  });

  test('rules on refunds see no line items (a refund lists what is returned, not what was bought)', async () => {
    const rule = await publish(api, {
      name: name('取消'),
      trigger: 'order.cancelled',
      reward: { kind: 'per_item', points: 1, per: 'unit' },
    });
    await send(
      api,
      paid('ci-paid', 'cara', 'ci-o', 1_000, { items: [{ sku: 'A', quantity: 2, unitPriceMinor: 500 }] }),
    );
    const cancel = await api.call('POST', '/v1/events', {
      id: 'ci-cancel',
      type: 'order.cancelled',
      memberId: 'cara',
      attributes: { orderId: 'ci-o', items: [null] },
    });
    expect(cancel.status).toBe(201);
    expect(cancel.body.awards).toEqual([]);
    await api.call('POST', `/v1/rules/${rule}/retire`);
  });
});

function nest(depth: number): object {
  let value: object = { leaf: true };
  for (let level = 0; level < depth; level++) value = { next: value };
  return value;
}

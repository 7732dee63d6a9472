import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';
import { configure, TIERS } from '../tiers/tier-kit.ts';
import { balancesOf, entriesOf, importFile } from './import-kit.ts';

/**
 * Dated history against hand-computed tables. Now is 2026-03-01 10:00 in Shanghai (UTC+8); points
 * expire 12 months after they become available, at the end of that local day; orders earn 1 point
 * and 1 growth per ¥1, pending for a 7-day return window; tiers are judged on a calendar year.
 */

const NOW = '2026-03-01T02:00:00Z';

const row = (entry: {
  type: string;
  change: { available: number; pending: number; growth: number };
  effectiveAt: string;
}) => [entry.type, entry.change.available, entry.change.pending, entry.change.growth, entry.effectiveAt];

describe.each(ENGINES)('dated history (%s)', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await openTestApi(engine, NOW);
    const patched = await api.call('PATCH', '/v1/program', {
      expiryPolicy: { kind: 'rolling', unit: 'months', count: 12 },
    });
    expect(patched.status).toBe(200);
    await configure(api, {
      tiers: TIERS.tiers.map((tier) => ({ ...tier, benefits: undefined })),
    });
    const rule = await api.call('POST', '/v1/rules', {
      name: { 'zh-CN': '消费积分', en: 'Purchase points' },
      trigger: 'order.paid',
      reward: { kind: 'per_amount', points: 1, perAmountMinor: 100 },
      target: { points: 1, growth: 1 },
      pendingDays: 7,
    });
    expect((await api.call('POST', `/v1/rules/${rule.body.id}/publish`)).status).toBe(200);
    await importFile(api, 'members', 'memberId\nb-1\ne-1\ne-2\ne-3\n');
  });
  afterAll(async () => api?.close());

  test('opening balances: earned when they were, expiring by the policy from then or on their own date', async () => {
    const report = await importFile(
      api,
      'balances',
      [
        'importId,memberId,points,earnedAt,expiresAt',
        'o-1,b-1,300,2024-12-31,', // expires 2026-01-01 00:00 local: gone
        'o-2,b-1,200,2025-06-15 12:00,', // expires 2026-06-16 00:00 local: live
        'o-3,b-1,50,2025-01-10,2026-02-01', // its own date, passed: gone
      ].join('\n'),
    );
    expect(report).toMatchObject({ rowsApplied: 3, points: 550, entriesMade: 5 });
    expect((await entriesOf(api, 'b-1')).map(row)).toEqual([
      // recorded in time order of when they count from; the expiries last, each when it fell due
      ['earn', 300, 0, 0, '2024-12-30T16:00:00.000Z'],
      ['earn', 50, 0, 0, '2025-01-09T16:00:00.000Z'],
      ['earn', 200, 0, 0, '2025-06-15T04:00:00.000Z'],
      ['expire', -300, 0, 0, '2025-12-31T16:00:00.000Z'],
      ['expire', -50, 0, 0, '2026-01-31T16:00:00.000Z'],
    ]);
    for (const entry of await entriesOf(api, 'b-1')) expect(entry.createdAt).toBe('2026-03-01T02:00:00.000Z');
    // The lot left: earned then, expiring by the policy from then.
    const lots = (await api.call('GET', '/v1/members/b-1/lots')).body.data;
    expect(
      lots.map((lot: { amount: number; remaining: number; earnedAt: string; expiresAt: string }) => [
        lot.amount,
        lot.remaining,
        lot.earnedAt,
        lot.expiresAt,
      ]),
    ).toEqual([[200, 200, '2025-06-15T04:00:00.000Z', '2026-06-15T16:00:00.000Z']]);
    expect(await balancesOf(api, 'b-1')).toMatchObject({ available: 200, pending: 0 });
  });

  test('historical events: pending released when the window ended, a refund inside it takes pending points, old points expired', async () => {
    const report = await importFile(
      api,
      'events',
      [
        'id,memberId,type,occurredAt,orderId,amountMinor,currency',
        'ev-1,e-1,order.paid,2025-11-10 10:00,A,200000,CNY',
        'ev-2,e-1,order.paid,2026-02-10 10:00,B,60000,CNY',
        'ev-3,e-1,order.refunded,2026-02-12 10:00,B,,',
        'ev-4,e-2,order.paid,2026-01-05 10:00,C,120000,CNY',
        'ev-5,e-3,order.paid,2024-01-10 10:00,D,30000,CNY',
      ].join('\n'),
    );
    expect(report).toMatchObject({ state: 'committed', rowsApplied: 5, rowsInvalid: 0 });
    expect((await entriesOf(api, 'e-1')).map(row)).toEqual([
      ['earn', 0, 2000, 0, '2025-11-10T02:00:00.000Z'],
      ['growth', 0, 0, 2000, '2025-11-10T02:00:00.000Z'],
      ['pending_release', 2000, -2000, 0, '2025-11-17T02:00:00.000Z'],
      ['earn', 0, 600, 0, '2026-02-10T02:00:00.000Z'],
      ['growth', 0, 0, 600, '2026-02-10T02:00:00.000Z'],
      ['clawback', 0, -600, 0, '2026-02-12T02:00:00.000Z'],
      ['clawback', 0, 0, -600, '2026-02-12T02:00:00.000Z'],
    ]);
    expect(await balancesOf(api, 'e-1')).toMatchObject({ available: 2000, pending: 0, growth: 2000 });
    expect((await entriesOf(api, 'e-3')).map(row)).toEqual([
      ['earn', 0, 300, 0, '2024-01-10T02:00:00.000Z'],
      ['growth', 0, 0, 300, '2024-01-10T02:00:00.000Z'],
      ['pending_release', 300, -300, 0, '2024-01-17T02:00:00.000Z'],
      // available 2024-01-17, so gone at the end of 2025-01-17 local
      ['expire', -300, 0, 0, '2025-01-17T16:00:00.000Z'],
    ]);
    expect(await balancesOf(api, 'e-3')).toMatchObject({ available: 0, pending: 0, growth: 300 });
  });

  test('growth counts in the tier window of its time: 2025’s orders do not lift a member in 2026', async () => {
    // e-1: 2,000 growth in 2025, 600 − 600 in 2026; e-2: 1,200 in 2026 (silver from 1,000).
    const first = (await api.call('GET', '/v1/members/e-1/tier')).body;
    expect(first).toMatchObject({ tier: { code: 'normal' }, growthInWindow: 0 });
    const second = (await api.call('GET', '/v1/members/e-2/tier')).body;
    expect(second).toMatchObject({ tier: { code: 'silver' }, growthInWindow: 1200 });
  });

  test('a live event is dated when it is received, whatever its occurredAt', async () => {
    const sent = await api.call('POST', '/v1/events', {
      id: 'live-1',
      type: 'order.paid',
      memberId: 'e-2',
      occurredAt: '2025-01-05T02:00:00Z',
      attributes: { orderId: 'L', amountMinor: 10000, currency: 'CNY' },
    });
    expect(sent.status).toBe(201);
    const [earned] = (await entriesOf(api, 'e-2')).filter((entry) => entry.type === 'earn').slice(-1);
    expect(earned!.effectiveAt).toBe(earned!.createdAt);
    expect(earned!.createdAt).toBe('2026-03-01T02:00:00.000Z');
  });
});

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type DemoSummary, loadDemo } from '../../src/demo/load-demo.ts';
import { verifyLedger } from '../../src/verify/verify-ledger.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';
import { FIXTURE_BAD_ROWS, FIXTURE_CSV, FIXTURE_NOW } from './demo-fixture.ts';

/** The demo end to end on the small fixture, read back over the API as a new user would. */

interface EntryView {
  type: string;
  change: { available: number; pending: number; growth: number };
  reason: { 'zh-CN': string; en: string };
  createdAt: string;
  effectiveAt: string;
}

describe.each(ENGINES)('jifen demo on a small file (%s)', (engine) => {
  let api: TestApi;
  let first: DemoSummary;
  beforeAll(async () => {
    api = await openTestApi(engine, FIXTURE_NOW);
    first = await loadDemo(api.db, { programId: api.programId, csvText: FIXTURE_CSV, clock: api.clock });
  });
  afterAll(async () => api?.close());

  const member = async (memberId: string) => (await api.call('GET', `/v1/members/${memberId}`)).body;
  const entries = async (memberId: string): Promise<EntryView[]> =>
    (await api.call('GET', `/v1/members/${memberId}/entries?limit=100`)).body.data;
  const snapshot = async () => ({
    members: await Promise.all(['17850', '13047', '12346', '14000', '16000', '16100'].map(member)),
    entries: await Promise.all(['17850', '13047', '12346'].map(entries)),
    rules: (await api.call('GET', '/v1/rules')).body.data.length,
  });

  test('the summary counts what was loaded and reports every bad row with its line', () => {
    expect(first).toMatchObject({
      currency: 'CNY',
      ratePerGbp: 9.5,
      firstDay: '2025-03-11',
      lastDay: '2026-03-19',
      rows: 23,
      mergedRows: 1,
      events: 14,
      replayed: 0,
      stats: { members: 6, orders: 8, cancellations: 2, refunds: 3, reviews: 2, duplicateReviews: 1 },
      reviewsRewarded: 2,
      pointsIssued: 5_480,
      growthIssued: 2_090,
      pointsTakenBack: 873,
      growthTakenBack: 228,
      pointsUnrecovered: 0,
      rulesCreated: 5,
      expiryPolicySet: true,
      showcaseMemberId: '17850',
    });
    expect(first.badRows.map(({ line, reason }) => ({ line, reason }))).toEqual(FIXTURE_BAD_ROWS);
    expect(first.sweeps.pendingReleased).toBeGreaterThan(0);
    expect(first.sweeps.expired).toBeGreaterThan(0);
  });

  test('balances: purchases, member day, first-order bonus, refunds spanning orders, reviews', async () => {
    expect((await member('17850')).balances).toEqual({
      available: 1_182,
      pending: 0,
      held: 0,
      growth: 532,
      debt: 0,
    });
    // The last day's purchase is still in its 7-day return window; the bonus is not.
    expect((await member('13047')).balances).toMatchObject({ available: 500, pending: 950, growth: 950 });
    expect((await member('14000')).balances).toMatchObject({ available: 690, growth: 190 });
    // First order on the member day: 95 × 2, and the bonus (capped at its 500).
    expect((await member('16000')).balances).toMatchObject({ available: 690, growth: 95 });
    // Refunded in full (the rest of the cancellation is a bad row): nothing left.
    expect((await member('16100')).balances).toMatchObject({ available: 0, pending: 0, growth: 0 });
    expect((await api.call('GET', '/v1/members/15000')).status).toBe(404);
  });

  test('entries read like a shop: dated when they happened, with reasons in both languages', async () => {
    const list = await entries('17850');
    const reasons = list.map((entry) => [entry.type, entry.reason['zh-CN']]);
    expect(reasons).toEqual(
      expect.arrayContaining([
        ['earn', '消费 ¥380.00,每 1 元积 1 分'],
        ['earn', '首单奖励'],
        ['earn', '消费 ¥95.00,每 1 元积 1 分,周三会员日 2 倍'],
        ['clawback', '订单 536501 退款 ¥95.00,按比例扣回'],
        ['clawback', '订单 536500 退款 ¥38.00,按比例扣回'],
        ['earn', '订单评价奖励'],
        ['pending_release', '292 积分待发放期结束,已到账'],
      ]),
    );
    expect(list.filter((entry) => entry.reason.en === 'Order review bonus')).toHaveLength(2);
    // 10% of order 536500 (880 points with its bonus, 380 growth) comes back: points, then growth.
    const refunds = list.filter((entry) => entry.reason.en.includes('order 536500'));
    expect(refunds.map(({ change }) => [change.available, change.pending, change.growth])).toEqual(
      expect.arrayContaining([
        [0, -88, 0],
        [0, 0, -38],
      ]),
    );
    expect(refunds).toHaveLength(2);
    // 6/1/2011 became 2025-09-09 (10:00 in Shanghai): the points count from then (dated intake),
    // recorded at the end of that week's replay; they were released within a day of the return
    // window's end, not today.
    const earned = list.find((entry) => entry.reason.en === 'Spent ¥380.00: 1 point per ¥1')!;
    expect(earned.effectiveAt).toBe('2025-09-09T02:00:00.000Z');
    expect(Date.parse(earned.createdAt)).toBeGreaterThanOrEqual(Date.parse(earned.effectiveAt));
    expect(Date.parse(earned.createdAt)).toBeLessThan(Date.parse('2025-09-16T02:00:00Z'));
    const released = list.find(
      (entry) => entry.type === 'pending_release' && entry.change.available === 292,
    )!;
    const releasedMs = Date.parse(released.effectiveAt);
    expect(releasedMs).toBeGreaterThanOrEqual(Date.parse('2025-09-16T02:00:00Z'));
    expect(releasedMs).toBeLessThan(Date.parse('2025-09-17T02:00:00Z'));
  });

  test('a second review of the same order earns nothing, and says why', async () => {
    const again = await api.call('GET', '/v1/events/demo-review-536721-2');
    expect(again.body.outcome).toMatchObject({
      points: 0,
      awards: [],
      misses: [{ why: { en: 'already awarded for orderId 536721' } }],
    });
    const firstReview = await api.call('GET', '/v1/events/demo-review-536721');
    expect(firstReview.body.outcome).toMatchObject({ points: 100 });
  });

  test('points a year and a week old have expired; the program got a 12-month expiry', async () => {
    expect((await member('12346')).balances).toMatchObject({ available: 0, pending: 0, growth: 95 });
    const expired = (await entries('12346')).filter((entry) => entry.type === 'expire');
    expect(expired.reduce((sum, entry) => sum - entry.change.available, 0)).toBe(595);
    expect((await api.call('GET', '/v1/program')).body.expiryPolicy).toEqual({
      kind: 'rolling',
      unit: 'months',
      count: 12,
    });
  });

  test('the ledger verifies', async () => {
    expect((await verifyLedger(api.db)).violations).toEqual([]);
  });

  test('the catalogue has 2 coupons, 2 goods, 1 privilege and a live lucky draw with 4 prizes', async () => {
    const types = (await api.call('GET', '/v1/rewards?status=live')).body.data.map(
      (r: { type: string }) => r.type,
    );
    expect(types.sort()).toEqual(['coupon', 'coupon', 'goods', 'goods', 'privilege']);
    const draws = (await api.call('GET', '/v1/draws?status=live')).body.data;
    expect(draws).toHaveLength(1);
    expect(draws[0].prizes).toHaveLength(4);
  });

  test('running it again replays: no new rules, events, entries or points', async () => {
    const before = await snapshot();
    const second = await loadDemo(api.db, {
      programId: api.programId,
      csvText: FIXTURE_CSV,
      clock: api.clock,
    });
    expect(second).toMatchObject({
      events: 14,
      replayed: 14,
      rulesCreated: 0,
      expiryPolicySet: false,
      pointsIssued: first.pointsIssued,
      pointsTakenBack: first.pointsTakenBack,
      sweeps: { pendingReleased: 0, expired: 0 },
    });
    expect(second.badRows).toEqual(first.badRows);
    expect(await snapshot()).toEqual(before);
  });

  test('a run days later keeps the first run’s dates, so it still replays', async () => {
    const before = await snapshot();
    api.clock.advanceDays(3);
    try {
      const later = await loadDemo(api.db, {
        programId: api.programId,
        csvText: FIXTURE_CSV,
        clock: api.clock,
      });
      expect(later).toMatchObject({ replayed: 14, firstDay: '2025-03-11', lastDay: '2026-03-19' });
      expect(later.badRows.filter((row) => row.reason === 'event_refused')).toEqual([]);
      expect(await snapshot()).toEqual(before);
    } finally {
      api.clock.advanceDays(-3);
    }
  });
});

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';
import { name, paid, perYuan, publish, refunded } from './event-test-kit.ts';

const at = (iso: string) => ({ occurredAt: iso });

describe.each(ENGINES)('back-test of draft rules over stored events (%s)', (engine) => {
  let api: TestApi;
  let baseRule: string;
  beforeAll(async () => {
    api = await openTestApi(engine, '2026-03-20T02:00:00Z');
    baseRule = await publish(api, perYuan);
    const events = [
      // 2026-03-10 and 03-11 in Shanghai; the second order of 03-11 is at 00:30 local time.
      { ...paid('bt-1', 'ann', 'bt-o1', 10_000), ...at('2026-03-10T04:00:00Z') },
      { ...paid('bt-2', 'ann', 'bt-o2', 5_000), ...at('2026-03-10T16:30:00Z') },
      { ...paid('bt-3', 'ben', 'bt-o3', 20_000), ...at('2026-03-11T08:00:00Z') },
      // Outside the range.
      { ...paid('bt-4', 'ben', 'bt-o4', 99_900), ...at('2026-03-15T08:00:00Z') },
    ];
    const sent = await api.call('POST', '/v1/events/batch', { events });
    expect(sent.body.results.map((result: { status: number }) => result.status)).toEqual([
      201, 201, 201, 201,
    ]);
    // Half of bt-o3 comes back: its points in either rule set are taken back in proportion.
    const refund = await api.call('POST', '/v1/events', {
      ...refunded('bt-5', 'ben', 'bt-o3', { amountMinor: 10_000 }),
      ...at('2026-03-11T09:00:00Z'),
    });
    expect(refund.status).toBe(201);
  });
  afterAll(async () => api?.close());

  const range = { from: '2026-03-09T16:00:00Z', to: '2026-03-11T16:00:00Z' };

  test('with no drafts both sides agree with what the events earned, by day and by rule', async () => {
    const report = await api.call('POST', '/v1/rules/back-test', range);
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ events: 4, currency: 'CNY', drafts: [] });
    const expected = {
      points: 350,
      growth: 350,
      pointsTakenBack: 100,
      // 100 points are worth ¥1.00 by default: 250 net points cost 250 fen.
      costMinor: 250,
      byDay: [
        { date: '2026-03-10', points: 100, growth: 100, pointsTakenBack: 0, costMinor: 100 },
        { date: '2026-03-11', points: 250, growth: 250, pointsTakenBack: 100, costMinor: 150 },
      ],
      byRule: [{ ruleId: baseRule, version: 1, awards: 3, points: 350, growth: 350, costMinor: 350 }],
    };
    expect(report.body.inForce).toEqual(expected);
    expect(report.body.proposed).toEqual(expected);
  });

  test('drafts stand in for their rules, limits count up as events replay, nothing is written', async () => {
    const before = await api.call('GET', '/v1/members/ann');
    const doubled = await api.call('PUT', `/v1/rules/${baseRule}/draft`, {
      ...perYuan,
      reward: { kind: 'per_amount', points: 2, perAmountMinor: 100 },
      limits: { perMemberPoints: { day: 250 } },
    });
    expect(doubled.status).toBe(200);
    const bonus = await api.call('POST', '/v1/rules', {
      name: name('新客礼', 'Welcome bonus'),
      trigger: 'order.paid',
      reward: { kind: 'fixed', points: 50 },
      limits: { perMemberPoints: { lifetime: 50 } },
    });
    expect(bonus.status).toBe(201);

    const report = await api.call('POST', '/v1/rules/back-test', range);
    expect(report.body.inForce.points).toBe(350);
    expect(report.body.drafts).toEqual(
      [
        { ruleId: baseRule, version: 2 },
        { ruleId: bonus.body.id, version: 1 },
      ].sort((a, b) => (a.ruleId < b.ruleId ? -1 : 1)),
    );
    // ann: 200 on 03-10 (local), then 100 on 03-11 (her 00:30 order); ben: 400 cut to the 250 a day.
    // The welcome bonus once per member: 50 each.
    expect(report.body.proposed).toMatchObject({
      points: 200 + 100 + 250 + 100,
      byDay: [
        { date: '2026-03-10', points: 250 },
        { date: '2026-03-11', points: 400 },
      ],
    });
    expect(report.body.proposed.byRule).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ ruleId: baseRule, version: 2, awards: 3, points: 550 }),
        expect.objectContaining({ ruleId: bonus.body.id, version: 1, awards: 2, points: 100 }),
      ]),
    );
    expect((await api.call('GET', '/v1/members/ann')).body.balances).toEqual(before.body.balances);
  });

  test('refunds in thirds take back what intake took (cumulative rounding, not per refund)', async () => {
    const at = '2026-03-12T04:00:00Z';
    await api.call('POST', '/v1/events', { ...paid('th-paid', 'tess', 'th-o', 10_000), occurredAt: at });
    const taken: number[] = [];
    for (const [index, refund] of [{ amountMinor: 3_333 }, { amountMinor: 3_333 }, {}].entries()) {
      const reply = await api.call('POST', '/v1/events', {
        ...refunded(`th-r${index}`, 'tess', 'th-o', refund),
        occurredAt: at,
      });
      taken.push(reply.body.refund.points);
    }
    expect(taken).toEqual([33, 34, 33]);
    const report = await api.call('POST', '/v1/rules/back-test', {
      from: '2026-03-11T16:00:00Z',
      to: '2026-03-12T16:00:00Z',
    });
    expect(report.body.inForce).toMatchObject({ points: 100, pointsTakenBack: 100 });
  });

  test('a range that ends before it starts is refused', async () => {
    const report = await api.call('POST', '/v1/rules/back-test', { from: range.to, to: range.from });
    expect(report).toMatchObject({ status: 400, body: { code: 'validation_failed' } });
  });
});

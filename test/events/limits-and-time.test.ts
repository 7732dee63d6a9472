import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';
import {
  balances,
  happened,
  lotsOf,
  name,
  paid,
  perYuan,
  publish,
  send,
  sendBatch,
} from './event-test-kit.ts';

/**
 * Limits and schedules, judged in the program's timezone (Asia/Shanghai, UTC+8) at the moment each
 * event happened. Each rule listens to its own event type so the tests do not disturb each other.
 */

const fixed = (trigger: string, points: number, extra: object = {}) => ({
  name: name(trigger),
  trigger,
  reward: { kind: 'fixed', points },
  ...extra,
});

let serial = 0;
const at = (type: string, memberId: string, occurredAt: string, attributes: object = {}) =>
  happened(`${type}-${++serial}`, type, memberId, { ...attributes }, occurredAt);

const reached = (zh: string, en: string) => ({ 'zh-CN': `已达${zh}上限`, en: `${en} limit is reached` });

// 2026-03-11 is a Wednesday; 2026-03-15, -22 and -29 are Sundays.
const periodScenarios = [
  {
    name: 'week: Sunday, then the next Monday',
    type: 'quiz.weekly',
    at: ['2026-03-15T04:00:00Z', '2026-03-16T04:00:00Z'],
    points: [30, 30],
  },
  {
    name: 'week: Monday, Sunday and Sunday again',
    type: 'quiz.weekly',
    at: ['2026-03-16T04:00:00Z', '2026-03-22T04:00:00Z', '2026-03-22T05:00:00Z'],
    points: [30, 20, 0],
  },
  {
    name: 'week: Sunday 23:30 and Monday 00:30 in Shanghai (both Sunday in UTC)',
    type: 'quiz.weekly',
    at: ['2026-03-29T15:30:00Z', '2026-03-29T16:30:00Z'],
    points: [30, 30],
  },
  {
    name: 'month: 31 March 23:00 and 1 April 00:30 in Shanghai (both March in UTC)',
    type: 'quiz.monthly',
    at: ['2026-03-31T15:00:00Z', '2026-03-31T16:30:00Z'],
    points: [30, 30],
  },
  {
    name: 'month: 1 March 00:30 in Shanghai (28 February in UTC) and 31 March',
    type: 'quiz.monthly',
    at: ['2026-02-28T16:30:00Z', '2026-03-31T15:00:00Z'],
    points: [30, 20],
  },
  {
    name: 'lifetime: years apart',
    type: 'quiz.lifetime',
    at: ['2026-03-01T04:00:00Z', '2027-06-01T04:00:00Z', '2030-01-01T04:00:00Z'],
    points: [30, 20, 0],
  },
].map((scenario, index) => ({ ...scenario, index }));

const memberDayScenarios = [
  { name: 'Wednesday 23:59', occurredAt: '2026-03-11T15:59:00Z', points: 256 },
  { name: 'Thursday 00:01', occurredAt: '2026-03-11T16:01:00Z', points: 128 },
  { name: 'Tuesday 23:59', occurredAt: '2026-03-10T15:59:00Z', points: 128 },
  { name: 'Wednesday 00:01 (Tuesday in UTC)', occurredAt: '2026-03-10T16:01:00Z', points: 256 },
].map((scenario, index) => ({ ...scenario, index }));

describe.each(ENGINES)('limits and time (%s)', (engine) => {
  let api: TestApi;
  const rules: Record<string, string> = {};
  beforeAll(async () => {
    api = await openTestApi(engine);
    rules.day = await publish(api, fixed('game.played', 30, { limits: { perMemberPoints: { day: 100 } } }));
    rules.week = await publish(api, fixed('quiz.weekly', 30, { limits: { perMemberPoints: { week: 50 } } }));
    rules.month = await publish(
      api,
      fixed('quiz.monthly', 30, { limits: { perMemberPoints: { month: 50 } } }),
    );
    rules.lifetime = await publish(
      api,
      fixed('quiz.lifetime', 30, { limits: { perMemberPoints: { lifetime: 50 } } }),
    );
    rules.review = await publish(api, fixed('review.posted', 20, { limits: { oncePer: 'orderId' } }));
    rules.budget = await publish(api, fixed('campaign.joined', 40, { limits: { budgetPoints: 100 } }));
    rules.purchase = await publish(api, perYuan);
    rules.memberDay = await publish(api, {
      name: name('会员日', 'Member day'),
      trigger: 'order.paid',
      reward: { kind: 'multiplier', factor: 2 },
      schedule: { weekdays: [3] },
    });
    rules.birthday = await publish(api, fixed('member.checked_in', 88, { schedule: { birthday: 'day' } }));
    rules.expiring = await publish(api, fixed('content.shared', 10, { expiresInDays: 30 }));
  });
  afterAll(async () => api?.close());

  test('a day limit holds across one batch and later calls, and resets at midnight in Shanghai', async () => {
    // 10:00, 12:00 and 18:00 on 11 March in Shanghai.
    const morning = await sendBatch(api, [
      at('game.played', 'amy', '2026-03-11T02:00:00Z'),
      at('game.played', 'amy', '2026-03-11T04:00:00Z'),
      at('game.played', 'amy', '2026-03-11T10:00:00Z'),
    ]);
    expect(morning.map((result) => result.body.points)).toEqual([30, 30, 30]);
    const lastMinute = await send(api, at('game.played', 'amy', '2026-03-11T15:59:00Z'));
    expect(lastMinute.awards).toMatchObject([{ ruleId: rules.day, points: 10, limitedBy: 'day' }]);
    const full = await send(api, at('game.played', 'amy', '2026-03-11T15:59:30Z'));
    expect(full).toMatchObject({ points: 0, awards: [] });
    expect(full.misses).toEqual([{ ruleId: rules.day, version: 1, why: reached('今日', "today's") }]);
    // Midnight in Shanghai is 16:00 UTC: a new day, though UTC still says 11 March.
    expect((await send(api, at('game.played', 'amy', '2026-03-11T16:00:00Z'))).points).toBe(30);
    // An event that arrives late counts towards the day it happened.
    expect((await send(api, at('game.played', 'amy', '2026-03-11T01:00:00Z'))).points).toBe(0);
    expect(await balances(api, 'amy')).toMatchObject({ available: 130 });
  });

  test.each(periodScenarios)('$name', async ({ type, at: moments, points, index }) => {
    const outcomes = [];
    for (const moment of moments) outcomes.push(await send(api, at(type, `period-${index}`, moment)));
    expect(outcomes.map((outcome) => outcome.points)).toEqual(points);
    const total = points.reduce((sum, value) => sum + value, 0);
    expect(await balances(api, `period-${index}`)).toMatchObject({ available: total });
    if (points.at(-1) === 0) expect(outcomes.at(-1).misses[0].why.en).toMatch(/limit is reached$/);
  });

  test('once per order: a second review of the same order earns nothing and says why', async () => {
    expect(
      await send(api, at('review.posted', 'ben', '2026-03-11T04:00:00Z', { orderId: 'o-1' })),
    ).toMatchObject({
      points: 20,
      awards: [{ ruleId: rules.review, onceKey: 'o-1' }],
    });
    const again = await send(api, at('review.posted', 'ben', '2026-03-12T04:00:00Z', { orderId: 'o-1' }));
    expect(again).toMatchObject({ points: 0, awards: [] });
    expect(again.misses).toEqual([
      {
        ruleId: rules.review,
        version: 1,
        why: { 'zh-CN': 'orderId o-1 已奖励过', en: 'already awarded for orderId o-1' },
      },
    ]);
    expect(
      (await send(api, at('review.posted', 'ben', '2026-03-12T05:00:00Z', { orderId: 'o-2' }))).points,
    ).toBe(20);
    // Within one batch, and an order id sent once as a number and once as text.
    const batch = await sendBatch(api, [
      at('review.posted', 'ben', '2026-03-12T06:00:00Z', { orderId: 'o-3' }),
      at('review.posted', 'ben', '2026-03-12T06:01:00Z', { orderId: 'o-3' }),
      at('review.posted', 'ben', '2026-03-12T06:02:00Z', { orderId: 7 }),
      at('review.posted', 'ben', '2026-03-12T06:03:00Z', { orderId: '7' }),
    ]);
    expect(batch.map((result) => result.body.points)).toEqual([20, 0, 20, 0]);
    const noOrder = await send(api, at('review.posted', 'ben', '2026-03-12T07:00:00Z'));
    expect(noOrder.misses[0].why.en).toBe('the event has no orderId to limit by');
    expect(await balances(api, 'ben')).toMatchObject({ available: 80 });
  });

  test('a campaign budget is shared by all members: the last award is cut to what is left, then nothing', async () => {
    expect((await send(api, at('campaign.joined', 'cat-1', '2026-03-11T04:00:00Z'))).points).toBe(40);
    const batch = await sendBatch(api, [
      at('campaign.joined', 'cat-2', '2026-03-11T04:01:00Z'),
      at('campaign.joined', 'cat-3', '2026-03-11T04:02:00Z'),
      at('campaign.joined', 'cat-4', '2026-03-11T04:03:00Z'),
    ]);
    expect(batch.map((result) => result.body.points)).toEqual([40, 20, 0]);
    expect(batch[1]!.body.awards[0].limitedBy).toBe('budget');
    expect(batch[2]!.body.misses).toEqual([
      { ruleId: rules.budget, version: 1, why: reached('活动预算', 'the campaign budget') },
    ]);
    expect((await send(api, at('campaign.joined', 'cat-5', '2027-01-01T04:00:00Z'))).points).toBe(0);
    const issued = [];
    for (const memberId of ['cat-1', 'cat-2', 'cat-3', 'cat-4', 'cat-5']) {
      issued.push((await balances(api, memberId)).available);
    }
    expect(issued).toEqual([40, 40, 20, 0, 0]);
  });

  test.each(memberDayScenarios)(
    'member day (Wednesdays) at $name Shanghai time: $points points',
    async (scenario) => {
      const memberId = `md-${scenario.index}`;
      const outcome = await send(api, {
        ...paid(`md-${scenario.index}`, memberId, `md-o${scenario.index}`, 12_800),
        occurredAt: scenario.occurredAt,
      });
      const doubled = scenario.points === 256;
      expect(outcome).toMatchObject({ points: scenario.points, growth: 128 });
      expect(outcome.awards[0].multipliedBy).toEqual(
        doubled ? [{ ruleId: rules.memberDay, version: 1, factor: 2 }] : [],
      );
      expect(outcome.awards[0].reason.en).toBe(
        doubled ? 'Spent ¥128.00: 1 point per ¥1, Member day ×2' : 'Spent ¥128.00: 1 point per ¥1',
      );
      expect(outcome.misses.map((miss: { ruleId: string }) => miss.ruleId)).toEqual(
        doubled ? [] : [rules.memberDay],
      );
    },
  );

  test('a birthday rule fires on the member’s birthday in Shanghai, not the evening before', async () => {
    await api.call('PUT', '/v1/members/bea', { birthday: '1990-03-11' });
    const eve = await send(api, at('member.checked_in', 'bea', '2026-03-10T15:30:00Z'));
    expect(eve).toMatchObject({ points: 0, misses: [{ ruleId: rules.birthday }] });
    const birthday = await send(api, at('member.checked_in', 'bea', '2026-03-10T16:30:00Z'));
    expect(birthday).toMatchObject({ points: 88, awards: [{ ruleId: rules.birthday }] });
  });

  test("a rule's expiresInDays gives its lot an expiry though the program's points never expire", async () => {
    const shared = await send(api, at('content.shared', 'dee', '2026-03-01T02:00:00Z'));
    const [lot] = await lotsOf(api, 'dee');
    expect(shared.awards[0].expiresAt).not.toBeNull();
    expect(lot!.expiresAt).toBe(shared.awards[0].expiresAt);
    await send(api, at('game.played', 'dee', '2026-03-01T02:00:00Z'));
    expect((await lotsOf(api, 'dee')).map((each) => each.expiresAt === null)).toEqual([false, true]);
  });

  test("a rule's expiresInDays: 30 ends at local midnight, like the program's rolling 30-day policy", async () => {
    // Received 10:00 on 1 March in Shanghai: usable through 31 March, gone at 1 April 00:00 local.
    await api.call('PATCH', '/v1/program', { expiryPolicy: { kind: 'rolling', unit: 'days', count: 30 } });
    try {
      await api.call('PUT', '/v1/members/eli', {});
      await api.call('POST', '/v1/members/eli/credits', { points: 10, reason: 'by policy' });
    } finally {
      await api.call('PATCH', '/v1/program', { expiryPolicy: { kind: 'never' } });
    }
    const [byPolicy] = await lotsOf(api, 'eli');
    expect(byPolicy!.expiresAt).toBe('2026-03-31T16:00:00.000Z');
    const shared = await send(api, at('content.shared', 'fox', '2026-03-01T02:00:00Z'));
    expect(shared.awards[0].expiresAt).toBe(byPolicy!.expiresAt);
  });
  test('a limit counts only in the periods it names; one a later version adds counts from its publication', async () => {
    const ruleId = await publish(
      api,
      fixed('poll.answered', 20, { limits: { perMemberPoints: { day: 30 } } }),
    );
    const first = await send(api, at('poll.answered', 'gus', '2026-03-16T02:00:00Z'));
    const second = await send(api, at('poll.answered', 'gus', '2026-03-16T03:00:00Z'));
    expect([first.points, second.points]).toEqual([20, 10]);
    const [row] = await api.db.query<{ periods: string[] }>(
      `select array_agg(period order by period) as periods from rule_member_usage where rule_id = $1`,
      [ruleId],
    );
    expect(row!.periods).toEqual(['day:2026-03-16']);
    // Version 2 adds a weekly cap of 50: the 30 earned under version 1 this week do not count.
    const draft = await api.call('PUT', `/v1/rules/${ruleId}/draft`, {
      ...fixed('poll.answered', 20, { limits: { perMemberPoints: { day: 30, week: 50 } } }),
    });
    expect(draft.status).toBe(200);
    expect((await api.call('POST', `/v1/rules/${ruleId}/publish`)).status).toBe(200);
    const points: number[] = [];
    for (const day of ['17', '18', '19'])
      points.push((await send(api, at('poll.answered', 'gus', `2026-03-${day}T02:00:00Z`))).points);
    expect(points).toEqual([20, 20, 10]);
  });
});

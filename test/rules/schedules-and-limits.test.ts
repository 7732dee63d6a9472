import { describe, expect, test } from 'vitest';
import { evaluateRules, NO_USAGE, type RuleUsage } from '../../src/rules/evaluate-rules.ts';
import type { Schedule } from '../../src/rules/rule-types.ts';
import { event, factsOf, member, rule } from './rule-test-kit.ts';

const at = (iso: string) => factsOf(event({ occurredAt: new Date(iso) }));

describe('schedules, judged in the program timezone (Asia/Shanghai)', () => {
  const scenarios: { name: string; schedule: Schedule; occurredAt: string; fires: boolean }[] = [
    // Member day every Wednesday; 2026-03-11 is a Wednesday in Shanghai.
    {
      name: 'member day, 23:59 Wednesday Shanghai',
      schedule: { weekdays: [3] },
      occurredAt: '2026-03-11T15:59:00Z',
      fires: true,
    },
    {
      name: 'member day, 00:01 Thursday Shanghai',
      schedule: { weekdays: [3] },
      occurredAt: '2026-03-11T16:01:00Z',
      fires: false,
    },
    {
      name: 'member day, 00:01 Wednesday Shanghai (still Tuesday in UTC)',
      schedule: { weekdays: [3] },
      occurredAt: '2026-03-10T16:01:00Z',
      fires: true,
    },
    {
      name: 'monthly member day on the 8th',
      schedule: { monthDays: [8] },
      occurredAt: '2026-03-07T16:30:00Z',
      fires: true,
    },
    {
      name: 'date range: first day',
      schedule: { from: '2026-03-11', until: '2026-03-12' },
      occurredAt: '2026-03-10T16:00:00Z',
      fires: true,
    },
    {
      name: 'date range: the day before',
      schedule: { from: '2026-03-11' },
      occurredAt: '2026-03-10T15:59:59Z',
      fires: false,
    },
    {
      name: 'date range: last day, 23:59',
      schedule: { until: '2026-03-11' },
      occurredAt: '2026-03-11T15:59:00Z',
      fires: true,
    },
    {
      name: 'date range: the day after',
      schedule: { until: '2026-03-11' },
      occurredAt: '2026-03-11T16:00:00Z',
      fires: false,
    },
    {
      name: 'hours 10:00–14:00 at 13:59',
      schedule: { hours: { from: '10:00', to: '14:00' } },
      occurredAt: '2026-03-11T05:59:00Z',
      fires: true,
    },
    {
      name: 'hours 10:00–14:00 at 14:00 (end excluded)',
      schedule: { hours: { from: '10:00', to: '14:00' } },
      occurredAt: '2026-03-11T06:00:00Z',
      fires: false,
    },
    {
      name: 'night window 22:00–02:00 at 01:30',
      schedule: { hours: { from: '22:00', to: '02:00' } },
      occurredAt: '2026-03-10T17:30:00Z',
      fires: true,
    },
    {
      name: 'night window 22:00–02:00 at 12:00',
      schedule: { hours: { from: '22:00', to: '02:00' } },
      occurredAt: '2026-03-11T04:00:00Z',
      fires: false,
    },
    {
      name: 'birthday, on the day',
      schedule: { birthday: 'day' },
      occurredAt: '2026-03-11T06:30:00Z',
      fires: true,
    },
    {
      name: 'birthday, the day after',
      schedule: { birthday: 'day' },
      occurredAt: '2026-03-12T06:30:00Z',
      fires: false,
    },
    { name: 'birth month', schedule: { birthday: 'month' }, occurredAt: '2026-03-31T06:30:00Z', fires: true },
    {
      name: 'birth month, next month',
      schedule: { birthday: 'month' },
      occurredAt: '2026-04-01T06:30:00Z',
      fires: false,
    },
  ];

  test.each(scenarios)('$name', ({ schedule, occurredAt, fires }) => {
    const { awards } = evaluateRules([rule('r', { schedule })], at(occurredAt), { currency: 'CNY' });
    expect(awards.length).toBe(fires ? 1 : 0);
  });

  test('a 29 February birthday is celebrated on 28 February in a common year', () => {
    const facts = factsOf(
      event({ occurredAt: new Date('2027-02-28T06:00:00Z') }),
      member({ birthday: '2000-02-29' }),
    );
    expect(
      evaluateRules([rule('r', { schedule: { birthday: 'day' } })], facts, { currency: 'CNY' }).awards,
    ).toHaveLength(1);
  });

  test('a birthday rule for a member without a birthday says so', () => {
    const facts = factsOf(event(), member({ birthday: null }));
    const { misses } = evaluateRules([rule('r', { schedule: { birthday: 'day' } })], facts, {
      currency: 'CNY',
    });
    expect(misses[0]?.why).toEqual({ zh: '会员未填写生日', en: 'the member has no birthday on file' });
  });
});

describe('limits: the award is cut to what is left', () => {
  const usage = (fields: Partial<RuleUsage> & { day?: number; lifetime?: number }): RuleUsage => ({
    ...NO_USAGE,
    ...fields,
    memberPoints: { ...NO_USAGE.memberPoints, day: fields.day ?? 0, lifetime: fields.lifetime ?? 0 },
  });

  const scenarios = [
    {
      name: 'per day: 100 cap, 50 used → 50',
      limits: { perMemberPoints: { day: 100 } },
      used: usage({ day: 50 }),
      points: 50,
      limitedBy: 'day',
    },
    {
      name: 'per day: room for all',
      limits: { perMemberPoints: { day: 500 } },
      used: usage({ day: 50 }),
      points: 128,
      limitedBy: null,
    },
    {
      name: 'per day: exhausted',
      limits: { perMemberPoints: { day: 100 } },
      used: usage({ day: 100 }),
      points: 0,
      limitedBy: 'day',
    },
    {
      name: 'lifetime, tighter than the day',
      limits: { perMemberPoints: { day: 100, lifetime: 1_000 } },
      used: usage({ lifetime: 990 }),
      points: 10,
      limitedBy: 'lifetime',
    },
    {
      name: 'campaign budget: 30 left',
      limits: { budgetPoints: 1_000 },
      used: usage({ issuedPoints: 970 }),
      points: 30,
      limitedBy: 'budget',
    },
    {
      name: 'campaign budget spent',
      limits: { budgetPoints: 1_000 },
      used: usage({ issuedPoints: 1_000 }),
      points: 0,
      limitedBy: 'budget',
    },
  ] as const;

  test.each(scenarios)('$name', ({ limits, used, points, limitedBy }) => {
    const { awards, misses } = evaluateRules([rule('r', { limits })], factsOf(), {
      currency: 'CNY',
      usage: () => used,
    });
    if (points === 0) {
      expect(awards).toEqual([]);
      expect(misses[0]?.why.en).toMatch(/limit is reached/);
    } else {
      expect(awards[0]).toMatchObject({ points, limitedBy });
    }
  });

  test('once per order: the first review of each order only', () => {
    const review = rule('review', {
      trigger: 'review.posted',
      reward: { kind: 'fixed', points: 10 },
      limits: { oncePer: 'orderId' },
    });
    const facts = factsOf(event({ type: 'review.posted' }));
    const first = evaluateRules([review], facts, { currency: 'CNY' });
    expect(first.awards[0]).toMatchObject({ points: 10, onceKey: 'o-1' });
    const again = evaluateRules([review], facts, {
      currency: 'CNY',
      usage: () => ({ ...NO_USAGE, awardedForObject: true }),
    });
    expect(again.awards).toEqual([]);
    expect(again.misses[0]?.why.en).toBe('already awarded for orderId o-1');
    const noOrder = factsOf(event({ type: 'review.posted', attributes: { orderId: undefined } }));
    expect(evaluateRules([review], noOrder, { currency: 'CNY' }).misses[0]?.why.en).toBe(
      'the event has no orderId to limit by',
    );
  });
});

describe('priority and stacking', () => {
  test('stacking rules all award, listed by priority', () => {
    const rules = [
      rule('low', { priority: 1 }),
      rule('high', { priority: 9, reward: { kind: 'fixed', points: 5 } }),
    ];
    const { awards } = evaluateRules(rules, factsOf(), { currency: 'CNY' });
    expect(awards.map((award) => award.ruleId)).toEqual(['high', 'low']);
  });

  test('an exclusive group keeps only its best award, and says who won', () => {
    const group = { mode: 'exclusive', group: 'welcome' } as const;
    const rules = [
      rule('a-small', { reward: { kind: 'fixed', points: 20 }, stacking: group }),
      rule('b-big', { reward: { kind: 'fixed', points: 50 }, stacking: group }),
      rule('c-other', { reward: { kind: 'fixed', points: 5 } }),
    ];
    const { awards, misses } = evaluateRules(rules, factsOf(), { currency: 'CNY' });
    expect(awards.map((award) => [award.ruleId, award.points])).toEqual([
      ['b-big', 50],
      ['c-other', 5],
    ]);
    expect(misses).toEqual([
      {
        ruleId: 'a-small',
        version: 1,
        why: expect.objectContaining({ en: 'rule b-big in the same group (welcome) gives more' }),
      },
    ]);
  });

  test('a tie in a group goes to the higher priority', () => {
    const group = { mode: 'exclusive', group: 'g' } as const;
    const rules = [
      rule('a', { reward: { kind: 'fixed', points: 50 }, stacking: group, priority: 1 }),
      rule('b', { reward: { kind: 'fixed', points: 50 }, stacking: group, priority: 2 }),
    ];
    expect(evaluateRules(rules, factsOf(), { currency: 'CNY' }).awards.map((award) => award.ruleId)).toEqual([
      'b',
    ]);
  });

  test('exclusive multipliers: only the biggest factor applies', () => {
    const group = { mode: 'exclusive', group: 'boost' } as const;
    const rules = [
      rule('base'),
      rule('x2', { reward: { kind: 'multiplier', factor: 2 }, stacking: group }),
      rule('x3', { reward: { kind: 'multiplier', factor: 3 }, stacking: group }),
    ];
    const { awards } = evaluateRules(rules, factsOf(), { currency: 'CNY' });
    expect(awards[0]).toMatchObject({ points: 384, multipliedBy: [{ ruleId: 'x3', version: 1, factor: 3 }] });
  });

  test('a multiplier with nothing to multiply says so', () => {
    const rules = [rule('x2', { reward: { kind: 'multiplier', factor: 2 } })];
    expect(evaluateRules(rules, factsOf(), { currency: 'CNY' }).misses[0]?.why.en).toBe(
      'nothing to multiply',
    );
  });

  test('pending period and expiry override travel with the award', () => {
    const { awards } = evaluateRules([rule('r', { pendingDays: 7, expiresInDays: 365 })], factsOf(), {
      currency: 'CNY',
    });
    expect(awards[0]).toMatchObject({ pendingDays: 7, expiresInDays: 365 });
  });
});

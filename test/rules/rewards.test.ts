import { describe, expect, test } from 'vitest';
import { evaluateRules } from '../../src/rules/evaluate-rules.ts';
import type { RuleDefinition } from '../../src/rules/rule-types.ts';
import { event, factsOf, rule } from './rule-test-kit.ts';

/** Scenario table: each reward type and rounding mode, on one ¥128.00 order (tea 2×30, cup 68, gift card 100). */

interface RewardScenario {
  name: string;
  fields: Partial<RuleDefinition>;
  amountMinor?: number;
  points: number;
  growth?: number;
  reason?: { zh: string; en: string };
}

const scenarios: RewardScenario[] = [
  {
    name: 'per amount: 1 point per ¥1',
    fields: {},
    points: 128,
    reason: { zh: '消费 ¥128.00,每 1 元积 1 分', en: 'Spent ¥128.00: 1 point per ¥1' },
  },
  { name: 'per amount floors by default: ¥128.99 → 128', fields: {}, amountMinor: 12_899, points: 128 },
  {
    name: 'growth only: the reason speaks of growth value, not points',
    fields: { reward: { kind: 'per_amount', points: 1, perAmountMinor: 1000 }, target: { growth: 1 } },
    points: 0,
    growth: 12,
    reason: { zh: '消费 ¥128.00,每 10 元得 1 成长值', en: 'Spent ¥128.00: 1 growth per ¥10' },
  },
  {
    name: 'per amount, round half up: ¥128.50 → 129',
    fields: { reward: { kind: 'per_amount', points: 1, perAmountMinor: 100, rounding: 'round' } },
    amountMinor: 12_850,
    points: 129,
  },
  {
    name: 'per amount, round: ¥128.49 → 128',
    fields: { reward: { kind: 'per_amount', points: 1, perAmountMinor: 100, rounding: 'round' } },
    amountMinor: 12_849,
    points: 128,
  },
  {
    name: 'per amount, ceil: ¥128.01 → 129',
    fields: { reward: { kind: 'per_amount', points: 1, perAmountMinor: 100, rounding: 'ceil' } },
    amountMinor: 12_801,
    points: 129,
  },
  {
    name: '5 points per ¥10, pro rata: ¥128 → 64',
    fields: { reward: { kind: 'per_amount', points: 5, perAmountMinor: 1_000 } },
    points: 64,
    reason: { zh: '消费 ¥128.00,每 10 元积 5 分', en: 'Spent ¥128.00: 5 points per ¥10' },
  },
  {
    name: '5 points per full ¥10 (每满): ¥128 → 60',
    fields: { reward: { kind: 'per_amount', points: 5, perAmountMinor: 1_000, wholeSteps: true } },
    points: 60,
    reason: { zh: '消费 ¥128.00,每满 10 元积 5 分', en: 'Spent ¥128.00: 5 points per full ¥10' },
  },
  {
    name: 'per amount over the items that count only (no gift cards)',
    fields: {
      reward: {
        kind: 'per_amount',
        points: 1,
        perAmountMinor: 100,
        items: { field: 'item.category', op: 'ne', value: 'gift_card' },
      },
    },
    amountMinor: 99_999, // the event total is ignored: only matching lines count (60 + 68)
    points: 128,
  },
  { name: 'fixed', fields: { reward: { kind: 'fixed', points: 50 } }, points: 50 },
  {
    name: 'per unit bought of a category',
    fields: {
      reward: {
        kind: 'per_item',
        points: 10,
        per: 'unit',
        items: { field: 'item.category', op: 'eq', value: 'tea' },
      },
    },
    points: 20,
  },
  { name: 'per order line', fields: { reward: { kind: 'per_item', points: 3, per: 'line' } }, points: 9 },
  {
    name: 'both balances at different rates: points ×1, growth ×2',
    fields: { target: { points: 1, growth: 2 } },
    points: 128,
    growth: 256,
  },
  { name: 'growth only', fields: { target: { growth: 1 } }, points: 0, growth: 128 },
  {
    name: 'a decimal rate is exact: 100 × 1.15 = 115, not 114',
    fields: { reward: { kind: 'fixed', points: 100 }, target: { points: 1.15 } },
    points: 115,
  },
  {
    name: 'an amount too small for one point gives nothing',
    fields: {},
    amountMinor: 99,
    points: 0,
  },
];

describe('rewards', () => {
  test.each(scenarios)('$name', ({ fields, amountMinor, points, growth = 0, reason }) => {
    const facts = factsOf(event(amountMinor === undefined ? {} : { attributes: { amountMinor } }));
    const { awards, misses } = evaluateRules([rule('r1', fields)], facts, { currency: 'CNY' });
    if (points === 0 && growth === 0) {
      expect(awards).toEqual([]);
      expect(misses[0]?.why.en).toBe('the award rounds to 0');
      return;
    }
    expect(awards).toHaveLength(1);
    expect(awards[0]).toMatchObject({ ruleId: 'r1', version: 1, points, growth });
    if (reason) expect(awards[0]?.reason).toEqual(reason);
  });

  test('a multiplier folds into every award of the event, and into its reason', () => {
    const rules = [
      rule('base'),
      rule('first-order', { reward: { kind: 'fixed', points: 20 } }),
      rule('member-day', {
        name: { 'zh-CN': '会员日', en: 'Member day' },
        reward: { kind: 'multiplier', factor: 2 },
        schedule: { weekdays: [3] },
      }),
    ];
    const { awards } = evaluateRules(rules, factsOf(), { currency: 'CNY' });
    expect(awards.map((award) => [award.ruleId, award.points])).toEqual([
      ['base', 256],
      ['first-order', 40],
    ]);
    expect(awards[0]?.reason).toEqual({
      zh: '消费 ¥128.00,每 1 元积 1 分,会员日 2 倍',
      en: 'Spent ¥128.00: 1 point per ¥1, Member day ×2',
    });
    expect(awards[0]?.multipliedBy).toEqual([{ ruleId: 'member-day', version: 1, factor: 2 }]);
  });

  test('stacked multipliers multiply; a multiplier for points leaves growth alone', () => {
    const rules = [
      rule('base', { target: { points: 1, growth: 1 } }),
      rule('x2', { reward: { kind: 'multiplier', factor: 2 } }),
      rule('x1.5', { reward: { kind: 'multiplier', factor: 1.5 } }),
    ];
    const { awards } = evaluateRules(rules, factsOf(), { currency: 'CNY' });
    expect(awards[0]).toMatchObject({ points: 384, growth: 128 });
  });

  test('a growth-only rule under a points multiplier: growth unchanged, and the words say so', () => {
    const rules = [
      rule('growth', {
        reward: { kind: 'per_amount', points: 1, perAmountMinor: 100 },
        target: { growth: 1 },
      }),
      rule('member-day', {
        name: { 'zh-CN': '会员日', en: 'Member day' },
        reward: { kind: 'multiplier', factor: 2 },
      }),
    ];
    const { awards } = evaluateRules(rules, factsOf(), { currency: 'CNY' });
    expect(awards[0]).toMatchObject({
      points: 0,
      growth: 128,
      multipliedBy: [],
      reason: { zh: '消费 ¥128.00,每 1 元得 1 成长值', en: 'Spent ¥128.00: 1 growth per ¥1' },
    });
  });

  test('an award a limit cut down says so after its multipliers', () => {
    const rules = [
      rule('bonus', {
        name: { 'zh-CN': '首单奖励', en: 'First order bonus' },
        reward: { kind: 'fixed', points: 500 },
        limits: { perMemberPoints: { lifetime: 500 } },
      }),
      rule('member-day', {
        name: { 'zh-CN': '会员日', en: 'Member day' },
        reward: { kind: 'multiplier', factor: 2 },
      }),
    ];
    const { awards } = evaluateRules(rules, factsOf(), { currency: 'CNY' });
    expect(awards[0]).toMatchObject({
      points: 500,
      limitedBy: 'lifetime',
      reason: {
        zh: '首单奖励,会员日 2 倍(已达上限)',
        en: 'First order bonus, Member day ×2 (capped by a limit)',
      },
    });
  });

  test('multipliers are applied before rounding, once', () => {
    // ¥0.99 at 1 point per ¥1 is 0.99 points; ×1.5 = 1.485 → floor 1 (rounding first would give 0).
    const rules = [rule('base'), rule('x1.5', { reward: { kind: 'multiplier', factor: 1.5 } })];
    const { awards } = evaluateRules(rules, factsOf(event({ attributes: { amountMinor: 99 } })), {
      currency: 'CNY',
    });
    expect(awards[0]?.points).toBe(1);
  });

  test('money reads in the currency of the program', () => {
    const { awards } = evaluateRules([rule('base')], factsOf(), { currency: 'GBP' });
    expect(awards[0]?.reason.en).toBe('Spent £128.00: 1 point per £1');
  });
});

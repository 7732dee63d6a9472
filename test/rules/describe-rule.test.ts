import { describe, expect, test } from 'vitest';
import { describeRule } from '../../src/rules/describe-rule.ts';
import type { RuleDefinition } from '../../src/rules/rule-types.ts';

const name = { 'zh-CN': '规则', en: 'Rule' };

describe('every rule reads as a sentence in both languages', () => {
  const scenarios: { definition: RuleDefinition; zh: string; en: string }[] = [
    {
      definition: {
        name,
        trigger: 'order.paid',
        reward: { kind: 'per_amount', points: 1, perAmountMinor: 100 },
      },
      zh: 'order.paid:每 1 元积 1 分',
      en: 'order.paid: 1 point per ¥1',
    },
    {
      definition: {
        name,
        trigger: 'order.paid',
        reward: { kind: 'per_amount', points: 1, perAmountMinor: 100 },
        target: { growth: 1 },
      },
      zh: 'order.paid:每 1 元得 1 成长值',
      en: 'order.paid: 1 growth per ¥1',
    },
    {
      definition: {
        name,
        trigger: 'order.paid',
        reward: { kind: 'multiplier', factor: 2 },
        schedule: { weekdays: [3] },
        limits: { perMemberPoints: { day: 500 } },
      },
      zh: 'order.paid:积分 2 倍;每周三;每人每天最多 500 分',
      en: 'order.paid: points ×2; on Wednesdays; at most 500 points per member per day',
    },
    {
      definition: {
        name,
        trigger: 'review.posted',
        reward: { kind: 'fixed', points: 10 },
        target: { points: 1, growth: 2 },
        limits: { oncePer: 'orderId', budgetPoints: 100000 },
        pendingDays: 7,
      },
      zh: 'review.posted:奖励 10 分;积分 ×1、成长值 ×2;每个 orderId 仅一次;总预算 100000 分;7 天后到账',
      en: 'review.posted: 10 points; points ×1, growth ×2; once per orderId; budget of 100000 points; available after 7 days',
    },
    {
      definition: {
        name,
        trigger: 'order.paid',
        reward: { kind: 'per_amount', points: 5, perAmountMinor: 1000, wholeSteps: true },
        schedule: { birthday: 'month', from: '2026-01-01', until: '2026-12-31' },
        stacking: { mode: 'exclusive', group: 'birthday' },
      },
      zh: 'order.paid:每满 10 元积 5 分;2026-01-01 至 2026-12-31;会员生日月;与「birthday」组内规则择优',
      en: 'order.paid: 5 points per full ¥10; from 2026-01-01 until 2026-12-31; in the member\'s birth month; best of group "birthday"',
    },
  ];

  test.each(scenarios)('$en', ({ definition, zh, en }) => {
    expect(describeRule(definition, 'CNY')).toEqual({ zh, en });
  });
});

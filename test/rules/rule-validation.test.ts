import { Value } from '@sinclair/typebox/value';
import { describe, expect, test } from 'vitest';
import { compileRule } from '../../src/rules/compile-rule.ts';
import { Condition, RuleDefinition } from '../../src/rules/rule-types.ts';
import { JifenError } from '../../src/shared/errors.ts';

const base: RuleDefinition = {
  name: { 'zh-CN': '消费积分', en: 'Purchase points' },
  trigger: 'order.paid',
  reward: { kind: 'per_amount', points: 1, perAmountMinor: 100 },
};

function problemsOf(definition: RuleDefinition): { field: string; message: string }[] {
  try {
    compileRule({ ruleId: 'r', version: 1, definition });
    return [];
  } catch (error) {
    if (!(error instanceof JifenError)) throw error;
    expect(error.code).toBe('validation_failed');
    return error.extensions.errors as { field: string; message: string }[];
  }
}

describe('a rule with mistakes is refused, each mistake named by its place', () => {
  const scenarios: { name: string; definition: RuleDefinition; field: string; message: RegExp }[] = [
    {
      name: 'an unknown member field',
      definition: { ...base, condition: { all: [{ field: 'member.level', op: 'eq', value: 'gold' }] } },
      field: 'body/condition/all/0/field',
      message: /unknown member field "member.level"; use member.status/,
    },
    {
      name: 'an unknown time field',
      definition: { ...base, condition: { field: 'time.season', op: 'eq', value: 'spring' } },
      field: 'body/condition/field',
      message: /unknown time field/,
    },
    {
      name: 'an item field outside items.where',
      definition: { ...base, condition: { field: 'item.sku', op: 'eq', value: 'TEA-1' } },
      field: 'body/condition/field',
      message: /reads a line item: use it inside items.where/,
    },
    {
      name: 'between with one value',
      definition: { ...base, condition: { field: 'event.amountMinor', op: 'between', value: [1] } },
      field: 'body/condition/value',
      message: /needs a list of two/,
    },
    {
      name: 'in without a list',
      definition: { ...base, condition: { field: 'event.store', op: 'in', value: 'S1' } },
      field: 'body/condition/value',
      message: /needs a non-empty list/,
    },
    {
      name: 'exists with a value',
      definition: { ...base, condition: { not: { field: 'event.coupon', op: 'exists', value: true } } },
      field: 'body/condition/not/value',
      message: /takes no value/,
    },
    {
      name: 'a schedule that ends before it starts',
      definition: { ...base, schedule: { from: '2026-05-01', until: '2026-04-30' } },
      field: 'body/schedule/until',
      message: /ends \(2026-04-30\) before it starts/,
    },
    {
      name: 'an empty hour window',
      definition: { ...base, schedule: { hours: { from: '10:00', to: '10:00' } } },
      field: 'body/schedule/hours',
      message: /empty/,
    },
    {
      name: 'a target that feeds nothing',
      definition: { ...base, target: {} },
      field: 'body/target',
      message: /at least one balance/,
    },
    {
      name: 'a rate with more than 4 decimal places',
      definition: { ...base, target: { points: 1.23456 } },
      field: 'body/target/points',
      message: /1.23456 has more than 4 decimal places/,
    },
    {
      name: 'a bad item field in a reward filter',
      definition: {
        ...base,
        reward: {
          kind: 'per_item',
          points: 1,
          per: 'unit',
          items: { field: 'item.colour', op: 'eq', value: 'red' },
        },
      },
      field: 'body/reward/items/field',
      message: /unknown item field "item.colour"/,
    },
  ];

  test.each(scenarios)('$name', ({ definition, field, message }) => {
    const problems = problemsOf(definition);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.field).toBe(field);
    expect(problems[0]?.message).toMatch(message);
  });

  test('several mistakes are reported together', () => {
    const problems = problemsOf({
      ...base,
      condition: {
        any: [
          { field: 'member.level', op: 'eq', value: 1 },
          { field: 'time.season', op: 'exists' },
        ],
      },
      target: {},
    });
    expect(problems.map((problem) => problem.field)).toEqual([
      'body/condition/any/0/field',
      'body/condition/any/1/field',
      'body/target',
    ]);
  });

  test('the schema (what the API will accept) refuses shapes the compiler never sees', () => {
    expect(Value.Check(RuleDefinition, [Condition], base)).toBe(true);
    expect(
      Value.Check(RuleDefinition, [Condition], { ...base, reward: { kind: 'per_amount', points: 1 } }),
    ).toBe(false);
    expect(
      Value.Check(RuleDefinition, [Condition], {
        ...base,
        condition: { field: 'event.x', op: 'matches', value: '.*' },
      }),
    ).toBe(false);
    expect(Value.Check(RuleDefinition, [Condition], { ...base, target: { points: 1.15 } })).toBe(true);
    expect(Value.Check(RuleDefinition, [Condition], { ...base, target: { points: 0 } })).toBe(false);
    expect(Value.Check(RuleDefinition, [Condition], { ...base, trigger: 'Order Paid' })).toBe(false);
  });
});

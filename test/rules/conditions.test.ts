import { describe, expect, test } from 'vitest';
import { evaluateRules } from '../../src/rules/evaluate-rules.ts';
import type { Condition } from '../../src/rules/rule-types.ts';
import { event, factsOf, member, rule } from './rule-test-kit.ts';

/**
 * Scenario table: every operator and every place a condition can read, on the ¥128.00 order of a
 * VIP member (Shanghai, age 36, born 1990-03-11) placed on Wednesday 2026-03-11 at 14:30 Shanghai.
 */
const scenarios: { name: string; condition: Condition; fires: boolean; why?: string }[] = [
  {
    name: 'eq on an event attribute',
    condition: { field: 'event.currency', op: 'eq', value: 'CNY' },
    fires: true,
  },
  {
    name: 'eq fails and says why',
    condition: { field: 'event.currency', op: 'eq', value: 'USD' },
    fires: false,
    why: 'event.currency is "CNY", not equal to "USD"',
  },
  { name: 'ne', condition: { field: 'event.currency', op: 'ne', value: 'USD' }, fires: true },
  {
    name: 'ne on an absent field is false',
    condition: { field: 'event.channel', op: 'ne', value: 'offline' },
    fires: false,
  },
  { name: 'gt', condition: { field: 'event.amountMinor', op: 'gt', value: 12_799 }, fires: true },
  {
    name: 'gt at the edge',
    condition: { field: 'event.amountMinor', op: 'gt', value: 12_800 },
    fires: false,
  },
  {
    name: 'gte at the edge',
    condition: { field: 'event.amountMinor', op: 'gte', value: 12_800 },
    fires: true,
  },
  { name: 'lt', condition: { field: 'event.amountMinor', op: 'lt', value: 12_800 }, fires: false },
  {
    name: 'lte at the edge',
    condition: { field: 'event.amountMinor', op: 'lte', value: 12_800 },
    fires: true,
  },
  {
    name: 'a number never compares with a string',
    condition: { field: 'event.amountMinor', op: 'gte', value: '100' },
    fires: false,
  },
  { name: 'in', condition: { field: 'event.orderId', op: 'in', value: ['o-1', 'o-2'] }, fires: true },
  { name: 'not_in', condition: { field: 'event.orderId', op: 'not_in', value: ['o-1'] }, fires: false },
  {
    name: 'in over a list field: any overlap',
    condition: { field: 'member.tags', op: 'in', value: ['vip', 'x'] },
    fires: true,
  },
  {
    name: 'not_in over a list field: no overlap',
    condition: { field: 'member.tags', op: 'not_in', value: ['banned'] },
    fires: true,
  },
  {
    name: 'contains on a list',
    condition: { field: 'member.tags', op: 'contains', value: 'vip' },
    fires: true,
  },
  {
    name: 'contains on a string',
    condition: { field: 'event.orderId', op: 'contains', value: '-' },
    fires: true,
  },
  { name: 'starts_with', condition: { field: 'event.orderId', op: 'starts_with', value: 'o-' }, fires: true },
  {
    name: 'between (inclusive)',
    condition: { field: 'member.attributes.age', op: 'between', value: [18, 36] },
    fires: true,
  },
  {
    name: 'between, outside',
    condition: { field: 'member.attributes.age', op: 'between', value: [40, 60] },
    fires: false,
  },
  {
    name: 'between dates as strings',
    condition: { field: 'time.date', op: 'between', value: ['2026-03-01', '2026-03-31'] },
    fires: true,
  },
  { name: 'exists', condition: { field: 'event.orderId', op: 'exists' }, fires: true },
  { name: 'not_exists', condition: { field: 'event.coupon', op: 'not_exists' }, fires: true },
  {
    name: 'nested event attribute',
    condition: { field: 'event.store.city', op: 'eq', value: 'Hangzhou' },
    fires: false,
  },
  { name: 'event.type', condition: { field: 'event.type', op: 'eq', value: 'order.paid' }, fires: true },
  { name: 'member.status', condition: { field: 'member.status', op: 'eq', value: 'active' }, fires: true },
  { name: 'member.joinedDays', condition: { field: 'member.joinedDays', op: 'gte', value: 69 }, fires: true },
  {
    name: 'member.birthday (MM-DD)',
    condition: { field: 'member.birthday', op: 'eq', value: '03-11' },
    fires: true,
  },
  { name: 'member.tier (none yet)', condition: { field: 'member.tier', op: 'exists' }, fires: false },
  {
    name: 'member attribute',
    condition: { field: 'member.attributes.city', op: 'eq', value: 'Shanghai' },
    fires: true,
  },
  { name: 'time.weekday in Shanghai', condition: { field: 'time.weekday', op: 'eq', value: 3 }, fires: true },
  { name: 'time.hour in Shanghai', condition: { field: 'time.hour', op: 'eq', value: 14 }, fires: true },
  {
    name: 'all: every part',
    condition: {
      all: [
        { field: 'event.currency', op: 'eq', value: 'CNY' },
        { field: 'time.hour', op: 'lt', value: 12 },
      ],
    },
    fires: false,
    why: 'time.hour is 14, not less than 12',
  },
  {
    name: 'any: one part',
    condition: {
      any: [
        { field: 'event.currency', op: 'eq', value: 'USD' },
        { field: 'time.hour', op: 'gte', value: 12 },
      ],
    },
    fires: true,
  },
  { name: 'not', condition: { not: { field: 'member.tags', op: 'contains', value: 'vip' } }, fires: false },
  {
    name: 'items: at least one tea line',
    condition: { items: { where: { field: 'item.category', op: 'eq', value: 'tea' } } },
    fires: true,
  },
  {
    name: 'items: at least 3 tea units',
    condition: {
      items: { where: { field: 'item.category', op: 'eq', value: 'tea' }, atLeast: { quantity: 3 } },
    },
    fires: false,
    why: '2 matching units, fewer than 3',
  },
  {
    name: 'items: ¥100 of anything but gift cards',
    condition: {
      items: {
        where: { field: 'item.category', op: 'not_in', value: ['gift_card'] },
        atLeast: { amountMinor: 10_000 },
      },
    },
    fires: true,
  },
  {
    name: 'items: by sku and unit price',
    condition: {
      items: {
        where: {
          all: [
            { field: 'item.sku', op: 'starts_with', value: 'CUP' },
            { field: 'item.unitPriceMinor', op: 'gte', value: 5_000 },
          ],
        },
      },
    },
    fires: true,
  },
  {
    name: 'items: two lines at least',
    condition: { items: { where: { field: 'item.quantity', op: 'eq', value: 1 }, atLeast: { count: 2 } } },
    fires: true,
  },
];

describe('conditions', () => {
  test.each(scenarios)('$name', ({ condition, fires, why }) => {
    const { awards, misses } = evaluateRules([rule('r', { condition })], factsOf(), { currency: 'CNY' });
    expect(awards.length).toBe(fires ? 1 : 0);
    if (why) expect(misses[0]?.why.en).toBe(why);
    if (!fires) expect(misses[0]?.why.zh.length).toBeGreaterThan(0);
  });

  test('a rule for another event type says which type it waits for', () => {
    const facts = factsOf(event({ type: 'review.posted' }));
    const { misses } = evaluateRules([rule('r')], facts, { currency: 'CNY' });
    expect(misses[0]?.why.en).toBe('applies to order.paid events only');
  });

  test('an event without line items matches no items condition', () => {
    const facts = factsOf(event({ attributes: { items: undefined } }), member());
    const condition: Condition = { items: {} };
    expect(evaluateRules([rule('r', { condition })], facts, { currency: 'CNY' }).awards).toEqual([]);
  });
});

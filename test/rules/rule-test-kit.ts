import type { MemberFacts } from '../../src/members/member-types.ts';
import { type CompiledRule, compileRule } from '../../src/rules/compile-rule.ts';
import type { EventFacts, LineItem } from '../../src/rules/rule-facts.ts';
import { ruleFacts } from '../../src/rules/rule-facts.ts';
import type { RuleDefinition } from '../../src/rules/rule-types.ts';

/** Builders for rule tests: a rule from a few fields, and facts from an event and a member. */

export const ZONE = 'Asia/Shanghai';

export function rule(id: string, fields: Partial<RuleDefinition> = {}): CompiledRule {
  return compileRule({
    ruleId: id,
    version: 1,
    definition: {
      name: { 'zh-CN': id, en: id },
      trigger: 'order.paid',
      reward: { kind: 'per_amount', points: 1, perAmountMinor: 100 },
      ...fields,
    },
  });
}

export const ITEMS: LineItem[] = [
  { sku: 'TEA-1', category: 'tea', quantity: 2, unitPriceMinor: 3_000 },
  { sku: 'CUP-9', category: 'cups', quantity: 1, unitPriceMinor: 6_800 },
  { sku: 'GIFT-CARD', category: 'gift_card', quantity: 1, unitPriceMinor: 10_000 },
];

export function event(
  fields: Partial<EventFacts> & { attributes?: Record<string, unknown> } = {},
): EventFacts {
  return {
    id: 'evt-1',
    type: 'order.paid',
    // A Wednesday, 14:30 in Shanghai.
    occurredAt: new Date('2026-03-11T06:30:00Z'),
    ...fields,
    attributes: { orderId: 'o-1', amountMinor: 12_800, currency: 'CNY', items: ITEMS, ...fields.attributes },
  };
}

export function member(fields: Partial<MemberFacts> = {}): MemberFacts {
  return {
    status: 'active',
    tags: ['vip'],
    tier: null,
    segments: [],
    joinedAt: new Date('2026-01-01T00:00:00Z'),
    birthday: '1990-03-11',
    attributes: { city: 'Shanghai', age: 36 },
    ...fields,
  };
}

export function factsOf(eventFacts = event(), memberFacts = member()) {
  return ruleFacts(eventFacts, memberFacts, ZONE);
}

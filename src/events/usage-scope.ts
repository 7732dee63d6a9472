import type { CompiledRule } from '../rules/compile-rule.ts';
import type { PlannedEvent } from './event-plan.ts';
import { limitedPeriods, onceKeyOf } from './rule-usage.ts';

/** Every (member, rule, period) the batch's events may count against a per-member limit. */
export function usageKeys(rules: readonly CompiledRule[], events: readonly PlannedEvent[]) {
  const limited = rules.filter((rule) => rule.definition.limits?.perMemberPoints);
  const keys = new Map<string, { memberId: string; ruleId: string; period: string }>();
  for (const event of events) {
    for (const rule of limited) {
      if (rule.definition.trigger !== event.facts.event.type) continue;
      for (const period of limitedPeriods(rule.definition.limits!.perMemberPoints!, event.periods)) {
        keys.set(`${event.memberId}\u0000${rule.ruleId}\u0000${period}`, {
          memberId: event.memberId,
          ruleId: rule.ruleId,
          period,
        });
      }
    }
  }
  return [...keys.values()];
}

/** The once-per objects the batch's events name, as stored. */
export function onceObjects(rules: readonly CompiledRule[], events: readonly PlannedEvent[]): string[] {
  const names = new Set(rules.flatMap((rule) => rule.definition.limits?.oncePer ?? []));
  const keys = new Set<string>();
  for (const event of events) {
    for (const name of names) {
      const value = event.facts.event.attributes[name];
      if (typeof value === 'string' || typeof value === 'number') keys.add(onceKeyOf(String(value)));
    }
  }
  return [...keys];
}

import type { MemberKey } from '../members/member-key.ts';
import type { CompiledRule } from '../rules/compile-rule.ts';
import { limitedPeriods, onceKeyOf, type Periods } from './rule-usage.ts';

/** What of an event decides which limits it may count against (known before its member's facts are). */
export interface ScopedEvent {
  /** The event's member, or null when it has none (yet): an unknown member's event is refused. */
  memberKey: MemberKey | null;
  type: string;
  attributes: Readonly<Record<string, unknown>>;
  periods: Periods;
}

/** Every (member, rule, period) the batch's events may count against a per-member limit. */
export function usageKeys(rules: readonly CompiledRule[], events: readonly ScopedEvent[]) {
  const limited = rules.filter((rule) => rule.definition.limits?.perMemberPoints);
  const keys = new Map<string, { memberKey: MemberKey; ruleId: string; period: string }>();
  for (const event of events) {
    const { memberKey } = event;
    if (memberKey === null) continue;
    for (const rule of limited) {
      if (rule.definition.trigger !== event.type) continue;
      for (const period of limitedPeriods(rule.definition.limits!.perMemberPoints!, event.periods)) {
        keys.set(`${memberKey}\u0000${rule.ruleId}\u0000${period}`, {
          memberKey,
          ruleId: rule.ruleId,
          period,
        });
      }
    }
  }
  return [...keys.values()];
}

/** The once-per objects the batch's events name, as stored. */
export function onceObjects(rules: readonly CompiledRule[], events: readonly ScopedEvent[]): string[] {
  const names = new Set(rules.flatMap((rule) => rule.definition.limits?.oncePer ?? []));
  const keys = new Set<string>();
  for (const event of events) {
    for (const name of names) {
      const value = event.attributes[name];
      if (typeof value === 'string' || typeof value === 'number') keys.add(onceKeyOf(String(value)));
    }
  }
  return [...keys];
}

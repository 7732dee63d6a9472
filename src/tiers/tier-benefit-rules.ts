import { type CompiledRule, compileRule } from '../rules/compile-rule.ts';
import type { TierConfigVersion } from './tier-types.ts';

/**
 * Tier earn multipliers (SPEC §3.3 benefits) as rules: for each tier with `earnMultiplier`, a
 * multiplier rule "member.tier = <code>" for each event type, so awards, reasons ("金卡 1.5 倍")
 * and the rule id + version entries record (`tier:<code>`, the configuration version) work exactly
 * as for operators' multipliers. Compiled once per configuration version and event type.
 */

export const TIER_RULE_PREFIX = 'tier:';
const compiled = new Map<string, CompiledRule[]>();

export function tierBenefitRules(
  programId: string,
  current: TierConfigVersion | null,
  eventTypes: ReadonlySet<string>,
): CompiledRule[] {
  if (!current) return [];
  const rules: CompiledRule[] = [];
  for (const type of eventTypes) {
    const key = `${programId}\u0000${current.version}\u0000${type}`;
    let forType = compiled.get(key);
    if (!forType) {
      if (compiled.size > 10_000) compiled.clear();
      forType = current.config.tiers
        .filter((tier) => tier.benefits?.earnMultiplier && tier.benefits.earnMultiplier !== 1)
        .map((tier) =>
          compileRule({
            ruleId: `${TIER_RULE_PREFIX}${tier.code}`,
            version: current.version,
            definition: {
              name: tier.name,
              trigger: type,
              condition: { field: 'member.tier', op: 'eq', value: tier.code },
              reward: { kind: 'multiplier', factor: tier.benefits!.earnMultiplier! },
            },
          }),
        );
      compiled.set(key, forType);
    }
    rules.push(...forType);
  }
  return rules;
}

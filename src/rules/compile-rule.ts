import { JifenError } from '../shared/errors.ts';
import {
  type CompiledCondition,
  compileCondition,
  compileItemFilter,
  type RuleProblem,
} from './compile-condition.ts';
import { compileSchedule } from './compile-schedule.ts';
import { isExactRate, type Ratio, type Rounding, rateRatio, ratio } from './exact-ratio.ts';
import { itemAmountMinor, type RuleFacts } from './rule-facts.ts';
import type { RuleDefinition, RuleVersion } from './rule-types.ts';

/** One rule version made ready to run: every check a plain function, built once. */
export interface CompiledRule {
  ruleId: string;
  version: number;
  definition: RuleDefinition;
  schedule: CompiledCondition;
  condition: CompiledCondition;
  /** The reward before target rates and multipliers, and the money it was computed on. */
  base: (facts: RuleFacts) => { points: Ratio; amountMinor: number | null };
  rounding: Rounding;
  pointsRate: Ratio | null;
  growthRate: Ratio | null;
  priority: number;
  /** Exclusive group, or null when the rule stacks. */
  group: string | null;
}

const PASS: CompiledCondition = () => ({ ok: true });

/** Compiles a rule version; every mistake in it is reported at once, each with its place. */
export function compileRule(rule: RuleVersion, at = 'body'): CompiledRule {
  const problems: RuleProblem[] = [];
  const { definition } = rule;
  const condition = definition.condition
    ? compileCondition(definition.condition, `${at}/condition`, problems)
    : PASS;
  const schedule = compileSchedule(definition.schedule, `${at}/schedule`, problems);
  const base = compileBase(definition, `${at}/reward`, problems);
  const target = definition.target ?? { points: 1 };
  if (target.points === undefined && target.growth === undefined) {
    problems.push({ field: `${at}/target`, message: 'name at least one balance to feed: points or growth' });
  }
  const rates = [
    ['target/points', target.points],
    ['target/growth', target.growth],
    ['reward/factor', definition.reward.kind === 'multiplier' ? definition.reward.factor : undefined],
  ] as const;
  for (const [field, rate] of rates) {
    if (rate !== undefined && !isExactRate(rate)) {
      problems.push({ field: `${at}/${field}`, message: `${rate} has more than 4 decimal places` });
    }
  }
  if (definition.reward.kind === 'multiplier' && definition.limits?.budgetPoints !== undefined) {
    problems.push({ field: `${at}/limits/budgetPoints`, message: 'a multiplier has no budget of its own' });
  }
  if (problems.length > 0) {
    throw new JifenError('validation_failed', {
      detail: problems.map((problem) => `${problem.field} ${problem.message}`).join('; '),
      extensions: { errors: problems },
    });
  }
  return {
    ruleId: rule.ruleId,
    version: rule.version,
    definition,
    schedule,
    condition,
    base,
    rounding: definition.reward.kind === 'per_amount' ? (definition.reward.rounding ?? 'floor') : 'floor',
    pointsRate: target.points === undefined ? null : rateRatio(target.points),
    growthRate: target.growth === undefined ? null : rateRatio(target.growth),
    priority: definition.priority ?? 0,
    group: definition.stacking?.mode === 'exclusive' ? definition.stacking.group : null,
  };
}

function compileBase(definition: RuleDefinition, at: string, problems: RuleProblem[]): CompiledRule['base'] {
  const { reward } = definition;
  switch (reward.kind) {
    case 'fixed':
      return () => ({ points: ratio(reward.points), amountMinor: null });
    case 'multiplier':
      return () => ({ points: ratio(0), amountMinor: null });
    case 'per_amount': {
      const select = reward.items ? compileItemFilter(reward.items, `${at}/items`, problems) : null;
      return (facts) => {
        const amountMinor = select
          ? select(facts).reduce((sum, item) => sum + itemAmountMinor(item), 0)
          : eventAmountMinor(facts);
        const points = reward.wholeSteps
          ? ratio(BigInt(reward.points) * (BigInt(amountMinor) / BigInt(reward.perAmountMinor)))
          : ratio(BigInt(reward.points) * BigInt(amountMinor), reward.perAmountMinor);
        return { points, amountMinor };
      };
    }
    case 'per_item': {
      const select = compileItemFilter(reward.items, `${at}/items`, problems);
      return (facts) => {
        const items = select(facts);
        const units =
          reward.per === 'unit' ? items.reduce((sum, item) => sum + item.quantity, 0) : items.length;
        return { points: ratio(reward.points * units), amountMinor: null };
      };
    }
  }
}

/** The event's money amount: `amountMinor`, a non-negative integer; anything else counts as none. */
export function eventAmountMinor(facts: RuleFacts): number {
  const amount = facts.event.attributes.amountMinor;
  return typeof amount === 'number' && Number.isSafeInteger(amount) && amount > 0 ? amount : 0;
}

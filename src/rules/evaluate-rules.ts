import type { Reason } from '../ledger/ledger-types.ts';
import { awardReason } from './award-reason.ts';
import type { CompiledRule } from './compile-rule.ts';
import { rateRatio, ratio, times, toInteger } from './exact-ratio.ts';
import type { RuleFacts } from './rule-facts.ts';

/**
 * Decides what an event earns under the published rules: a pure function over plain data (the
 * facts, and how much of each rule's limits is used up), returning awards as data. Nothing here
 * writes; the caller loads the usage under lock, then persists the awards with the ledger.
 */

/** How much of a rule's limits is used already, as the caller loaded it. */
export interface RuleUsage {
  /** Points this member earned from the rule in the event's local day, ISO week, month, and ever. */
  memberPoints: { day: number; week: number; month: number; lifetime: number };
  /** Points the rule has issued to all members (its campaign budget). */
  issuedPoints: number;
  /** The rule already awarded for this event's `oncePer` object (e.g. this order). */
  awardedForObject: boolean;
}

export const NO_USAGE: RuleUsage = {
  memberPoints: { day: 0, week: 0, month: 0, lifetime: 0 },
  issuedPoints: 0,
  awardedForObject: false,
};

export interface RuleAward {
  ruleId: string;
  version: number;
  points: number;
  growth: number;
  reason: Reason;
  pendingDays: number;
  expiresInDays: number | null;
  /** Multiplier rules folded into this award. */
  multipliedBy: { ruleId: string; version: number; factor: number }[];
  /** The limit that cut the award down, if one did. */
  limitedBy: 'day' | 'week' | 'month' | 'lifetime' | 'budget' | null;
  /** The `oncePer` object this award uses up (e.g. the order id), for the caller to record. */
  onceKey: string | null;
}

export interface RuleMiss {
  ruleId: string;
  version: number;
  why: Reason;
}

export interface Evaluation {
  awards: RuleAward[];
  misses: RuleMiss[];
}

export interface EvaluateOptions {
  currency: string;
  usage?: (ruleId: string) => RuleUsage;
}

interface Matched {
  rule: CompiledRule;
  onceKey: string | null;
}

export function evaluateRules(
  rules: readonly CompiledRule[],
  facts: RuleFacts,
  options: EvaluateOptions,
): Evaluation {
  const usageOf = options.usage ?? (() => NO_USAGE);
  const misses: RuleMiss[] = [];
  const miss = (rule: CompiledRule, why: Reason) =>
    misses.push({ ruleId: rule.ruleId, version: rule.version, why });

  const matched: Matched[] = [];
  for (const rule of ordered(rules)) {
    const verdict = whyNot(rule, facts, usageOf(rule.ruleId));
    if (verdict.why) miss(rule, verdict.why);
    else matched.push({ rule, onceKey: verdict.onceKey });
  }

  const multipliers = bestOfGroups(
    matched.filter(({ rule }) => rule.definition.reward.kind === 'multiplier'),
    ({ rule }) => factorOf(rule),
    (loser, winner) =>
      miss(loser.rule, {
        zh: `同组(${loser.rule.group})的规则 ${winner.rule.ruleId} 倍数更高`,
        en: `rule ${winner.rule.ruleId} in the same group (${loser.rule.group}) multiplies more`,
      }),
  );

  const candidates: RuleAward[] = [];
  for (const { rule, onceKey } of matched) {
    if (rule.definition.reward.kind === 'multiplier') continue;
    const award = computeAward(rule, facts, multipliers, usageOf(rule.ruleId), options.currency, onceKey);
    if (award.points === 0 && award.growth === 0) {
      miss(
        rule,
        award.limitedBy
          ? limitReached(award.limitedBy)
          : { zh: '计算结果为 0 分', en: 'the award rounds to 0' },
      );
    } else {
      candidates.push(award);
    }
  }

  const byId = new Map(rules.map((rule) => [rule.ruleId, rule]));
  const awards = bestOfGroups(
    candidates.map((award) => ({ award, rule: byId.get(award.ruleId)! })),
    ({ award }) => award.points * 1e6 + award.growth,
    (loser, winner) =>
      miss(loser.rule, {
        zh: `同组(${loser.rule.group})的规则 ${winner.rule.ruleId} 奖励更高`,
        en: `rule ${winner.rule.ruleId} in the same group (${loser.rule.group}) gives more`,
      }),
  ).map(({ award }) => award);

  for (const { rule } of multipliers) {
    if (awards.length === 0) miss(rule, { zh: '没有可加倍的积分', en: 'nothing to multiply' });
  }
  return { awards, misses };
}

/** Higher priority first, then rule id: the order awards are listed and ties are broken. */
function ordered(rules: readonly CompiledRule[]): CompiledRule[] {
  return [...rules].sort(
    (a, b) => b.priority - a.priority || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0),
  );
}

function whyNot(
  rule: CompiledRule,
  facts: RuleFacts,
  usage: RuleUsage,
): { why?: Reason; onceKey: string | null } {
  const { definition } = rule;
  if (definition.trigger !== facts.event.type) {
    return {
      why: { zh: `仅适用于 ${definition.trigger} 事件`, en: `applies to ${definition.trigger} events only` },
      onceKey: null,
    };
  }
  const schedule = rule.schedule(facts);
  if (!schedule.ok) return { why: schedule.why!, onceKey: null };
  const condition = rule.condition(facts);
  if (!condition.ok) return { why: condition.why!, onceKey: null };
  const oncePer = definition.limits?.oncePer;
  if (!oncePer) return { onceKey: null };
  const value = facts.event.attributes[oncePer];
  if (typeof value !== 'string' && typeof value !== 'number') {
    return {
      why: { zh: `事件缺少 ${oncePer},无法限次`, en: `the event has no ${oncePer} to limit by` },
      onceKey: null,
    };
  }
  if (usage.awardedForObject) {
    return {
      why: { zh: `${oncePer} ${value} 已奖励过`, en: `already awarded for ${oncePer} ${value}` },
      onceKey: null,
    };
  }
  return { onceKey: String(value) };
}

function factorOf(rule: CompiledRule): number {
  return rule.definition.reward.kind === 'multiplier' ? rule.definition.reward.factor : 1;
}

function computeAward(
  rule: CompiledRule,
  facts: RuleFacts,
  multipliers: readonly Matched[],
  usage: RuleUsage,
  currency: string,
  onceKey: string | null,
): RuleAward {
  const { points: base, amountMinor } = rule.base(facts);
  const applying = (balance: 'points' | 'growth') =>
    multipliers.filter(({ rule: m }) => (m.definition.target ?? { points: 1 })[balance] !== undefined);
  const scaled = (rate: typeof rule.pointsRate, balance: 'points' | 'growth') => {
    if (rate === null) return 0;
    const factor = applying(balance).reduce(
      (product, { rule: m }) => times(product, rateRatio(factorOf(m))),
      ratio(1),
    );
    return toInteger(times(times(base, rate), factor), rule.rounding);
  };
  const uncapped = scaled(rule.pointsRate, 'points');
  const { points, limitedBy } = capped(rule, uncapped, usage);
  // Only the multipliers of the balances this rule feeds are part of its award (and its words).
  const used = [
    ...new Set([
      ...(rule.pointsRate !== null ? applying('points') : []),
      ...(rule.growthRate !== null ? applying('growth') : []),
    ]),
  ];
  return {
    ruleId: rule.ruleId,
    version: rule.version,
    points,
    growth: scaled(rule.growthRate, 'growth'),
    reason: awardReason(
      rule.definition,
      amountMinor,
      used.map(({ rule: m }) => ({ definition: m.definition, factor: factorOf(m) })),
      currency,
      limitedBy !== null,
    ),
    pendingDays: rule.definition.pendingDays ?? 0,
    expiresInDays: rule.definition.expiresInDays ?? null,
    multipliedBy: used.map(({ rule: m }) => ({ ruleId: m.ruleId, version: m.version, factor: factorOf(m) })),
    limitedBy,
    onceKey,
  };
}

/** The award cut to what is left under each per-member limit and the budget. */
function capped(
  rule: CompiledRule,
  points: number,
  usage: RuleUsage,
): Pick<RuleAward, 'points' | 'limitedBy'> {
  const limits = rule.definition.limits;
  let left = points;
  let limitedBy: RuleAward['limitedBy'] = null;
  const cap = (limit: number | undefined, used: number, name: NonNullable<RuleAward['limitedBy']>) => {
    if (limit === undefined) return;
    const room = Math.max(limit - used, 0);
    if (room < left) {
      left = room;
      limitedBy = name;
    }
  };
  for (const period of ['day', 'week', 'month', 'lifetime'] as const) {
    cap(limits?.perMemberPoints?.[period], usage.memberPoints[period], period);
  }
  cap(limits?.budgetPoints, usage.issuedPoints, 'budget');
  return { points: left, limitedBy };
}

function limitReached(limit: NonNullable<RuleAward['limitedBy']>): Reason {
  const zh = { day: '今日', week: '本周', month: '本月', lifetime: '累计', budget: '活动预算' }[limit];
  const en = {
    day: "today's",
    week: "this week's",
    month: "this month's",
    lifetime: 'the lifetime',
    budget: 'the campaign budget',
  }[limit];
  return { zh: `已达${zh}上限`, en: `${en} limit is reached` };
}

/**
 * Keeps stacking entries and, in each exclusive group, the best one by `score` (ties: the order
 * given, i.e. priority then rule id); reports each loser with the winner.
 */
function bestOfGroups<T extends { rule: CompiledRule }>(
  entries: readonly T[],
  score: (entry: T) => number,
  lost: (loser: T, winner: T) => void,
): T[] {
  const winners = new Map<string, T>();
  for (const entry of entries) {
    const group = entry.rule.group;
    if (group === null) continue;
    const best = winners.get(group);
    if (!best || score(entry) > score(best)) winners.set(group, entry);
  }
  return entries.filter((entry) => {
    const group = entry.rule.group;
    if (group === null) return true;
    const winner = winners.get(group)!;
    if (winner !== entry) lost(entry, winner);
    return winner === entry;
  });
}

import type { Database } from '../db/database.ts';
import { minorDigits } from '../rules/money-text.ts';
import { createRule, listRules, publishDraft } from '../rules/rule-store.ts';
import type { RuleDefinition } from '../rules/rule-types.ts';

/**
 * The demo program's earning rules, the kind a shop starts with: points for money spent (pending for
 * the 7-day return window), double points on the Wednesday member day, a one-off bonus on the first
 * order, growth value for tiers, and a bonus for the first review of each order.
 */

export const FIRST_ORDER_BONUS_POINTS = 500;
export const REVIEW_BONUS_POINTS = 100;
export const PURCHASE_PENDING_DAYS = 7;
/** ISO weekday of the member day: Wednesday. */
export const MEMBER_DAY_WEEKDAY = 3;

export function demoRules(currency: string): RuleDefinition[] {
  // "1 currency unit": ¥1 is 100 fen; in a currency without minor units it is 1.
  const perUnitMinor = 10 ** minorDigits(currency);
  return [
    {
      name: { 'zh-CN': '消费积分', en: 'Purchase points' },
      trigger: 'order.paid',
      reward: { kind: 'per_amount', points: 1, perAmountMinor: perUnitMinor, rounding: 'floor' },
      pendingDays: PURCHASE_PENDING_DAYS,
      priority: 100,
    },
    {
      name: { 'zh-CN': '周三会员日', en: 'Wednesday member day' },
      trigger: 'order.paid',
      reward: { kind: 'multiplier', factor: 2 },
      schedule: { weekdays: [MEMBER_DAY_WEEKDAY] },
    },
    {
      name: { 'zh-CN': '首单奖励', en: 'First order bonus' },
      trigger: 'order.paid',
      reward: { kind: 'fixed', points: FIRST_ORDER_BONUS_POINTS },
      // The whole bonus once per member: after the first order there is nothing left to give.
      limits: { perMemberPoints: { lifetime: FIRST_ORDER_BONUS_POINTS } },
      priority: 90,
    },
    {
      name: { 'zh-CN': '消费成长值', en: 'Purchase growth' },
      trigger: 'order.paid',
      reward: { kind: 'per_amount', points: 1, perAmountMinor: perUnitMinor, rounding: 'floor' },
      target: { growth: 1 },
      priority: 80,
    },
    {
      name: { 'zh-CN': '订单评价奖励', en: 'Order review bonus' },
      trigger: 'review.posted',
      reward: { kind: 'fixed', points: REVIEW_BONUS_POINTS },
      limits: { oncePer: 'orderId' },
    },
  ];
}

export interface DemoRulesResult {
  /** Rule ids, in the order of `demoRules`. */
  ruleIds: string[];
  created: number;
  /** Drafts a run interrupted before publishing them, published now. */
  published: number;
}

/**
 * Creates and publishes the demo rules the program does not have yet, recognised by name (in either
 * language), so running the demo again never adds a second copy. A rule found retired stays retired:
 * someone stopped it on purpose.
 */
export async function ensureDemoRules(
  db: Database,
  programId: string,
  currency: string,
  now: Date,
): Promise<DemoRulesResult> {
  return db.transaction(async (tx) => {
    const existing = await listRules(tx, programId);
    const result: DemoRulesResult = { ruleIds: [], created: 0, published: 0 };
    for (const definition of demoRules(currency)) {
      const found = existing.find(({ versions }) =>
        versions.some(
          (version) =>
            version.definition.name.en === definition.name.en ||
            version.definition.name['zh-CN'] === definition.name['zh-CN'],
        ),
      );
      if (found) {
        result.ruleIds.push(found.ruleId);
        if (found.versions.every((version) => version.status === 'draft')) {
          await publishDraft(tx, programId, found.ruleId, now);
          result.published++;
        }
        continue;
      }
      const { ruleId } = await createRule(tx, programId, definition, now);
      await publishDraft(tx, programId, ruleId, now);
      result.ruleIds.push(ruleId);
      result.created++;
    }
    return result;
  });
}

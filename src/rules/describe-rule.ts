import type { Reason } from '../ledger/ledger-types.ts';
import { perMoneyText } from './money-text.ts';
import { isGrowthOnly, type RuleDefinition } from './rule-types.ts';
import { WEEKDAY_EN, WEEKDAY_ZH } from './weekday-names.ts';

/**
 * A rule in plain words for operators' lists, e.g. "order.paid:每 1 元积 1 分;每周三;每人每天最多
 * 500 分" / "order.paid: 1 point per ¥1; on Wednesdays; at most 500 points per member per day".
 * The condition is summarised, not spelled out: the console shows it in full.
 */
export function describeRule(definition: RuleDefinition, currency: string): Reason {
  const parts: Reason[] = [rewardText(definition, currency)];
  const { target, schedule, limits, condition, pendingDays, expiresInDays, stacking } = definition;
  const growthOnly = isGrowthOnly(definition);
  const plainGrowth = growthOnly && target?.growth === 1;
  if (target && !plainGrowth && (target.points !== 1 || target.growth !== undefined)) {
    parts.push(targetText(target));
  }
  if (condition) parts.push({ zh: '满足条件时', en: 'when its condition holds' });
  if (schedule?.from || schedule?.until) {
    parts.push({
      zh: `${schedule.from ?? ''} 至 ${schedule.until ?? ''}`.trim(),
      en: `from ${schedule.from ?? 'now'} until ${schedule.until ?? 'further notice'}`,
    });
  }
  if (schedule?.weekdays) {
    parts.push({
      zh: `每周${schedule.weekdays.map((day) => WEEKDAY_ZH[day]).join('、')}`,
      en: `on ${schedule.weekdays.map((day) => `${WEEKDAY_EN[day]}s`).join(', ')}`,
    });
  }
  if (schedule?.monthDays) {
    parts.push({
      zh: `每月 ${schedule.monthDays.join('、')} 日`,
      en: `on day ${schedule.monthDays.join(', ')} of each month`,
    });
  }
  if (schedule?.hours) {
    const window = `${schedule.hours.from}–${schedule.hours.to}`;
    parts.push({ zh: window, en: window });
  }
  if (schedule?.birthday) {
    parts.push(
      schedule.birthday === 'day'
        ? { zh: '会员生日当天', en: "on the member's birthday" }
        : { zh: '会员生日月', en: "in the member's birth month" },
    );
  }
  for (const [period, points] of Object.entries(limits?.perMemberPoints ?? {})) {
    const [zh, en] = PERIOD_TEXT[period as keyof typeof PERIOD_TEXT];
    parts.push({ zh: `每人${zh}最多 ${points} 分`, en: `at most ${points} points per member ${en}` });
  }
  if (limits?.oncePer) {
    parts.push({ zh: `每个 ${limits.oncePer} 仅一次`, en: `once per ${limits.oncePer}` });
  }
  if (limits?.budgetPoints) {
    parts.push({ zh: `总预算 ${limits.budgetPoints} 分`, en: `budget of ${limits.budgetPoints} points` });
  }
  if (pendingDays) parts.push({ zh: `${pendingDays} 天后到账`, en: `available after ${pendingDays} days` });
  if (expiresInDays)
    parts.push({ zh: `${expiresInDays} 天后过期`, en: `expiring after ${expiresInDays} days` });
  if (stacking?.mode === 'exclusive') {
    parts.push({ zh: `与「${stacking.group}」组内规则择优`, en: `best of group "${stacking.group}"` });
  }
  return {
    zh: `${definition.trigger}:${parts.map((part) => part.zh).join(';')}`,
    en: `${definition.trigger}: ${parts.map((part) => part.en).join('; ')}`,
  };
}

const PERIOD_TEXT = {
  day: ['每天', 'per day'],
  week: ['每周', 'per week'],
  month: ['每月', 'per month'],
  lifetime: ['累计', 'in total'],
} as const;

function rewardText(definition: RuleDefinition, currency: string): Reason {
  const { reward } = definition;
  // A growth-only rule counts growth value (成长值), not points.
  const growth = isGrowthOnly(definition);
  const [earnZh, unitZh] = growth ? ['得', '成长值'] : ['积', '分'];
  const units = (count: number) => (growth ? `${count} growth` : `${count} point${count === 1 ? '' : 's'}`);
  switch (reward.kind) {
    case 'fixed':
      return { zh: `奖励 ${reward.points} ${unitZh}`, en: units(reward.points) };
    case 'per_amount': {
      const per = perMoneyText(reward.perAmountMinor, currency);
      const only = reward.items ? { zh: '(限指定商品)', en: ' (selected items only)' } : { zh: '', en: '' };
      return {
        zh: `每${reward.wholeSteps ? '满' : ''} ${per.zh}${earnZh} ${reward.points} ${unitZh}${only.zh}`,
        en: `${units(reward.points)} per ${reward.wholeSteps ? 'full ' : ''}${per.en}${only.en}`,
      };
    }
    case 'per_item':
      return reward.per === 'unit'
        ? { zh: `每件商品${earnZh} ${reward.points} ${unitZh}`, en: `${units(reward.points)} per item` }
        : {
            zh: `每行商品${earnZh} ${reward.points} ${unitZh}`,
            en: `${units(reward.points)} per order line`,
          };
    case 'multiplier':
      return { zh: `积分 ${reward.factor} 倍`, en: `points ×${reward.factor}` };
  }
}

function targetText(target: NonNullable<RuleDefinition['target']>): Reason {
  const zh: string[] = [];
  const en: string[] = [];
  if (target.points !== undefined) {
    zh.push(`积分 ×${target.points}`);
    en.push(`points ×${target.points}`);
  }
  if (target.growth !== undefined) {
    zh.push(`成长值 ×${target.growth}`);
    en.push(`growth ×${target.growth}`);
  }
  return { zh: zh.join('、'), en: en.join(', ') };
}

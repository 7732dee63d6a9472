import type { Reason } from '../ledger/ledger-types.ts';
import { formatMoney, perMoneyText } from './money-text.ts';
import { isGrowthOnly, type RuleDefinition } from './rule-types.ts';

/**
 * The reason an award's entry carries, in the member's words: "消费 ¥128.00,每 1 元积 1 分,会员日
 * 2 倍" / "Spent ¥128.00: 1 point per ¥1, Member day ×2".
 */
export function awardReason(
  definition: RuleDefinition,
  amountMinor: number | null,
  multipliers: readonly { definition: RuleDefinition; factor: number }[],
  currency: string,
  capped = false,
): Reason {
  const base = baseReason(definition, amountMinor, currency);
  const zh = multipliers.map((m) => `,${m.definition.name['zh-CN']} ${m.factor} 倍`).join('');
  const en = multipliers.map((m) => `, ${m.definition.name.en} ×${m.factor}`).join('');
  // A limit cut the award: the words must not promise more than was given.
  const cap = capped ? { zh: '(已达上限)', en: ' (capped by a limit)' } : { zh: '', en: '' };
  return { zh: `${base.zh}${zh}${cap.zh}`, en: `${base.en}${en}${cap.en}` };
}

function baseReason(definition: RuleDefinition, amountMinor: number | null, currency: string): Reason {
  const { reward, name } = definition;
  // A rule that feeds growth only speaks of growth value, not points.
  const growthOnly = isGrowthOnly(definition);
  const unitZh = growthOnly ? '成长值' : '分';
  const word = (count: number) => (growthOnly ? `${count} growth` : pointsWord(count));
  switch (reward.kind) {
    case 'per_amount': {
      const per = perMoneyText(reward.perAmountMinor, currency);
      const spent = formatMoney(amountMinor ?? 0, currency);
      return {
        zh: `消费 ${spent},每${reward.wholeSteps ? '满' : ''} ${per.zh}${growthOnly ? '得' : '积'} ${reward.points} ${unitZh}`,
        en: `Spent ${spent}: ${word(reward.points)} per ${reward.wholeSteps ? 'full ' : ''}${per.en}`,
      };
    }
    case 'per_item':
      return {
        zh: `${name['zh-CN']}:每${reward.per === 'unit' ? '件' : '行'}商品${growthOnly ? '得' : '积'} ${reward.points} ${unitZh}`,
        en: `${name.en}: ${word(reward.points)} per ${reward.per === 'unit' ? 'item' : 'order line'}`,
      };
    default:
      return { zh: name['zh-CN'], en: name.en };
  }
}

function pointsWord(points: number): string {
  return `${points} point${points === 1 ? '' : 's'}`;
}

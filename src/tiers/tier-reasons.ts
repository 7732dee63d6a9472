import type { Reason } from '../ledger/ledger-types.ts';
import type { EvaluationKind } from './tier-decisions.ts';
import type { Tier } from './tier-types.ts';

/** Why a member's tier changed, in both languages: what tier history and notifications say. */

const growth = (value: number) => value.toLocaleString('en-US');

export const tierReasons = {
  upgrade: (to: Tier, inWindow: number): Reason => ({
    zh: `成长值 ${growth(inWindow)} 达到${to.name['zh-CN']}门槛 ${growth(to.entryGrowth)},升级为${to.name['zh-CN']}`,
    en: `Growth ${growth(inWindow)} reached ${to.name.en} (${growth(to.entryGrowth)}): upgraded`,
  }),
  evaluation: (kind: EvaluationKind, from: Tier, to: Tier, inWindow: number): Reason => {
    switch (kind) {
      case 'upgrade':
        return tierReasons.upgrade(to, inWindow);
      case 'retained':
        return {
          zh: `定级:成长值 ${growth(inWindow)} 达到${from.name['zh-CN']}保级门槛 ${growth(from.retainGrowth)},保持${from.name['zh-CN']}`,
          en: `Evaluation: growth ${growth(inWindow)} met ${from.name.en}'s retention (${growth(from.retainGrowth)}): kept`,
        };
      case 'retained_with_points':
        return {
          zh: `定级:已用积分保级,保持${from.name['zh-CN']}`,
          en: `Evaluation: ${from.name.en} kept with points`,
        };
      case 'downgrade':
        return {
          zh: `定级:成长值 ${growth(inWindow)} 未达${from.name['zh-CN']}保级门槛 ${growth(from.retainGrowth)},降为${to.name['zh-CN']}`,
          en: `Evaluation: growth ${growth(inWindow)} below ${from.name.en}'s retention (${growth(from.retainGrowth)}): now ${to.name.en}`,
        };
    }
  },
  refundDowngrade: (from: Tier, to: Tier, inWindow: number): Reason => ({
    zh: `退款后成长值 ${growth(inWindow)} 低于${from.name['zh-CN']}门槛,恢复为${to.name['zh-CN']}`,
    en: `After a refund growth ${growth(inWindow)} is below ${from.name.en}: back to ${to.name.en}`,
  }),
  manual: (to: Tier, until: Date, why: string): Reason => ({
    zh: `人工调整为${to.name['zh-CN']},至 ${until.toISOString().slice(0, 10)}(${why})`,
    en: `Set to ${to.name.en} by an operator until ${until.toISOString().slice(0, 10)} (${why})`,
  }),
  manualEnded: (from: Tier, to: Tier): Reason => ({
    zh: `人工等级${from.name['zh-CN']}到期,恢复为${to.name['zh-CN']}`,
    en: `Operator-set ${from.name.en} ended: back to ${to.name.en}`,
  }),
};

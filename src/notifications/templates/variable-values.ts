import type {
  Language,
  PointsExpiringData,
  PointsMovedData,
  RedemptionData,
  RiskCaseOpenedData,
  TierChangedData,
} from '../message-types.ts';
import { formatPoints, localDate, localDateTime, reasonText } from './template-formatting.ts';
import type { TemplateContext } from './template-types.ts';

/** Computes each type's variables from its payload; the names match TEMPLATE_VARIABLES (a test checks). */

type Values = Record<string, string>;

const DIRECTION: Record<Language, Record<'in' | 'out', string>> = {
  'zh-CN': { in: '增加', out: '扣减' },
  en: { in: 'added', out: 'deducted' },
};

function pointsMoved(data: PointsMovedData, language: Language, context: TemplateContext): Values {
  const sign = data.direction === 'in' ? '+' : '-';
  return {
    memberId: data.memberId,
    points: formatPoints(data.points),
    signedPoints: `${sign}${formatPoints(data.points)}`,
    direction: DIRECTION[language][data.direction],
    reason: reasonText(data.reason, language),
    available: formatPoints(data.balances.available),
    occurredAt: localDateTime(data.occurredAt, context.timezone),
  };
}

// Templates have no conditionals, so the sentence about pending points is written here, or left empty.
function pendingNote(data: PointsMovedData, availableOn: string, language: Language): string {
  if (data.pendingPoints <= 0 || availableOn === '') return '';
  const all = data.pendingPoints >= data.points;
  const pending = formatPoints(data.pendingPoints);
  if (language === 'zh-CN') {
    return all ? `这些积分将于 ${availableOn} 到账。` : `其中 ${pending} 积分将于 ${availableOn} 到账。`;
  }
  return all
    ? `They become available on ${availableOn}. `
    : `${pending} of them become available on ${availableOn}. `;
}

function pointsEarned(data: PointsMovedData, language: Language, context: TemplateContext): Values {
  const availableAt = localDate(data.availableAt, context.timezone);
  return {
    ...pointsMoved(data, language, context),
    pendingPoints: formatPoints(data.pendingPoints),
    availableAt,
    pendingNote: pendingNote(data, availableAt, language),
  };
}

function pointsExpiring(data: PointsExpiringData): Values {
  return {
    memberId: data.memberId,
    points: formatPoints(data.points),
    // Already the program's local date: converting expiresAt again would show the day after.
    expiresOn: data.expiresOn,
    offsetDays: String(data.offsetDays),
    daysLeft: String(data.daysLeft),
  };
}

function tierName(
  code: string,
  carried: TierChangedData['toTierName'],
  language: Language,
  context: TemplateContext,
): string {
  if (carried) return reasonText(carried, language);
  return context.tierNames?.[code]?.[language] ?? code;
}

function tierChanged(data: TierChangedData, language: Language, context: TemplateContext): Values {
  return {
    memberId: data.memberId,
    fromTier: tierName(data.fromTier, data.fromTierName, language, context),
    toTier: tierName(data.toTier, data.toTierName, language, context),
    kind: data.kind,
    reason: reasonText(data.reason, language),
    growthInWindow: data.growthInWindow === null ? '' : formatPoints(data.growthInWindow),
    occurredAt: localDateTime(data.occurredAt, context.timezone),
  };
}

function redemption(data: RedemptionData, language: Language, context: TemplateContext): Values {
  return {
    memberId: data.memberId,
    redemptionId: data.redemptionId,
    rewardName: reasonText(data.rewardName, language),
    quantity: String(data.quantity),
    points: formatPoints(data.points),
    couponCode: data.couponCodes[0] ?? '',
    carrier: data.shipment?.carrier ?? '',
    trackingNumber: data.shipment?.trackingNumber ?? '',
    cancelReason: data.cancelReason ?? '',
    occurredAt: localDateTime(data.occurredAt, context.timezone),
  };
}

function riskCaseOpened(data: RiskCaseOpenedData, language: Language, context: TemplateContext): Values {
  return {
    memberId: data.memberId,
    caseId: data.caseId,
    rule: data.rule,
    severity: data.severity,
    summary: reasonText(data.summary, language),
    occurredAt: localDateTime(data.occurredAt, context.timezone),
  };
}

/** Each kind of payload's computer; template-variables.ts says which kind each type carries. */
export const variableComputers = {
  pointsEarned,
  pointsMoved,
  pointsExpiring,
  tierChanged,
  redemption,
  riskCaseOpened,
} as const;

export type PayloadKind = keyof typeof variableComputers;

import {
  type Language,
  NOTIFICATION_TYPES,
  type NotificationDataByType,
  type NotificationType,
} from '../message-types.ts';
import type { TemplateContext } from './template-types.ts';
import { type PayloadKind, variableComputers } from './variable-values.ts';

/** A placeholder a template may use, described for the template editor, the docs and the API. */
export interface TemplateVariable {
  name: string;
  description: Record<Language, string>;
}

const variable = (name: string, en: string, zh: string): TemplateVariable => ({
  name,
  description: { en, 'zh-CN': zh },
});

const memberId = variable('memberId', 'Member id, e.g. m-1001', '会员 ID,如 m-1001');
const occurredAt = variable(
  'occurredAt',
  'When it happened, program local time, e.g. 2026-03-11 14:30',
  '发生时间(项目时区),如 2026-03-11 14:30',
);

const pointsMoved = [
  memberId,
  variable('points', 'Points in this change, e.g. 1,200', '本次变动的积分数,如 1,200'),
  variable(
    'signedPoints',
    'Points with a sign: +1,200 added, -1,200 deducted',
    '带符号的积分数:+1,200 或 -1,200',
  ),
  variable('direction', '"added" or "deducted"', '"增加" 或 "扣减"'),
  variable('reason', 'Why the points moved, in the message language', '积分变动原因(按消息语言)'),
  variable('available', 'Available balance after this change, e.g. 3,400', '变动后的可用积分,如 3,400'),
  occurredAt,
];

const pointsEarned = [
  ...pointsMoved,
  variable(
    'pendingPoints',
    'Of these points, those not yet available; 0 if none',
    '其中尚未到账的积分,没有则为 0',
  ),
  variable(
    'availableAt',
    'Local date the pending points become available (YYYY-MM-DD); empty if none',
    '待发放积分的到账日期(YYYY-MM-DD),没有则为空',
  ),
  variable(
    'pendingNote',
    'A sentence saying when pending points arrive (in English it ends with a space); empty if none',
    '待发放积分何时到账的一句说明,没有则为空',
  ),
];

const pointsExpiring = [
  memberId,
  variable('points', 'Points about to expire, e.g. 1,200', '即将过期的积分数,如 1,200'),
  variable(
    'expiresOn',
    'Last local day the points can be used, e.g. 2026-12-31',
    '积分可用的最后一天,如 2026-12-31',
  ),
  variable('offsetDays', 'The reminder offset that fired, e.g. 30', '触发提醒的提前天数设置,如 30'),
  variable('daysLeft', 'Whole days left until the points expire, e.g. 28', '距积分过期还剩的天数,如 28'),
];

const tierChanged = [
  memberId,
  variable('fromTier', 'Previous tier name, in the message language', '原等级名称(按消息语言)'),
  variable('toTier', 'New tier name, in the message language', '新等级名称(按消息语言)'),
  variable('kind', 'Kind of change, e.g. upgrade, downgrade', '变更类型,如 upgrade、downgrade'),
  variable('reason', 'Why the tier changed, in the message language', '等级变更原因(按消息语言)'),
  variable(
    'growthInWindow',
    'Growth counted for the tier, e.g. 5,000; empty if none',
    '计入定级的成长值,如 5,000',
  ),
  occurredAt,
];

const redemption = [
  memberId,
  variable('redemptionId', 'Redemption id', '兑换单号'),
  variable('rewardName', 'Reward name, in the message language', '奖品名称(按消息语言)'),
  variable('quantity', 'Quantity redeemed', '兑换数量'),
  variable('points', 'Points paid, e.g. 1,200', '消耗的积分数,如 1,200'),
  variable('couponCode', 'First coupon code; empty if none', '券码(第一个),没有则为空'),
  variable('carrier', 'Shipping carrier; empty if not shipped', '快递公司,未发货则为空'),
  variable('trackingNumber', 'Tracking number; empty if not shipped', '快递单号,未发货则为空'),
  variable('cancelReason', 'Why it was cancelled; empty if not cancelled', '取消原因,未取消则为空'),
  occurredAt,
];

const riskCaseOpened = [
  memberId,
  variable('caseId', 'Risk case id', '风险案件 ID'),
  variable('rule', 'Risk rule that fired', '触发的风控规则'),
  variable('severity', 'Severity, e.g. high', '严重程度,如 high'),
  variable('summary', 'What was seen, in the message language', '风险摘要(按消息语言)'),
  occurredAt,
];

/** The payload each type carries: types of one kind share their variables and their computer. */
const PAYLOAD_KIND: Record<NotificationType, PayloadKind> = {
  'points.earned': 'pointsEarned',
  'points.spent': 'pointsMoved',
  'points.expiring': 'pointsExpiring',
  'points.expired': 'pointsMoved',
  'points.adjusted': 'pointsMoved',
  'points.reversed': 'pointsMoved',
  'tier.changed': 'tierChanged',
  'redemption.created': 'redemption',
  'redemption.shipped': 'redemption',
  'redemption.delivered': 'redemption',
  'redemption.cancelled': 'redemption',
  'risk.case.opened': 'riskCaseOpened',
};

const VARIABLES_OF_KIND: Record<PayloadKind, readonly TemplateVariable[]> = {
  pointsEarned,
  pointsMoved,
  pointsExpiring,
  tierChanged,
  redemption,
  riskCaseOpened,
};

export const TEMPLATE_VARIABLES = Object.fromEntries(
  NOTIFICATION_TYPES.map((type) => [type, VARIABLES_OF_KIND[PAYLOAD_KIND[type]]]),
) as Record<NotificationType, readonly TemplateVariable[]>;

export const variableNamesFor = (type: NotificationType): string[] =>
  TEMPLATE_VARIABLES[type].map((entry) => entry.name);

/** The value of every variable of `type`, as text in `language` (dates in the program timezone). */
export function templateVariables<T extends NotificationType>(
  type: T,
  data: NotificationDataByType[T],
  language: Language,
  context: TemplateContext,
): Record<string, string> {
  const compute = variableComputers[PAYLOAD_KIND[type]] as (
    data: NotificationDataByType[T],
    language: Language,
    context: TemplateContext,
  ) => Record<string, string>;
  return compute(data, language, context);
}

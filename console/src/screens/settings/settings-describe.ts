import type { TFunction } from 'i18next';
import { formatNumber } from '../../format.ts';
import {
  type ApprovalPolicyBody,
  type ApprovalPolicyView,
  type ExpiryPolicy,
  formatMoney,
  type ProgramPatch,
  type ProgramView,
  valueOfPoints,
} from './settings-model.ts';

/**
 * The settings in words, for the confirmation: each changed setting's old and new value, and
 * what the change affects (what the backend does: settings apply from now on, src/programs).
 */
export interface SettingChange {
  key: string;
  label: string;
  before: string;
  after: string;
  consequence: string | null;
}

export function describeExpiry(t: TFunction, policy: ExpiryPolicy): string {
  switch (policy.kind) {
    case 'never':
      return t('settings.values.never');
    case 'rolling':
      return t('settings.values.rolling', {
        count: policy.count,
        unit: t(`settings.fields.rollingUnits.${policy.unit}`),
      });
    case 'end_of_period': {
      const unit = t(`settings.fields.periodUnits.${policy.unit}`);
      return policy.plusPeriods === 0
        ? t('settings.values.endOfPeriod', { unit })
        : t('settings.values.endOfPeriodPlus', { unit, count: policy.plusPeriods });
    }
    case 'fixed_date':
      return t('settings.values.fixedDate', { date: policy.date });
  }
}

export function describePointValue(
  t: TFunction,
  pointValue: ProgramView['pointValue'],
  currency: string,
  language: string,
): string {
  return t('settings.values.pointValue', {
    points: formatNumber(pointValue.points),
    money: formatMoney(pointValue.amountMinor, currency, language),
  });
}

/** "100 积分 = ¥1.00；1,000 积分 = ¥10.00": what round numbers of points are worth (rounded down, as checkout). */
export function pointValueExamples(
  t: TFunction,
  pointValue: ProgramView['pointValue'],
  currency: string,
  language: string,
): string {
  const amounts = [100, 1000, 10_000];
  return amounts
    .map((points) =>
      t('settings.fields.exampleItem', {
        points: formatNumber(points),
        money: formatMoney(valueOfPoints(points, pointValue), currency, language),
      }),
    )
    .join(language === 'zh-CN' ? '；' : '; ');
}

export function humanDuration(t: TFunction, seconds: number): string {
  if (seconds % 86_400 === 0) return t('settings.values.daysHuman', { count: seconds / 86_400 });
  if (seconds % 3600 === 0) return t('settings.values.hoursHuman', { count: seconds / 3600 });
  return t('settings.values.minutesHuman', { count: Math.round((seconds / 60) * 10) / 10 });
}

function describeTransfers(t: TFunction, limits: ProgramView['transferLimits']): string {
  const shown = (value: number | undefined) =>
    value === undefined ? t('settings.fields.noLimit') : formatNumber(value);
  return t('settings.values.transfer', {
    min: shown(limits.minPoints),
    max: shown(limits.maxPoints),
    daily: shown(limits.dailyMaxPoints),
  });
}

const onOff = (t: TFunction, value: boolean) => (value ? t('settings.values.on') : t('settings.values.off'));

/** Every change a save makes, in the form's order, with its consequence. */
export function describeChanges(
  t: TFunction,
  language: string,
  program: ProgramView,
  patch: ProgramPatch,
  policy: ApprovalPolicyView,
  policyChange: ApprovalPolicyBody | null,
): SettingChange[] {
  const changes: SettingChange[] = [];
  const add = (key: string, before: string, after: string, consequence: string | null) =>
    changes.push({
      key,
      label: t(`settings.labels.${key}` as 'settings.labels.name'),
      before,
      after,
      consequence,
    });
  const currency = patch.currency ?? program.currency;
  if (patch.name !== undefined) add('name', program.name, patch.name, t('settings.confirm.name'));
  if (patch.currency !== undefined)
    add('currency', program.currency, patch.currency, t('settings.confirm.currency', { currency }));
  if (patch.pointValue !== undefined || patch.currency !== undefined)
    add(
      'pointValue',
      describePointValue(t, program.pointValue, program.currency, language),
      describePointValue(t, patch.pointValue ?? program.pointValue, currency, language),
      t('settings.confirm.pointValue'),
    );
  if (patch.timezone !== undefined)
    add(
      'timezone',
      program.timezone,
      patch.timezone,
      t('settings.confirm.timezone', { timezone: patch.timezone }),
    );
  if (patch.expiryPolicy !== undefined) {
    const after = describeExpiry(t, patch.expiryPolicy);
    add(
      'expiryPolicy',
      describeExpiry(t, program.expiryPolicy),
      after,
      t('settings.confirm.expiryPolicy', { policy: after }),
    );
  }
  if (patch.restoredLotGraceDays !== undefined)
    add(
      'restoredLotGraceDays',
      t('settings.values.days', { count: program.restoredLotGraceDays }),
      t('settings.values.days', { count: patch.restoredLotGraceDays }),
      t('settings.confirm.restoredLotGraceDays', { days: patch.restoredLotGraceDays }),
    );
  if (patch.negativeBalance !== undefined)
    add(
      'negativeBalance',
      t(`settings.fields.negativeKinds.${program.negativeBalance}`),
      t(`settings.fields.negativeKinds.${patch.negativeBalance}`),
      patch.negativeBalance === 'allow_debt'
        ? t('settings.confirm.negativeToDebt')
        : t('settings.confirm.negativeToZero'),
    );
  if (patch.transferLimits !== undefined)
    add(
      'transferLimits',
      describeTransfers(t, program.transferLimits),
      describeTransfers(t, patch.transferLimits),
      t('settings.confirm.transferLimits'),
    );
  if (patch.holdTtlSeconds !== undefined) {
    const seconds = (count: number) =>
      t('settings.values.seconds', { count, human: humanDuration(t, count) });
    add(
      'holdTtlSeconds',
      seconds(program.holdTtlSeconds),
      seconds(patch.holdTtlSeconds),
      t('settings.confirm.holdTtlSeconds'),
    );
  }
  if (patch.autoCreateMembers !== undefined)
    add(
      'autoCreateMembers',
      onOff(t, program.autoCreateMembers),
      onOff(t, patch.autoCreateMembers),
      patch.autoCreateMembers ? t('settings.confirm.autoCreateOn') : t('settings.confirm.autoCreateOff'),
    );
  if (policyChange) {
    const threshold = (points: number | null | undefined) =>
      points == null
        ? t('settings.values.noThreshold')
        : t('settings.values.above', { points: formatNumber(points) });
    const consequence = t('settings.confirm.approvals');
    if ((policyChange.pointsAbove ?? null) !== policy.pointsAbove)
      add(
        'approvalPointsAbove',
        threshold(policy.pointsAbove),
        threshold(policyChange.pointsAbove),
        consequence,
      );
    if (policyChange.bulk !== policy.bulk)
      add('approvalBulk', onOff(t, policy.bulk), onOff(t, policyChange.bulk), consequence);
    if (policyChange.tierAssignments !== policy.tierAssignments)
      add(
        'approvalTierAssignments',
        onOff(t, policy.tierAssignments),
        onOff(t, policyChange.tierAssignments),
        consequence,
      );
    if (policyChange.expiresAfterHours !== policy.expiresAfterHours)
      add(
        'approvalExpiresAfterHours',
        t('settings.values.hours', { count: policy.expiresAfterHours }),
        t('settings.values.hours', { count: policyChange.expiresAfterHours ?? 72 }),
        consequence,
      );
  }
  return changes;
}

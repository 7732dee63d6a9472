import type { Input, Output } from '@jifen/sdk';

/**
 * The settings form's model: the program (GET /v1/program) and its approval policy
 * (GET /v1/approval-policy) as form fields, the API's limits, and what a save changes. Kept apart
 * from the screen so the arithmetic (minor units, the diff) is tested on its own.
 */
export type ProgramView = Output<'getCurrentProgram'>;
export type ProgramPatch = Input<'updateCurrentProgram'>['body'];
export type ApprovalPolicyView = Output<'getApprovalPolicy'>;
export type ApprovalPolicyBody = Input<'setApprovalPolicy'>['body'];
export type ExpiryPolicy = ProgramView['expiryPolicy'];
export type ExpiryKind = ExpiryPolicy['kind'];

/** The API's limits (src/programs/program-api-schemas.ts, src/approvals). */
export const LIMITS = {
  name: 200,
  timezone: 64,
  pointValuePoints: 1_000_000_000,
  amountMinor: 1_000_000_000,
  rollingCount: 3650,
  plusPeriods: 100,
  fixedDateMax: '9999-12-30',
  graceDays: 3650,
  transferPoints: 1_000_000_000_000,
  holdTtlSeconds: 30 * 86_400,
  pointsAbove: 1_000_000_000_000,
  approvalHours: 8760,
} as const;

export const CURRENCY_PATTERN = /^[A-Z]{3}$/;

export interface SettingsFields {
  name: string;
  currency: string;
  pointValuePoints: number;
  /** In the currency's major unit (yuan), as an operator thinks of it; sent as minor units. */
  pointValueAmount: number;
  timezone: string;
  expiryKind: ExpiryKind;
  rollingCount: number;
  rollingUnit: 'days' | 'months';
  periodUnit: 'year' | 'quarter' | 'month';
  plusPeriods: number;
  fixedDate: string;
  restoredLotGraceDays: number;
  negativeBalance: ProgramView['negativeBalance'];
  transferMin: number | null;
  transferMax: number | null;
  transferDailyMax: number | null;
  holdTtlSeconds: number;
  autoCreateMembers: boolean;
  approvalPointsAbove: number | null;
  approvalBulk: boolean;
  approvalTierAssignments: boolean;
  approvalExpiresAfterHours: number;
}

/** Digits after the point of a currency's minor unit (CNY 2, JPY 0); 2 for a code Intl does not know. */
export function minorDigits(currency: string): number {
  try {
    return (
      new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ??
      2
    );
  } catch {
    return 2;
  }
}

export function toMinor(amount: number, currency: string): number {
  return Math.round(amount * 10 ** minorDigits(currency));
}

export function fromMinor(minor: number, currency: string): number {
  return minor / 10 ** minorDigits(currency);
}

/** What `points` points are worth in minor units, rounded down as checkout does (src/checkout/quote.ts). */
export function valueOfPoints(points: number, pointValue: ProgramView['pointValue']): number {
  return Number((BigInt(points) * BigInt(pointValue.amountMinor)) / BigInt(pointValue.points));
}

/** Money in the console's language: ¥1.00 / CN¥1.00; the code itself when Intl does not know it. */
export function formatMoney(minor: number, currency: string, language: string): string {
  const amount = fromMinor(minor, currency);
  try {
    return new Intl.NumberFormat(language, { style: 'currency', currency }).format(amount);
  } catch {
    return `${amount} ${currency}`;
  }
}

export function fieldsOf(program: ProgramView, policy: ApprovalPolicyView): SettingsFields {
  const expiry = program.expiryPolicy;
  return {
    name: program.name,
    currency: program.currency,
    pointValuePoints: program.pointValue.points,
    pointValueAmount: fromMinor(program.pointValue.amountMinor, program.currency),
    timezone: program.timezone,
    expiryKind: expiry.kind,
    rollingCount: expiry.kind === 'rolling' ? expiry.count : 12,
    rollingUnit: expiry.kind === 'rolling' ? expiry.unit : 'months',
    periodUnit: expiry.kind === 'end_of_period' ? expiry.unit : 'year',
    plusPeriods: expiry.kind === 'end_of_period' ? expiry.plusPeriods : 1,
    fixedDate: expiry.kind === 'fixed_date' ? expiry.date : '',
    restoredLotGraceDays: program.restoredLotGraceDays,
    negativeBalance: program.negativeBalance,
    transferMin: program.transferLimits.minPoints ?? null,
    transferMax: program.transferLimits.maxPoints ?? null,
    transferDailyMax: program.transferLimits.dailyMaxPoints ?? null,
    holdTtlSeconds: program.holdTtlSeconds,
    autoCreateMembers: program.autoCreateMembers,
    approvalPointsAbove: policy.pointsAbove,
    approvalBulk: policy.bulk,
    approvalTierAssignments: policy.tierAssignments,
    approvalExpiresAfterHours: policy.expiresAfterHours,
  };
}

export function expiryOf(fields: SettingsFields): ExpiryPolicy {
  switch (fields.expiryKind) {
    case 'never':
      return { kind: 'never' };
    case 'rolling':
      return { kind: 'rolling', unit: fields.rollingUnit, count: fields.rollingCount };
    case 'end_of_period':
      return { kind: 'end_of_period', unit: fields.periodUnit, plusPeriods: fields.plusPeriods };
    case 'fixed_date':
      return { kind: 'fixed_date', date: fields.fixedDate };
  }
}

function transferLimitsOf(fields: SettingsFields): ProgramView['transferLimits'] {
  return {
    ...(fields.transferMin != null && { minPoints: fields.transferMin }),
    ...(fields.transferMax != null && { maxPoints: fields.transferMax }),
    ...(fields.transferDailyMax != null && { dailyMaxPoints: fields.transferDailyMax }),
  };
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));
}

function sorted(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, item]) => [key, sorted(item)]),
  );
}

/** The program settings that differ from the program's: the PATCH body (empty: nothing to send). */
export function programPatchOf(fields: SettingsFields, program: ProgramView): ProgramPatch {
  const next: Required<ProgramPatch> = {
    name: fields.name.trim(),
    currency: fields.currency,
    pointValue: {
      points: fields.pointValuePoints,
      amountMinor: toMinor(fields.pointValueAmount, fields.currency),
    },
    timezone: fields.timezone.trim(),
    expiryPolicy: expiryOf(fields),
    negativeBalance: fields.negativeBalance,
    restoredLotGraceDays: fields.restoredLotGraceDays,
    transferLimits: transferLimitsOf(fields),
    holdTtlSeconds: fields.holdTtlSeconds,
    autoCreateMembers: fields.autoCreateMembers,
  };
  const patch: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(next)) {
    if (!same(value, program[key as keyof ProgramView])) patch[key] = value;
  }
  return patch as ProgramPatch;
}

/** The approval policy to PUT, or null when it is the policy in force. */
export function policyChangeOf(
  fields: SettingsFields,
  policy: ApprovalPolicyView,
): ApprovalPolicyBody | null {
  const next: ApprovalPolicyBody = {
    pointsAbove: fields.approvalPointsAbove ?? null,
    bulk: fields.approvalBulk,
    tierAssignments: fields.approvalTierAssignments,
    expiresAfterHours: fields.approvalExpiresAfterHours,
  };
  const { updatedAt: _, ...current } = policy;
  return same(next, current) ? null : next;
}

/** Form field of each PATCH key and approval policy key: where the API's errors for them are shown. */
export const PROGRAM_FIELD_OF: Record<string, keyof SettingsFields> = {
  name: 'name',
  currency: 'currency',
  pointValue: 'pointValueAmount',
  'pointValue/points': 'pointValuePoints',
  'pointValue/amountMinor': 'pointValueAmount',
  timezone: 'timezone',
  expiryPolicy: 'expiryKind',
  'expiryPolicy/count': 'rollingCount',
  'expiryPolicy/unit': 'expiryKind',
  'expiryPolicy/plusPeriods': 'plusPeriods',
  'expiryPolicy/date': 'fixedDate',
  negativeBalance: 'negativeBalance',
  restoredLotGraceDays: 'restoredLotGraceDays',
  transferLimits: 'transferMin',
  'transferLimits/minPoints': 'transferMin',
  'transferLimits/maxPoints': 'transferMax',
  'transferLimits/dailyMaxPoints': 'transferDailyMax',
  holdTtlSeconds: 'holdTtlSeconds',
  autoCreateMembers: 'autoCreateMembers',
};

export const POLICY_FIELD_OF: Record<string, keyof SettingsFields> = {
  pointsAbove: 'approvalPointsAbove',
  bulk: 'approvalBulk',
  tierAssignments: 'approvalTierAssignments',
  expiresAfterHours: 'approvalExpiresAfterHours',
};

/**
 * The form field an API field error belongs to ("body/transferLimits/maxPoints" → transferMax):
 * the longest known path the error's path starts with; null when none.
 */
export function fieldOfError(
  path: readonly (string | number)[],
  table: Record<string, keyof SettingsFields>,
) {
  for (let length = path.length; length > 0; length--) {
    const key = path.slice(0, length).join('/');
    const field = table[key];
    if (field) return field;
  }
  return null;
}

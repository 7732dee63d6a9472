import { type Static, Type } from '@sinclair/typebox';
import type { Reason } from '../ledger/ledger-types.ts';
import type { MemberKey } from '../members/member-key.ts';

/** Tier configuration as data (SPEC §3.3): what operators set, versioned, never rewritten. */

const TierName = Type.Object(
  { 'zh-CN': Type.String({ minLength: 1, maxLength: 50 }), en: Type.String({ minLength: 1, maxLength: 50 }) },
  { additionalProperties: false },
);

export const TierBenefits = Type.Object(
  {
    /** Points earned by rules are multiplied by this for members of the tier (e.g. 1.5). */
    earnMultiplier: Type.Optional(Type.Number({ minimum: 1, maximum: 10 })),
    /** Points credited on the member's birthday (local date), once a year. */
    birthdayBonusPoints: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
    /** Spend this many points to keep the tier at the next evaluation (用积分保级). */
    retainWithPoints: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000_000 })),
    /** Anything else the member page lists (free shipping, lounge access, ...). */
    perks: Type.Optional(Type.Array(TierName, { maxItems: 20 })),
  },
  { additionalProperties: false },
);

export const TierDefinition = Type.Object(
  {
    code: Type.String({
      pattern: '^[a-z][a-z0-9_-]*$',
      maxLength: 40,
      description: 'Stable id, e.g. "gold".',
    }),
    name: TierName,
    /** Growth earned inside the window that reaches the tier (the first tier's is 0). */
    entryGrowth: Type.Integer({ minimum: 0, maximum: 1_000_000_000_000 }),
    /** Growth inside the window that keeps the tier at evaluation (at most entryGrowth). */
    retainGrowth: Type.Integer({ minimum: 0, maximum: 1_000_000_000_000 }),
    benefits: Type.Optional(TierBenefits),
  },
  { additionalProperties: false },
);

export const QualificationWindow = Type.Union([
  Type.Object(
    { kind: Type.Literal('rolling_months'), months: Type.Integer({ minimum: 1, maximum: 36 }) },
    { additionalProperties: false },
  ),
  Type.Object({ kind: Type.Literal('calendar_year') }, { additionalProperties: false }),
]);

export const EvaluationSchedule = Type.Union([
  Type.Object(
    {
      kind: Type.Literal('period_end'),
      every: Type.Union([Type.Literal('month'), Type.Literal('quarter'), Type.Literal('year')]),
    },
    { additionalProperties: false },
  ),
  Type.Object({ kind: Type.Literal('anniversary') }, { additionalProperties: false }),
]);

export const TierConfigSchema = Type.Object(
  {
    tiers: Type.Array(TierDefinition, { minItems: 3, maxItems: 10 }),
    window: QualificationWindow,
    evaluation: EvaluationSchedule,
    /** At evaluation, drop one tier at most, or straight to the highest tier whose retention is met. */
    downgrade: Type.Union([Type.Literal('one_step'), Type.Literal('to_qualified')]),
    /** A refund that drops growth below the tier's entry undoes an upgrade at once (not at evaluation). */
    refundsCanDowngrade: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export type TierConfig = Static<typeof TierConfigSchema>;
export type Tier = Static<typeof TierDefinition>;

export interface FieldError {
  field: string;
  message: string;
}

/** What the schema cannot say: tiers ordered by entry, codes unique, retention within entry. */
export function checkTierConfig(config: TierConfig, at = 'body'): FieldError[] {
  const errors: FieldError[] = [];
  const codes = new Set<string>();
  config.tiers.forEach((tier, index) => {
    const place = `${at}/tiers/${index}`;
    if (codes.has(tier.code))
      errors.push({ field: `${place}/code`, message: `"${tier.code}" is used twice` });
    codes.add(tier.code);
    if (index === 0 && tier.entryGrowth !== 0) {
      errors.push({ field: `${place}/entryGrowth`, message: 'must be 0: every member is in the first tier' });
    }
    const previous = config.tiers[index - 1];
    if (previous && tier.entryGrowth <= previous.entryGrowth) {
      errors.push({
        field: `${place}/entryGrowth`,
        message: `must be above the tier before (${previous.entryGrowth})`,
      });
    }
    const multiplier = tier.benefits?.earnMultiplier;
    if (multiplier !== undefined && Math.abs(multiplier * 100 - Math.round(multiplier * 100)) > 1e-9) {
      errors.push({
        field: `${place}/benefits/earnMultiplier`,
        message: 'has at most 2 decimals (e.g. 1.25)',
      });
    }
    if (tier.retainGrowth > tier.entryGrowth) {
      errors.push({
        field: `${place}/retainGrowth`,
        message: `must be at most entryGrowth (${tier.entryGrowth})`,
      });
    }
  });
  return errors;
}

/** A stored version of the configuration. */
export interface TierConfigVersion {
  version: number;
  config: TierConfig;
  createdAt: string;
}

export type TierChangeKind =
  | 'upgrade'
  | 'downgrade'
  | 'retained'
  | 'retained_with_points'
  | 'refund_downgrade'
  | 'manual'
  | 'manual_ended';

/** One line of tier history: what changed for a member (stored by key; `memberId` for the message), and why. */
export interface TierChange {
  memberId: string;
  memberKey: MemberKey;
  kind: TierChangeKind;
  fromTier: string;
  toTier: string;
  growthInWindow: number | null;
  period: string | null;
  configVersion: number;
  reason: Reason;
  actor: string | null;
}

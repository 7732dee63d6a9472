import { Type } from '@sinclair/typebox';
import { TierConfigSchema } from './tier-types.ts';

/** Response and request shapes of the tiers API; the OpenAPI document is generated from them. */

const Text = Type.Object({ 'zh-CN': Type.String(), en: Type.String() });
const Name = Type.Object({ 'zh-CN': Type.String(), en: Type.String() });

export const TierConfigVersion = Type.Object({
  version: Type.Integer(),
  config: TierConfigSchema,
  createdAt: Type.String({ format: 'date-time' }),
});

const TierSummary = Type.Object({
  code: Type.String(),
  name: Name,
  benefits: Type.Object({}, { additionalProperties: true }),
});

export const MemberTierStatus = Type.Object({
  memberId: Type.String(),
  configVersion: Type.Integer(),
  tier: TierSummary,
  earnedTier: Type.String({
    description: 'The tier growth earned (the tier in force unless an operator set one).',
  }),
  since: Type.String({ format: 'date-time' }),
  manual: Type.Union([
    Type.Object({ tier: Type.String(), until: Type.String({ format: 'date-time' }) }),
    Type.Null(),
  ]),
  growthInWindow: Type.Integer(),
  window: Type.Object({
    from: Type.String({ format: 'date-time' }),
    to: Type.String({ format: 'date-time' }),
  }),
  nextTier: Type.Union([
    Type.Object({ ...TierSummary.properties, entryGrowth: Type.Integer(), growthNeeded: Type.Integer() }),
    Type.Null(),
  ]),
  nextEvaluationAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  projectedTier: Type.Union([
    Type.Object(
      { tier: TierSummary, growthInWindow: Type.Integer() },
      {
        description: 'What the next evaluation would decide if nothing more were earned before it.',
      },
    ),
    Type.Null(),
  ]),
  retainedWithPoints: Type.Boolean(),
});

export const TierHistoryEntry = Type.Object({
  id: Type.String(),
  memberId: Type.String(),
  kind: Type.String(),
  fromTier: Type.String(),
  toTier: Type.String(),
  growthInWindow: Type.Union([Type.Integer(), Type.Null()]),
  period: Type.Union([Type.String(), Type.Null()]),
  configVersion: Type.Integer(),
  reason: Text,
  actor: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
});

import { type Static, Type } from '@sinclair/typebox';
import { ConditionValue, OPERATORS } from '../rules/rule-types.ts';

/**
 * Segments are data (issue 19): a condition in the earning rules' language (all / any / not /
 * comparison, the same operators) over what is known of a member — profile, tier, balances,
 * behaviour in a window, RFM scores, lifecycle stage — instead of over an event. These schemas are
 * what the API accepts and the console's condition builder makes.
 */

export const SEGMENT_ID_PATTERN = '^[a-z0-9][a-z0-9_-]{0,63}$';
/** Lifecycle stages are segments of their own, with ids `stage_<name>`; other ids may not start so. */
export const STAGE_PREFIX = 'stage_';

/** Lifecycle stages, in the order a member is judged: the first that fits is theirs. */
export const STAGES = ['new', 'high_value', 'active', 'at_risk', 'dormant', 'churned'] as const;
export type Stage = (typeof STAGES)[number];

export const stageSegmentId = (stage: Stage) => `${STAGE_PREFIX}${stage}`;

/**
 * Where a segment condition reads a value (segments/segment-fields.ts lists them):
 * `member.<field>`, `balance.<kind>`, `activity.<measure>.<window>` (`30d` … `3650d` or `all`),
 * `activity.lastOrderDays`, `rfm.<score or figure>`.
 */
export const SegmentFieldPath = Type.String({
  pattern: '^(member|balance|activity|rfm)(\\.[A-Za-z0-9_-]+)+$',
  maxLength: 200,
  description:
    'member.<field>, balance.<kind>, activity.<measure>.<window>, activity.lastOrderDays or rfm.<field>.',
});

const SegmentComparison = Type.Object(
  {
    field: SegmentFieldPath,
    op: Type.Union(OPERATORS.map((op) => Type.Literal(op))),
    value: Type.Optional(ConditionValue),
  },
  { additionalProperties: false },
);

export const SegmentCondition = Type.Recursive(
  (Self) =>
    Type.Union([
      Type.Object({ all: Type.Array(Self, { minItems: 1, maxItems: 50 }) }, { additionalProperties: false }),
      Type.Object({ any: Type.Array(Self, { minItems: 1, maxItems: 50 }) }, { additionalProperties: false }),
      Type.Object({ not: Self }, { additionalProperties: false }),
      SegmentComparison,
    ]),
  {
    $id: 'SegmentCondition',
    description: 'A safe expression as JSON over a member: all / any / not / comparison.',
  },
);
export type SegmentCondition = Static<typeof SegmentCondition>;
export type SegmentComparison = Static<typeof SegmentComparison>;

/** Refers to the one `SegmentCondition` schema by $id (registered once, as it is recursive). */
export const SegmentConditionRef = Type.Unsafe<SegmentCondition>(Type.Ref('SegmentCondition'));

/** Lifecycle and RFM settings of a program. */
export interface SegmentSettings {
  /** Orders and spend counted for RFM: those of the last N days. */
  rfmWindowDays: number;
  stages: {
    /** Joined fewer than N days ago. */
    newDays: number;
    /** Last order at most N days ago (or joined, for a member who never ordered). */
    activeDays: number;
    atRiskDays: number;
    /** Beyond this, churned; between atRiskDays and this, dormant. */
    churnedDays: number;
    /** Active members whose monetary and frequency scores reach these are high value. */
    highValueMinMonetary: number;
    highValueMinFrequency: number;
  };
  /** How often the sweep recomputes every member. */
  recomputeEveryMinutes: number;
}

export const DEFAULT_SEGMENT_SETTINGS: SegmentSettings = {
  rfmWindowDays: 365,
  stages: {
    newDays: 30,
    activeDays: 90,
    atRiskDays: 180,
    churnedDays: 365,
    highValueMinMonetary: 5,
    highValueMinFrequency: 4,
  },
  recomputeEveryMinutes: 60,
};

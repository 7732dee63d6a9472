import { Type } from '@sinclair/typebox';
import { SEGMENT_ID_PATTERN, SegmentConditionRef } from './segment-types.ts';

/** Request and response shapes of the segments API; the OpenAPI document is generated from them. */

const Name = Type.Object(
  {
    'zh-CN': Type.String({ minLength: 1, maxLength: 200 }),
    en: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: false, description: 'A name in each language, shown to operators.' },
);
const Description = Type.Union([Type.String({ maxLength: 2000 }), Type.Null()]);
const Instant = Type.String({ format: 'date-time' });

export const SegmentParams = Type.Object({ segmentId: Type.String({ minLength: 1, maxLength: 64 }) });

export const SegmentBody = Type.Object(
  {
    id: Type.String({
      pattern: SEGMENT_ID_PATTERN,
      description: 'Lower-case letters, digits, - and _; `stage_` is kept for the lifecycle stages.',
    }),
    name: Name,
    description: Type.Optional(Description),
    condition: SegmentConditionRef,
  },
  { additionalProperties: false },
);

export const SegmentPatch = Type.Object(
  {
    name: Type.Optional(Name),
    description: Type.Optional(Description),
    condition: Type.Optional(SegmentConditionRef),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const SegmentView = Type.Object({
  id: Type.String(),
  kind: Type.Union([Type.Literal('rule'), Type.Literal('stage')]),
  name: Type.Object({ 'zh-CN': Type.String(), en: Type.String() }),
  description: Description,
  condition: Type.Union([SegmentConditionRef, Type.Null()]),
  status: Type.Union([Type.Literal('active'), Type.Literal('archived')]),
  size: Type.Union([Type.Integer(), Type.Null()]),
  computedAt: Type.Union([Instant, Type.Null()]),
  createdAt: Instant,
  updatedAt: Instant,
});

export const SegmentListQuery = Type.Object({
  status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('archived')])),
});

export const SegmentMember = Type.Object({ memberId: Type.String(), since: Instant });

export const SegmentSizesQuery = Type.Object({
  from: Type.Optional(Type.String({ format: 'date' })),
  to: Type.Optional(Type.String({ format: 'date' })),
});
export const SegmentSize = Type.Object({ date: Type.String({ format: 'date' }), members: Type.Integer() });

export const RecomputeAnswer = Type.Object({
  computedAt: Instant,
  members: Type.Integer(),
  segments: Type.Array(Type.Object({ id: Type.String(), size: Type.Integer() })),
});

export const PreviewBody = Type.Object({ condition: SegmentConditionRef }, { additionalProperties: false });
export const PreviewAnswer = Type.Object({
  size: Type.Integer(),
  sample: Type.Array(Type.Object({ memberId: Type.String() })),
});

const Days = Type.Integer({ minimum: 1, maximum: 3650 });
const Score = Type.Integer({ minimum: 1, maximum: 5 });
export const SegmentSettingsSchema = Type.Object(
  {
    rfmWindowDays: Days,
    stages: Type.Object(
      {
        newDays: Days,
        activeDays: Days,
        atRiskDays: Days,
        churnedDays: Days,
        highValueMinMonetary: Score,
        highValueMinFrequency: Score,
      },
      { additionalProperties: false },
    ),
    recomputeEveryMinutes: Type.Integer({ minimum: 5, maximum: 10_080 }),
  },
  { additionalProperties: false },
);

export const SegmentField = Type.Object({
  field: Type.String(),
  type: Type.Union([
    Type.Literal('number'),
    Type.Literal('string'),
    Type.Literal('list'),
    Type.Literal('date'),
  ]),
  windowed: Type.Boolean(),
  description: Type.Object({ 'zh-CN': Type.String(), en: Type.String() }),
});

const Check = Type.Object({
  path: Type.String({
    description:
      'Where the comparison sits in the condition (`/all/0`, `/any/1/not`); `ok` is the comparison alone.',
  }),
  field: Type.String(),
  op: Type.String(),
  value: Type.Unknown(),
  actual: Type.Unknown(),
  ok: Type.Boolean(),
});

export const MemberSegmentsView = Type.Object({
  stage: Type.Union([Type.String(), Type.Null()]),
  rfm: Type.Object({
    recencyDays: Type.Union([Type.Integer(), Type.Null()]),
    orders: Type.Integer(),
    spendMinor: Type.Integer(),
    recency: Type.Union([Type.Integer(), Type.Null()]),
    frequency: Type.Union([Type.Integer(), Type.Null()]),
    monetary: Type.Union([Type.Integer(), Type.Null()]),
  }),
  computedAt: Type.Union([Instant, Type.Null()]),
  segments: Type.Array(
    Type.Object({
      id: Type.String(),
      kind: Type.Union([Type.Literal('rule'), Type.Literal('stage')]),
      name: Type.Object({ 'zh-CN': Type.String(), en: Type.String() }),
      since: Type.Union([Instant, Type.Null()]),
      checks: Type.Array(Check),
    }),
  ),
});

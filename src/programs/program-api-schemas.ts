import { type Static, Type } from '@sinclair/typebox';
import { MAX_POINTS, pageOf } from '../shared/api-schemas.ts';

/** Response and request shapes of the program API; the OpenAPI document is generated from them. */

const ExpiryPolicySchema = Type.Union(
  [
    Type.Object({ kind: Type.Literal('never') }, { additionalProperties: false }),
    Type.Object(
      {
        kind: Type.Literal('rolling'),
        unit: Type.Union([Type.Literal('days'), Type.Literal('months')]),
        count: Type.Integer({ minimum: 1, maximum: 3650 }),
      },
      { additionalProperties: false },
    ),
    Type.Object(
      {
        kind: Type.Literal('end_of_period'),
        unit: Type.Union([Type.Literal('year'), Type.Literal('quarter'), Type.Literal('month')]),
        plusPeriods: Type.Integer({ minimum: 0, maximum: 100 }),
      },
      { additionalProperties: false },
    ),
    Type.Object(
      {
        kind: Type.Literal('fixed_date'),
        // Points expire at the midnight after this local day: for the latest day allowed, that is
        // still before the year 10000 in UTC from any time zone.
        date: Type.String({ format: 'date', formatMaximum: '9999-12-30' }),
      },
      { additionalProperties: false },
    ),
  ],
  {
    description:
      'never; rolling N days/months after the points become available; end of the year/quarter/month plus N periods; or a fixed date. Deadlines fall at midnight in the program timezone.',
  },
);

const TransferLimits = Type.Object(
  {
    minPoints: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_POINTS })),
    maxPoints: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_POINTS })),
    dailyMaxPoints: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_POINTS })),
  },
  { additionalProperties: false },
);

const NegativeBalance = Type.Union([Type.Literal('allow_debt'), Type.Literal('cap_at_zero')], {
  description:
    'allow_debt: clawbacks may leave debt, recovered from later credits; cap_at_zero: the rest is written off.',
});

const PointValue = Type.Object(
  {
    points: Type.Integer({ minimum: 1, maximum: 1_000_000_000 }),
    amountMinor: Type.Integer({ minimum: 0, maximum: 1_000_000_000 }),
  },
  {
    additionalProperties: false,
    description: '`points` points are worth `amountMinor` minor currency units.',
  },
);

export const ProgramView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  currency: Type.String(),
  pointValue: PointValue,
  timezone: Type.String(),
  expiryPolicy: ExpiryPolicySchema,
  negativeBalance: NegativeBalance,
  restoredLotGraceDays: Type.Integer(),
  transferLimits: TransferLimits,
  holdTtlSeconds: Type.Integer(),
  autoCreateMembers: Type.Boolean({
    description: 'Events for a member the program has not seen create the member.',
  }),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  archivedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
    description: 'When the program was archived (its writes answer 409 program_archived); null while live.',
  }),
});

/**
 * A program's settings, each optional: the body of `PATCH /v1/program` as it is, and of
 * `POST /v1/programs` with a name required (`ProgramCreate`), where what is left out takes the
 * defaults. One definition, so the two cannot drift apart.
 */
export const ProgramPatch = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    currency: Type.Optional(
      Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217; a new program has CNY by default.' }),
    ),
    pointValue: Type.Optional(PointValue),
    timezone: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description: 'IANA timezone; a new program has Asia/Shanghai by default.',
      }),
    ),
    expiryPolicy: Type.Optional(ExpiryPolicySchema),
    negativeBalance: Type.Optional(NegativeBalance),
    restoredLotGraceDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 3650 })),
    transferLimits: Type.Optional(TransferLimits),
    holdTtlSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 30 * 86_400 })),
    autoCreateMembers: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

/**
 * `POST /v1/programs` (admin key): a new program, `ProgramPatch`'s settings with `name` required
 * (in the OpenAPI document: `allOf` of `ProgramPatch` and the requirement, no second copy).
 */
export const ProgramCreate = Type.Intersect([ProgramPatch, Type.Unsafe({ required: ['name'] })]);

/** The body `ProgramCreate` admits (TypeBox cannot infer a requirement added by `allOf`). */
export type ProgramCreateBody = Static<typeof ProgramPatch> & { name: string };

export const ProgramList = pageOf(ProgramView);

export const ProgramIdParams = Type.Object({ programId: Type.String({ minLength: 1, maxLength: 64 }) });

/** `POST /v1/programs/{programId}/keys` (admin key): the program's first owner key. */
export const ProgramKeyCreate = Type.Object(
  { name: Type.Optional(Type.String({ minLength: 1, maxLength: 100, default: 'owner' })) },
  { additionalProperties: false },
);

export const ProgramKeyCreated = Type.Object({
  key: Type.Object({
    id: Type.String(),
    name: Type.String(),
    prefix: Type.String(),
    scopes: Type.Array(Type.String()),
    createdAt: Type.String({ format: 'date-time' }),
    revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    rateLimitPerMinute: Type.Union([Type.Integer(), Type.Null()]),
  }),
  secret: Type.Union([Type.String(), Type.Null()], {
    description: 'The owner key itself, shown only in the first answer (null in a replay).',
  }),
});

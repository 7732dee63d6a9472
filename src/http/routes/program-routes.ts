import { Type } from '@sinclair/typebox';
import type { ExpiryPolicy } from '../../programs/expiry-policy.ts';
import { getProgram, updateProgramSettings } from '../../programs/program-store.ts';
import { MAX_POINTS, problemResponses } from '../../shared/api-schemas.ts';
import { principalOf } from '../auth.ts';
import type { RouteDeps, TypedApp } from '../route-deps.ts';

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

const Program = Type.Object({
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
});

const ProgramPatch = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$' })),
    pointValue: Type.Optional(PointValue),
    timezone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    expiryPolicy: Type.Optional(ExpiryPolicySchema),
    negativeBalance: Type.Optional(NegativeBalance),
    restoredLotGraceDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 3650 })),
    transferLimits: Type.Optional(TransferLimits),
    holdTtlSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 30 * 86_400 })),
    autoCreateMembers: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export function programRoutes(app: TypedApp, deps: RouteDeps): void {
  app.get(
    '/v1/program',
    {
      config: { scope: 'members:read' },
      schema: {
        tags: ['program'],
        summary: "The key's program and its ledger settings",
        response: { 200: Program, ...problemResponses },
      },
    },
    async (request) => getProgram(deps.db, principalOf(request).programId),
  );

  app.patch(
    '/v1/program',
    {
      config: { scope: 'program:manage' },
      schema: {
        tags: ['program'],
        summary: 'Change program settings; they apply from now on and never rewrite history',
        body: ProgramPatch,
        response: { 200: Program, ...problemResponses },
      },
    },
    async (request) => {
      const { expiryPolicy, ...rest } = request.body;
      return updateProgramSettings(
        deps.db,
        principalOf(request).programId,
        { ...rest, ...(expiryPolicy ? { expiryPolicy: expiryPolicy as ExpiryPolicy } : {}) },
        deps.clock.now(),
      );
    },
  );
}

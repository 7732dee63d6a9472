import { Type } from '@sinclair/typebox';
import { MemberId } from '../shared/api-schemas.ts';
import { EventAttributes, type RuleDefinition } from './rule-types.ts';

/** Response and request shapes of the rules API; the OpenAPI document is generated from them. */

/**
 * A rule definition, by reference to the schema the app registers under this $id. Validated
 * against the registered schema; the type provider cannot see through a $ref.
 */
export const DefinitionRef = Type.Unsafe<RuleDefinition>(Type.Ref('RuleDefinition'));
const RuleId = Type.String({ minLength: 1, maxLength: 64 });
export const RuleParams = Type.Object({ ruleId: RuleId });
const Text = Type.Object({ 'zh-CN': Type.String(), en: Type.String() });

export const RuleVersion = Type.Object({
  version: Type.Integer(),
  status: Type.Union([
    Type.Literal('draft'),
    Type.Literal('published'),
    Type.Literal('superseded'),
    Type.Literal('retired'),
  ]),
  definition: DefinitionRef,
  description: Text,
  createdAt: Type.String({ format: 'date-time' }),
  publishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  endedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
export const Rule = Type.Object({ id: Type.String(), versions: Type.Array(RuleVersion) });

const Award = Type.Object({
  ruleId: Type.String(),
  version: Type.Integer(),
  points: Type.Integer(),
  growth: Type.Integer(),
  reason: Text,
  pendingDays: Type.Integer(),
  expiresInDays: Type.Union([Type.Integer(), Type.Null()]),
  multipliedBy: Type.Array(
    Type.Object({ ruleId: Type.String(), version: Type.Integer(), factor: Type.Number() }),
  ),
  limitedBy: Type.Union([Type.String(), Type.Null()]),
  onceKey: Type.Union([Type.String(), Type.Null()]),
});

export const PreviewBody = Type.Object(
  {
    event: Type.Object(
      {
        type: Type.String({ minLength: 1, maxLength: 100 }),
        memberId: MemberId,
        occurredAt: Type.Optional(Type.String({ format: 'date-time' })),
        attributes: Type.Optional(EventAttributes),
      },
      { additionalProperties: false },
    ),
    useDrafts: Type.Optional(Type.Boolean({ description: 'Judge by each rule’s draft where it has one.' })),
  },
  { additionalProperties: false },
);

export const PreviewResult = Type.Object({
  awards: Type.Array(Award),
  misses: Type.Array(Type.Object({ ruleId: Type.String(), version: Type.Integer(), why: Text })),
  totals: Type.Object({ points: Type.Integer(), growth: Type.Integer() }),
  memberKnown: Type.Boolean(),
});

export const BackTestBody = Type.Object(
  {
    from: Type.String({ format: 'date-time', description: 'First instant included.' }),
    to: Type.String({ format: 'date-time', description: 'First instant not included.' }),
  },
  { additionalProperties: false },
);

const BackTestTotals = {
  points: Type.Integer(),
  growth: Type.Integer(),
  costMinor: Type.Integer({ description: 'Money the net points stand for, at the program point value.' }),
};
const Scenario = Type.Object({
  ...BackTestTotals,
  pointsTakenBack: Type.Integer({ description: 'Points refunds in the range would take back.' }),
  byDay: Type.Array(Type.Object({ date: Type.String(), ...BackTestTotals, pointsTakenBack: Type.Integer() })),
  byRule: Type.Array(
    Type.Object({
      ruleId: Type.String(),
      version: Type.Integer(),
      awards: Type.Integer(),
      ...BackTestTotals,
    }),
  ),
});
export const BackTestReport = Type.Object({
  from: Type.String({ format: 'date-time' }),
  to: Type.String({ format: 'date-time' }),
  events: Type.Integer(),
  currency: Type.String(),
  inForce: Scenario,
  proposed: Scenario,
  drafts: Type.Array(Type.Object({ ruleId: Type.String(), version: Type.Integer() })),
});

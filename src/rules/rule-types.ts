import { type Static, Type } from '@sinclair/typebox';

/**
 * Earning rules are data (SPEC §3.2): these schemas are what the API accepts and the console
 * builds, and the OpenAPI document describes. Everything a rule can say is here; the compiler
 * (`compile-rule.ts`) turns one rule version into plain functions once.
 */

const Name = Type.Object(
  {
    'zh-CN': Type.String({ minLength: 1, maxLength: 200 }),
    en: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: false, description: 'A name in each language, shown to operators.' },
);

/**
 * Where a condition reads a value:
 * - `event.type`, `event.<attribute path>` (e.g. `event.amountMinor`, `event.channel`, `event.store`);
 * - `member.status`, `member.tags`, `member.tier`, `member.segments`, `member.joinedDays` (days since
 *   joining), `member.birthday` (MM-DD), `member.attributes.<key>`;
 * - `time.weekday` (1 = Monday … 7 = Sunday), `time.hour` (0–23), `time.date` (YYYY-MM-DD),
 *   `time.monthDay` (1–31), `time.month` (1–12), all in the program's timezone;
 * - inside `items.where`: `item.sku`, `item.category`, `item.quantity`, `item.unitPriceMinor`,
 *   `item.amountMinor`.
 */
export const FieldPath = Type.String({
  pattern: '^(event|member|time|item)(\\.[A-Za-z0-9_-]+)+$',
  maxLength: 200,
  description: 'event.<path>, member.<field>, time.<part> or (in items.where) item.<field>.',
});

export const OPERATORS = [
  'eq',
  'ne',
  'gt',
  'gte',
  'lt',
  'lte',
  'in',
  'not_in',
  'contains',
  'starts_with',
  'between',
  'exists',
  'not_exists',
] as const;
export type Operator = (typeof OPERATORS)[number];

const Scalar = Type.Union([
  Type.String({ maxLength: 500 }),
  Type.Number({ minimum: -Number.MAX_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER }),
  Type.Boolean(),
]);
/** What a comparison compares with: one value or a list (rules' and segments' conditions alike). */
export const ConditionValue = Type.Union([Scalar, Type.Array(Scalar, { maxItems: 1000 })]);

const Comparison = Type.Object(
  {
    field: FieldPath,
    op: Type.Union(OPERATORS.map((op) => Type.Literal(op))),
    value: Type.Optional(ConditionValue),
  },
  { additionalProperties: false },
);

/** The largest points or money amount a limit or threshold may name (a trillion, as for ledger amounts). */
const MAX_LIMIT = 1_000_000_000_000;

const AtLeast = Type.Object(
  {
    count: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
    quantity: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000_000 })),
    amountMinor: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LIMIT })),
  },
  { additionalProperties: false },
);

export const Condition = Type.Recursive(
  (Self) =>
    Type.Union([
      Type.Object({ all: Type.Array(Self, { minItems: 1, maxItems: 50 }) }, { additionalProperties: false }),
      Type.Object({ any: Type.Array(Self, { minItems: 1, maxItems: 50 }) }, { additionalProperties: false }),
      Type.Object({ not: Self }, { additionalProperties: false }),
      Comparison,
      Type.Object(
        {
          items: Type.Object(
            {
              /** Which line items count (a condition over `item.*`); all of them when absent. */
              where: Type.Optional(Self),
              /** The matching items must reach these; at least one item when absent. */
              atLeast: Type.Optional(AtLeast),
            },
            { additionalProperties: false },
          ),
        },
        { additionalProperties: false },
      ),
    ]),
  { $id: 'RuleCondition', description: 'A safe expression as JSON: all / any / not / comparison / items.' },
);
export type Condition = Static<typeof Condition>;
export type Comparison = Static<typeof Comparison>;

/**
 * Where a rule holds a condition, it refers to the one `RuleCondition` schema by $id (register
 * `Condition` beside any schema that uses it), so a recursive schema is never embedded twice.
 */
const ConditionRef = Type.Unsafe<Condition>(Type.Ref('RuleCondition'));

const Rounding = Type.Union([Type.Literal('floor'), Type.Literal('round'), Type.Literal('ceil')], {
  description: 'How a fractional award becomes whole points: floor (default), round half up, or ceil.',
});

/**
 * A positive decimal with at most 4 decimal places (checked when the rule compiles: JSON Schema's
 * multipleOf is unreliable on binary floats), kept exact in arithmetic.
 */
export const Rate = Type.Number({ exclusiveMinimum: 0, maximum: 1_000_000 });

export const Reward = Type.Union([
  Type.Object(
    { kind: Type.Literal('fixed'), points: Type.Integer({ minimum: 1, maximum: 1_000_000_000 }) },
    { additionalProperties: false, description: 'The same points for every matching event.' },
  ),
  Type.Object(
    {
      kind: Type.Literal('per_amount'),
      points: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
      perAmountMinor: Type.Integer({ minimum: 1, maximum: 100_000_000 }),
      rounding: Type.Optional(Rounding),
      /** 每满: only whole steps count (¥128 at 5 per ¥10 → 60), instead of pro rata (→ 64). */
      wholeSteps: Type.Optional(Type.Boolean()),
      /** Only these line items' amount counts (e.g. exclude gift cards); the event amount otherwise. */
      items: Type.Optional(ConditionRef),
    },
    {
      additionalProperties: false,
      description: '`points` for every `perAmountMinor` of money (e.g. 1 point per 100 fen = per ¥1).',
    },
  ),
  Type.Object(
    {
      kind: Type.Literal('per_item'),
      points: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
      per: Type.Union([Type.Literal('unit'), Type.Literal('line')]),
      items: Type.Optional(ConditionRef),
    },
    { additionalProperties: false, description: '`points` per matching unit bought, or per matching line.' },
  ),
  Type.Object(
    { kind: Type.Literal('multiplier'), factor: Rate },
    {
      additionalProperties: false,
      description:
        'Multiplies what the other (non-multiplier) rules award for the same event, e.g. member day ×2.',
    },
  ),
]);
export type Reward = Static<typeof Reward>;

/**
 * For a multiplier rule, the target names the balances it multiplies (points only by default);
 * the rates themselves are not used.
 */
export const Target = Type.Object(
  {
    /** Points per point of reward (1 = as computed). Absent: the rule gives no points. */
    points: Type.Optional(Rate),
    /** Growth value per point of reward. Absent: the rule gives no growth value. */
    growth: Type.Optional(Rate),
  },
  { additionalProperties: false, description: 'Which balance the reward feeds, at which rate.' },
);
export type Target = Static<typeof Target>;

const LocalDate = Type.String({ format: 'date', description: 'YYYY-MM-DD in the program timezone.' });
const LocalTime = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: 'HH:MM' });

export const Schedule = Type.Object(
  {
    /** First and last day the rule applies, inclusive, in the program's timezone. */
    from: Type.Optional(LocalDate),
    until: Type.Optional(LocalDate),
    weekdays: Type.Optional(
      Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), { minItems: 1, maxItems: 7 }),
    ),
    monthDays: Type.Optional(
      Type.Array(Type.Integer({ minimum: 1, maximum: 31 }), { minItems: 1, maxItems: 31 }),
    ),
    /** From (inclusive) to (exclusive); a window past midnight such as 22:00–02:00 is allowed. */
    hours: Type.Optional(Type.Object({ from: LocalTime, to: LocalTime }, { additionalProperties: false })),
    /** Only on the member's birthday, or in their birth month. */
    birthday: Type.Optional(Type.Union([Type.Literal('day'), Type.Literal('month')])),
  },
  { additionalProperties: false },
);
export type Schedule = Static<typeof Schedule>;

export const Limits = Type.Object(
  {
    /** Most points (of this rule) one member can earn per local day / ISO week / month / ever. */
    perMemberPoints: Type.Optional(
      Type.Object(
        {
          day: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LIMIT })),
          week: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LIMIT })),
          month: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LIMIT })),
          lifetime: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LIMIT })),
        },
        { additionalProperties: false },
      ),
    ),
    /** At most once per value of this event attribute, e.g. `orderId`: first review per order. */
    oncePer: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]+$', maxLength: 100 })),
    /** Total points this rule may ever issue, across all members (a campaign budget). */
    budgetPoints: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LIMIT })),
  },
  { additionalProperties: false },
);
export type Limits = Static<typeof Limits>;

export const Stacking = Type.Union(
  [
    Type.Object({ mode: Type.Literal('stack') }, { additionalProperties: false }),
    Type.Object(
      { mode: Type.Literal('exclusive'), group: Type.String({ minLength: 1, maxLength: 100 }) },
      { additionalProperties: false },
    ),
  ],
  { description: 'stack: adds to the others; exclusive: only the best award in its group fires.' },
);
export type Stacking = Static<typeof Stacking>;

export const RuleDefinition = Type.Object(
  {
    name: Name,
    trigger: Type.String({ pattern: '^[a-z][a-z0-9_]*(\\.[a-z0-9_]+)*$', maxLength: 100 }),
    condition: Type.Optional(ConditionRef),
    reward: Reward,
    target: Type.Optional(Target),
    schedule: Type.Optional(Schedule),
    limits: Type.Optional(Limits),
    pendingDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 365 })),
    expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 36_500 })),
    priority: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
    stacking: Type.Optional(Stacking),
  },
  { additionalProperties: false, $id: 'RuleDefinition' },
);
export type RuleDefinition = Static<typeof RuleDefinition>;

/** A rule that feeds growth value only (its words say 成长值, not 分). */
export function isGrowthOnly(definition: RuleDefinition): boolean {
  return definition.target !== undefined && definition.target.points === undefined;
}

/** One published version of a rule: what an award records. */
export interface RuleVersion {
  ruleId: string;
  version: number;
  definition: RuleDefinition;
}

/** A line item as events carry it (SPEC §3.2): amounts in minor units, never floats. */
export const LineItemSchema = Type.Object(
  {
    sku: Type.String({ minLength: 1, maxLength: 100 }),
    category: Type.Optional(Type.String({ maxLength: 100 })),
    quantity: Type.Integer({ minimum: 0, maximum: 1_000_000 }),
    unitPriceMinor: Type.Integer({ minimum: 0, maximum: 1_000_000_000_000 }),
    amountMinor: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000_000_000 })),
  },
  { additionalProperties: true },
);

/** Event attributes: free-form, except the ones rules compute with, which must be well-formed. */
export const EventAttributes = Type.Object(
  {
    amountMinor: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000_000_000 })),
    currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$' })),
    items: Type.Optional(Type.Array(LineItemSchema, { maxItems: 1000 })),
  },
  { additionalProperties: true },
);

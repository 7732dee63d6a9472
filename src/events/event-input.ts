import { type Static, Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { EventAttributes } from '../rules/rule-types.ts';
import { isStorableDate, NOT_STORABLE_DATE } from '../shared/storable-dates.ts';
import { type FieldError, findUnstorable } from '../shared/storable-input.ts';

/** What integrations send (SPEC §3.2): something that happened to a member. */

/** The built-in types; any other dotted lower-case name is a custom type rules can trigger on. */
export const BUILT_IN_EVENT_TYPES = [
  'order.paid',
  'order.refunded',
  'order.cancelled',
  'member.registered',
  'member.profile_completed',
  'member.checked_in',
  'review.posted',
  'content.shared',
  'referral.converted',
] as const;

export const EventInputSchema = Type.Object(
  {
    id: Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'Your id for the event: its idempotency key within the program.',
    }),
    type: Type.String({
      pattern: '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*$',
      maxLength: 100,
      description: `A built-in type (${BUILT_IN_EVENT_TYPES.join(', ')}) or your own, e.g. "store.visited".`,
    }),
    memberId: Type.String({ minLength: 1, maxLength: 128, pattern: '^[^\\s]+$' }),
    occurredAt: Type.Optional(
      Type.String({
        format: 'date-time',
        description: 'When it happened; defaults to when Jifen receives it.',
      }),
    ),
    attributes: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), {
        description:
          'orderId, amountMinor, currency, items (sku, category, quantity, unitPriceMinor, amountMinor), channel, store, ... ' +
          'order.refunded takes amountMinor or items (sku, quantity), or neither for the whole remainder.',
      }),
    ),
  },
  { additionalProperties: false },
);

export type EventInput = Static<typeof EventInputSchema>;

const OrderId = Type.Union([
  Type.String({ minLength: 1, maxLength: 200 }),
  Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
]);

const OrderPaid = Type.Composite([EventAttributes, Type.Object({ orderId: OrderId })], {
  additionalProperties: true,
});

const RefundedItem = Type.Object(
  {
    sku: Type.String({ minLength: 1, maxLength: 100 }),
    quantity: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
  },
  { additionalProperties: true },
);

const OrderRefunded = Type.Object(
  {
    orderId: OrderId,
    amountMinor: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000_000_000 })),
    items: Type.Optional(Type.Array(RefundedItem, { minItems: 1, maxItems: 1000 })),
  },
  { additionalProperties: true },
);

const OrderCancelled = Type.Object({ orderId: OrderId }, { additionalProperties: true });

const checkers = {
  'order.paid': TypeCompiler.Compile(OrderPaid),
  'order.refunded': TypeCompiler.Compile(OrderRefunded),
  'order.cancelled': TypeCompiler.Compile(OrderCancelled),
  other: TypeCompiler.Compile(EventAttributes),
};

export type { FieldError };

/**
 * The checks a schema cannot express per type: an order event names its order, a paid order its
 * amount, a refund either an amount or items (not both). `at` is where the event sits in the body.
 */
export function checkEventAttributes(event: EventInput, at: string): FieldError[] {
  const attributes = event.attributes ?? {};
  const checker = checkers[event.type as keyof typeof checkers] ?? checkers.other;
  // The compiled check is a few comparisons; listing the errors walks the schema: only when needed.
  const errors: FieldError[] = (checker.Check(attributes) ? [] : [...checker.Errors(attributes)]).map(
    (error) => ({
      field: `${at}/attributes${error.path}`,
      message: error.message === 'Expected required property' ? 'is required' : error.message.toLowerCase(),
    }),
  );
  if (event.type === 'order.paid' && attributes.amountMinor === undefined) {
    errors.push({
      field: `${at}/attributes/amountMinor`,
      message: 'is required for order.paid (the amount paid, in minor units)',
    });
  }
  if (
    event.type === 'order.refunded' &&
    attributes.amountMinor !== undefined &&
    attributes.items !== undefined
  ) {
    errors.push({ field: `${at}/attributes`, message: 'give amountMinor or items, not both' });
  }
  if (event.occurredAt !== undefined && !isStorableDate(event.occurredAt)) {
    errors.push({ field: `${at}/occurredAt`, message: NOT_STORABLE_DATE });
  }
  errors.push(...textProblems(event, at));
  return dedupe(errors);
}

const MAX_TEXT = 10_000;

/**
 * What PostgreSQL cannot store, or what would only make trouble (`findUnstorable`), plus texts
 * over 10,000 characters. Events check this per event, so one bad event does not sink a batch.
 */
function textProblems(event: EventInput, at: string): FieldError[] {
  const parts: [unknown, string][] = [
    [event.id, `${at}/id`],
    [event.memberId, `${at}/memberId`],
    [event.attributes ?? {}, `${at}/attributes`],
  ];
  for (const [value, path] of parts) {
    const problem = findUnstorable(value, path, { maxTextLength: MAX_TEXT });
    if (problem) return [problem];
  }
  return [];
}

/** The first complaint about each field: one missing field should not read as three mistakes. */
function dedupe(errors: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errors.filter((error) => {
    if (seen.has(error.field)) return false;
    seen.add(error.field);
    return true;
  });
}

/** Order ids may be sent as numbers; they are compared as text. */
export function orderIdOf(event: EventInput): string | null {
  const value = event.attributes?.orderId;
  return typeof value === 'string' || typeof value === 'number' ? String(value) : null;
}

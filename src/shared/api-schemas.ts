import { type Static, Type } from '@sinclair/typebox';

/** Route schemas: they validate requests, shape responses and generate the OpenAPI document. */
export const MAX_POINTS = 1_000_000_000_000;

export const Points = Type.Integer({
  minimum: 1,
  maximum: MAX_POINTS,
  description: 'Points, a positive integer.',
});

export const MemberId = Type.String({
  minLength: 1,
  maxLength: 128,
  pattern: '^[A-Za-z0-9_.:@+-]+$',
  description: "The merchant's own member id: letters, digits and _ . : @ + -",
});

export const ReasonInput = Type.Union(
  [
    Type.String({ minLength: 1, maxLength: 500 }),
    Type.Object(
      {
        'zh-CN': Type.String({ minLength: 1, maxLength: 500 }),
        en: Type.String({ minLength: 1, maxLength: 500 }),
      },
      { additionalProperties: false },
    ),
  ],
  { description: 'Why the points moved, shown to the member: one text, or one per language.' },
);
export type ReasonInputType = Static<typeof ReasonInput>;

export const Reason = Type.Object({ 'zh-CN': Type.String(), en: Type.String() });

export const Balances = Type.Object({
  available: Type.Integer({ description: 'Spendable now; negative only while the member is in debt.' }),
  pending: Type.Integer({ description: 'Earned, not yet released.' }),
  held: Type.Integer({ description: 'Reserved by open holds.' }),
  growth: Type.Integer({ description: 'Growth value (成长值), for tiers; never spent.' }),
  debt: Type.Integer({ description: 'Points owed, recovered from later credits (allow_debt programs).' }),
});

export const LotTouch = Type.Object({
  lotId: Type.String(),
  points: Type.Integer({ description: 'Negative: taken from the lot; positive: added to it.' }),
  expiresAt: Type.Optional(Type.String({ format: 'date-time', description: 'New expiry after a restore.' })),
});

export const Entry = Type.Object({
  id: Type.String(),
  txnId: Type.String(),
  memberId: Type.String(),
  type: Type.String(),
  points: Type.Integer({
    description: 'Net change to the points the member owns (available + pending + held).',
  }),
  growth: Type.Integer(),
  change: Balances,
  balancesAfter: Balances,
  unrecoveredPoints: Type.Integer({ description: 'Points a clawback could not recover (cap_at_zero).' }),
  lots: Type.Array(LotTouch),
  holdId: Type.Union([Type.String(), Type.Null()]),
  reversesEntryId: Type.Union([Type.String(), Type.Null()]),
  counterpartyMemberId: Type.Union([Type.String(), Type.Null()]),
  contraAccount: Type.String({ description: 'The system account on the other side of the postings.' }),
  source: Type.Object({}, { additionalProperties: true }),
  reason: Reason,
  operator: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time', description: 'When the entry was recorded.' }),
  effectiveAt: Type.String({
    format: 'date-time',
    description:
      'When its points count from: createdAt, unless the entry was dated earlier (an import, dated history).',
  }),
});

export const EntriesResult = Type.Object({ entries: Type.Array(Entry) });

export const Lot = Type.Object({
  id: Type.String(),
  memberId: Type.String(),
  status: Type.Union([Type.Literal('pending'), Type.Literal('available'), Type.Literal('expired')]),
  amount: Type.Integer(),
  remaining: Type.Integer(),
  earnedAt: Type.String({ format: 'date-time' }),
  availableAt: Type.String({ format: 'date-time' }),
  expiresAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  entryId: Type.String(),
  originLotId: Type.Union([Type.String(), Type.Null()]),
});

export const Hold = Type.Object({
  id: Type.String(),
  memberId: Type.String(),
  points: Type.Integer(),
  capturedPoints: Type.Integer(),
  status: Type.Union([
    Type.Literal('open'),
    Type.Literal('captured'),
    Type.Literal('voided'),
    Type.Literal('timed_out'),
  ]),
  lots: Type.Array(LotTouch),
  expiresAt: Type.String({ format: 'date-time' }),
  reason: Reason,
  createdAt: Type.String({ format: 'date-time' }),
  closedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

export const HoldResult = Type.Object({ hold: Hold, entries: Type.Array(Entry) });

export const Member = Type.Object({
  memberId: Type.String(),
  status: Type.Union([Type.Literal('active'), Type.Literal('frozen'), Type.Literal('blocked')]),
  name: Type.Union([Type.String(), Type.Null()]),
  nickname: Type.Union([Type.String(), Type.Null()]),
  birthday: Type.Union([Type.String({ format: 'date' }), Type.Null()]),
  joinedAt: Type.String({ format: 'date-time' }),
  channel: Type.Union([Type.String(), Type.Null()]),
  store: Type.Union([Type.String(), Type.Null()]),
  tags: Type.Array(Type.String()),
  attributes: Type.Object({}, { additionalProperties: true }),
  tier: Type.Union([Type.String(), Type.Null()], {
    description:
      'The code of the tier in force (GET .../tier for details); null when the program has no tiers.',
  }),
  balances: Balances,
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  erasedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
    description: "When the member's personal data was erased (POST .../erasure); null while it was not.",
  }),
});

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String({ description: 'Stable error code; see docs/errors.md.' }),
    detail: Type.String(),
  },
  { additionalProperties: true, description: 'RFC 9457 problem details.' },
);

export const PageQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  cursor: Type.Optional(
    Type.String({ maxLength: 1024, description: 'nextCursor from the previous page (opaque).' }),
  ),
});

/** A page of a list: `data`, `nextCursor`, `hasMore` (named `<Item>Page` in the OpenAPI document). */
export function pageOf<T extends ReturnType<typeof Type.Object>>(item: T) {
  const title = typeof item.title === 'string' ? { title: `${item.title}Page` } : {};
  return Type.Object(
    {
      data: Type.Array(item),
      nextCursor: Type.Union([Type.String(), Type.Null()], {
        description: 'Pass as `cursor` for the next page; null on the last page.',
      }),
      hasMore: Type.Boolean({ description: 'Whether there is a next page.' }),
    },
    title,
  );
}

/** Error responses every authenticated route may give. */
export const problemResponses = {
  400: Problem,
  401: Problem,
  403: Problem,
  404: Problem,
  409: Problem,
  413: Problem,
  415: Problem,
  422: Problem,
  429: Problem,
};

/** The optional Idempotency-Key header of every write (see README, "Idempotency"). */
export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({ minLength: 1, maxLength: 255, description: 'Retries with the same key have one effect.' }),
  ),
});

/** The store a write is done at: stamped on its entries; a store clerk's writes always name one of theirs. */
export const StoreInput = Type.String({
  minLength: 1,
  maxLength: 100,
  description:
    "The store this is done at (recorded in the entries' source). A store clerk's session may name only one of their stores, and defaults to their only store.",
});

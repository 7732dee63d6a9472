import { Type } from '@sinclair/typebox';
import { MAX_POINTS, MemberId, Points, ReasonInput, StoreInput } from '../shared/api-schemas.ts';

/** Request shapes of the ledger API (credits, debits, adjustments, transfers, holds, batches). */

export const EntryParams = Type.Object({ entryId: Type.String({ minLength: 1, maxLength: 64 }) });

export const CreditBody = Type.Object(
  {
    points: Points,
    reason: ReasonInput,
    pendingDays: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 3650,
        description: 'Days before the points can be spent.',
      }),
    ),
    expiresAt: Type.Optional(Type.String({ format: 'date-time', description: 'Overrides the policy.' })),
    growth: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: MAX_POINTS,
        description: 'Growth value credited alongside.',
      }),
    ),
    store: Type.Optional(StoreInput),
  },
  { additionalProperties: false },
);

export const AdjustmentBody = Type.Object(
  {
    points: Type.Integer({
      minimum: -MAX_POINTS,
      maximum: MAX_POINTS,
      not: { const: 0 },
      description: 'Signed; a negative adjustment follows the negative-balance policy.',
    }),
    reason: ReasonInput,
    operator: Type.String({ minLength: 1, maxLength: 128, description: 'Who made the adjustment.' }),
    expiresAt: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false },
);

export const HoldParams = Type.Object({ holdId: Type.String({ minLength: 1, maxLength: 64 }) });

export const AuthorizeHoldBody = Type.Object(
  {
    memberId: MemberId,
    points: Points,
    reason: ReasonInput,
    ttlSeconds: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 30 * 86_400,
        description: 'Released automatically after this.',
      }),
    ),
  },
  { additionalProperties: false },
);

export const BatchCreditItem = Type.Object(
  {
    idempotencyKey: Type.String({
      minLength: 1,
      maxLength: 255,
      description: 'Required: retries have one effect.',
    }),
    memberId: MemberId,
    points: Points,
    reason: ReasonInput,
    pendingDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 3650 })),
    expiresAt: Type.Optional(Type.String({ format: 'date-time' })),
    growth: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_POINTS })),
  },
  { additionalProperties: false },
);

export const CreditBatchResult = Type.Object({
  results: Type.Array(
    Type.Object({
      idempotencyKey: Type.String(),
      status: Type.Integer({ description: 'The HTTP status this item would have had on its own.' }),
      replayed: Type.Boolean(),
      body: Type.Unknown({ description: 'The entries created, or a problem document.' }),
    }),
  ),
});

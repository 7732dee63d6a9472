import { Type } from '@sinclair/typebox';

/** Response and request shapes of coupon code pools and codes used at the till; the OpenAPI document is generated from them. */

export const CodeUploadBody = Type.Object(
  {
    codes: Type.Array(
      Type.String({ pattern: '^[!-~]{4,64}$', description: '4–64 printable ASCII characters.' }),
      {
        minItems: 1,
        maxItems: 10_000,
        uniqueItems: true,
      },
    ),
  },
  { additionalProperties: false },
);
export const CodeUploadAnswer = Type.Object({
  added: Type.Integer(),
  duplicates: Type.Array(Type.String(), { description: 'Codes already in the program; not added.' }),
});
export const PoolSummary = Type.Object({
  available: Type.Integer(),
  issued: Type.Integer(),
  used: Type.Integer({ description: 'Issued codes a till has accepted.' }),
  voided: Type.Integer(),
});

export const CouponCodeParams = Type.Object({ code: Type.String({ minLength: 1, maxLength: 64 }) });
export const CouponUseBody = Type.Optional(
  Type.Object(
    {
      orderId: Type.Optional(
        Type.String({ minLength: 1, maxLength: 128, description: "The merchant's order the code paid for." }),
      ),
      store: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'Where it was used.' })),
    },
    { additionalProperties: false },
  ),
);
export const CouponCodeAnswer = Type.Object({
  code: Type.String(),
  status: Type.Union([
    Type.Literal('available'),
    Type.Literal('issued'),
    Type.Literal('used'),
    Type.Literal('voided'),
  ]),
  rewardId: Type.String(),
  redemptionId: Type.Union([Type.String(), Type.Null()]),
  memberId: Type.Union([Type.String(), Type.Null()]),
  issuedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  usedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  usedOrderId: Type.Union([Type.String(), Type.Null()]),
  usedStore: Type.Union([Type.String(), Type.Null()]),
});
export const CouponUseAnswer = Type.Object({
  ...CouponCodeAnswer.properties,
  alreadyUsed: Type.Boolean({ description: 'True when this use was recorded before.' }),
});

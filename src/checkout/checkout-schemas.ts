import { Type } from '@sinclair/typebox';
import { Entry, Hold, MemberId, Points } from '../shared/api-schemas.ts';

const MinorUnits = Type.Integer({ minimum: 0, maximum: 1_000_000_000_000 });

export const CheckoutSettingsBody = Type.Object(
  {
    enabled: Type.Optional(Type.Boolean({ description: 'Off by default.' })),
    maxShareOfOrder: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: 1,
        description: 'At most this share of the deductible items (at most 4 decimal places; default 0.5).',
      }),
    ),
    minPoints: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000_000_000 })),
    stepPoints: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000_000_000 })),
  },
  { additionalProperties: false },
);

export const CheckoutSettingsView = Type.Object({
  enabled: Type.Boolean(),
  maxShareOfOrder: Type.Number(),
  minPoints: Type.Integer(),
  stepPoints: Type.Integer(),
});

const CartItem = Type.Object(
  {
    sku: Type.String({ minLength: 1, maxLength: 128 }),
    quantity: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
    unitPriceMinor: MinorUnits,
    deductible: Type.Optional(Type.Boolean({ description: 'Whether points may pay for it (default true).' })),
  },
  { additionalProperties: false },
);

const cartFields = {
  currency: Type.String({ pattern: '^[A-Z]{3}$' }),
  items: Type.Array(CartItem, { minItems: 1, maxItems: 500 }),
  shippingMinor: Type.Optional({ ...MinorUnits, description: 'Never paid with points.' }),
};

export const Cart = Type.Object(cartFields, { additionalProperties: false });
export const QuoteBody = Type.Object({ memberId: MemberId, ...cartFields }, { additionalProperties: false });

export const QuoteView = Type.Object({
  maxPoints: Type.Integer(),
  maxValueMinor: Type.Integer(),
  currency: Type.String(),
  pointValue: Type.Object({ points: Type.Integer(), amountMinor: Type.Integer() }),
  availablePoints: Type.Integer(),
  deductibleMinor: Type.Integer(),
  minPoints: Type.Integer(),
  stepPoints: Type.Integer(),
  reasons: Type.Array(
    Type.Object({ code: Type.String(), message: Type.Object({ 'zh-CN': Type.String(), en: Type.String() }) }),
  ),
});

export const OrderId = Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_.:@+-]+$' });

export const AuthorizationBody = Type.Object(
  { memberId: MemberId, orderId: OrderId, points: Points, cart: Cart },
  { additionalProperties: false },
);

export const PaymentView = Type.Object({
  orderId: Type.String(),
  memberId: Type.String(),
  holdId: Type.String(),
  state: Type.Union([
    Type.Literal('authorized'),
    Type.Literal('captured'),
    Type.Literal('voided'),
    Type.Literal('timed_out'),
    Type.Literal('partially_refunded'),
    Type.Literal('refunded'),
  ]),
  currency: Type.String(),
  authorizedPoints: Type.Integer(),
  authorizedValueMinor: Type.Integer(),
  capturedPoints: Type.Integer(),
  capturedValueMinor: Type.Integer(),
  deductibleMinor: Type.Integer(),
  shippingMinor: Type.Integer(),
  refundedMinor: Type.Integer(),
  pointsRefunded: Type.Integer(),
  minPoints: Type.Integer({
    description: 'The minimum in force at authorize; a partial capture keeps to it.',
  }),
  stepPoints: Type.Integer({ description: 'The step in force at authorize; a partial capture keeps to it.' }),
  items: Type.Array(
    Type.Object({
      sku: Type.String(),
      quantity: Type.Integer(),
      unitPriceMinor: Type.Integer(),
      deductible: Type.Boolean(),
      refundedQuantity: Type.Integer(),
    }),
  ),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

export const PaymentResult = Type.Object({ payment: PaymentView, hold: Hold, entries: Type.Array(Entry) });

export const RefundBody = Type.Object(
  {
    amountMinor: Type.Optional({
      ...MinorUnits,
      minimum: 1,
      description: 'A part of the deductible items’ value; everything left if neither this nor items.',
    }),
    items: Type.Optional(
      Type.Array(
        Type.Object(
          {
            sku: Type.String({ minLength: 1, maxLength: 128 }),
            quantity: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
          },
          { additionalProperties: false },
        ),
        { minItems: 1, maxItems: 500 },
      ),
    ),
  },
  { additionalProperties: false },
);

export const RefundResult = Type.Object({
  payment: PaymentView,
  refund: Type.Object({ refundMinor: Type.Integer(), points: Type.Integer() }),
  entries: Type.Array(Entry),
});

export const OrderParams = Type.Object({ orderId: OrderId });

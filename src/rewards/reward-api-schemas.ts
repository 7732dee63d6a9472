import { Type } from '@sinclair/typebox';
import { Entry, MemberId, PageQuery, StoreInput } from '../shared/api-schemas.ts';
import { PlayView } from './draws/draw-api-schemas.ts';
import { RewardLimitsSchema, RewardStatusName, RewardTypeName } from './reward-types.ts';

/** Response and request shapes of the rewards API; the OpenAPI document is generated from them. */

const Localized = Type.Object({ 'zh-CN': Type.String(), en: Type.String() });
const NullableDate = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);
export const RedemptionStatusName = Type.Union([
  Type.Literal('awaiting_payment'),
  Type.Literal('payment_expired'),
  Type.Literal('fulfilled'),
  Type.Literal('awaiting_shipment'),
  Type.Literal('shipped'),
  Type.Literal('delivered'),
  Type.Literal('cancelled'),
]);

export const RewardView = Type.Object({
  id: Type.String(),
  type: RewardTypeName,
  status: RewardStatusName,
  name: Localized,
  description: Localized,
  imageUrl: Type.Union([Type.String(), Type.Null()]),
  pricePoints: Type.Integer(),
  cashMinor: Type.Union([Type.Integer(), Type.Null()], {
    description: 'Points + cash: the cash part of one unit in minor units; null = points only.',
  }),
  cashCurrency: Type.Union([Type.String(), Type.Null()], {
    description: "The program's currency, with cashMinor.",
  }),
  stock: Type.Union([Type.Integer(), Type.Null()], { description: 'Units left; null = unlimited.' }),
  redeemedQuantity: Type.Integer(),
  limits: RewardLimitsSchema,
  eligibleTiers: Type.Array(Type.String()),
  availableFrom: NullableDate,
  availableUntil: NullableDate,
  coupon: Type.Optional(
    Type.Object({
      codePattern: Type.Optional(Type.String()),
      codeSource: Type.Optional(Type.Union([Type.Literal('generated'), Type.Literal('pool')])),
    }),
  ),
  voucher: Type.Optional(
    Type.Object({ valueMinor: Type.Optional(Type.Integer()), currency: Type.Optional(Type.String()) }),
  ),
  luckyDraw: Type.Optional(
    Type.Object(
      { drawId: Type.String() },
      { description: "lucky_draw: the draw redeeming plays; pricePoints is the draw's costPoints." },
    ),
  ),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  forMember: Type.Optional(
    Type.Object(
      {
        redeemable: Type.Boolean(),
        why: Type.Union([
          Type.Object({
            code: Type.String({ description: 'The error code redeeming would answer.' }),
            reason: Type.String({
              description:
                'not_live, outside_window, draw_not_live, draw_outside_window, tier_not_eligible, member_frozen, member_blocked, limit_reached, draw_limit_reached, out_of_stock or not_enough_points',
            }),
            message: Localized,
          }),
          Type.Null(),
        ]),
      },
      { description: 'With `memberId`: whether that member can redeem one unit now, and if not why.' },
    ),
  ),
});

export const ShippingAddressSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    phone: Type.String({ minLength: 3, maxLength: 40 }),
    lines: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { minItems: 1, maxItems: 4 }),
    postalCode: Type.Optional(Type.String({ maxLength: 20 })),
  },
  { additionalProperties: false },
);

export const RedeemBody = Type.Object(
  {
    memberId: MemberId,
    rewardId: Type.String({ minLength: 1, maxLength: 64 }),
    quantity: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 1 })),
    shippingAddress: Type.Optional(ShippingAddressSchema),
    store: Type.Optional(StoreInput),
  },
  { additionalProperties: false },
);

export const CouponCodeView = Type.Object({
  code: Type.String(),
  status: Type.Union([Type.Literal('issued'), Type.Literal('used'), Type.Literal('voided')], {
    description: 'issued (can be used), used (accepted at a till), voided (its redemption was cancelled)',
  }),
  usedAt: NullableDate,
  usedOrderId: Type.Union([Type.String(), Type.Null()]),
  usedStore: Type.Union([Type.String(), Type.Null()]),
});

export const RedemptionView = Type.Object({
  id: Type.String(),
  memberId: Type.String(),
  rewardId: Type.String(),
  rewardType: RewardTypeName,
  rewardName: Localized,
  quantity: Type.Integer(),
  pointsPerUnit: Type.Integer(),
  pointsTotal: Type.Integer(),
  status: RedemptionStatusName,
  spendEntryId: Type.Union([Type.String(), Type.Null()], {
    description: 'The spend (or, for points + cash, the capture) entry; null until paid.',
  }),
  holdId: Type.Union([Type.String(), Type.Null()], { description: 'Points + cash: the hold on the points.' }),
  cash: Type.Union([Type.Object({ amountMinor: Type.Integer(), currency: Type.String() }), Type.Null()]),
  paymentDueAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
    description:
      'Points + cash: when the hold on the points times out; unpaid by then, the order is payment_expired.',
  }),
  paidAt: NullableDate,
  cancelEntryId: Type.Union([Type.String(), Type.Null()]),
  couponCodes: Type.Array(CouponCodeView),
  voucher: Type.Union([Type.Object({ valueMinor: Type.Integer(), currency: Type.String() }), Type.Null()]),
  shippingAddress: Type.Union([ShippingAddressSchema, Type.Null()]),
  shipment: Type.Union([Type.Object({ carrier: Type.String(), trackingNumber: Type.String() }), Type.Null()]),
  cancelReason: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  shippedAt: NullableDate,
  deliveredAt: NullableDate,
  cancelledAt: NullableDate,
  play: Type.Optional(
    Type.Object(PlayView.properties, {
      description: 'lucky_draw: the play this redemption made (its random value, ticket and prize).',
    }),
  ),
  entries: Type.Optional(Type.Array(Entry, { description: 'The ledger entries this step wrote.' })),
});

export const RewardParams = Type.Object({ rewardId: Type.String({ minLength: 1, maxLength: 64 }) });
export const RedemptionParams = Type.Object({ redemptionId: Type.String({ minLength: 1, maxLength: 64 }) });
export const DrawParams = Type.Object({ drawId: Type.String({ minLength: 1, maxLength: 64 }) });

export const RewardListQuery = Type.Object({
  ...PageQuery.properties,
  status: Type.Optional(RewardStatusName),
  type: Type.Optional(RewardTypeName),
  q: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'Text in the name (zh or en, any case).',
    }),
  ),
  eligibleTier: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 40,
      description: 'Only rewards members of this tier may redeem (open to all, or listing it).',
    }),
  ),
  inStock: Type.Optional(
    Type.Boolean({ description: 'Only rewards with stock left (a pool coupon: codes left).' }),
  ),
  memberId: Type.Optional(MemberId),
});

export const ShipBody = Type.Object(
  {
    carrier: Type.String({ minLength: 1, maxLength: 100 }),
    trackingNumber: Type.String({ minLength: 1, maxLength: 100 }),
  },
  { additionalProperties: false },
);

export const CancelBody = Type.Optional(
  Type.Object(
    { reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })) },
    { additionalProperties: false },
  ),
);

export const RedemptionQuery = Type.Object({
  ...PageQuery.properties,
  status: Type.Optional(RedemptionStatusName),
});

export const RedemptionListQuery = Type.Object({
  ...RedemptionQuery.properties,
  rewardId: Type.Optional(Type.String({ maxLength: 64 })),
  memberId: Type.Optional(MemberId),
  createdFrom: Type.Optional(
    Type.String({ format: 'date-time', description: 'Created at or after this instant.' }),
  ),
  createdTo: Type.Optional(Type.String({ format: 'date-time', description: 'Created before this instant.' })),
  couponCode: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 64,
      description: 'The redemption holding this code (exact).',
    }),
  ),
  q: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      description: "Text in the reward's name (zh or en, any case) or in the redemption id.",
    }),
  ),
});

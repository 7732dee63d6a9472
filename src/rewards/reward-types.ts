import { type Static, Type } from '@sinclair/typebox';
import type { Reason } from '../ledger/ledger-types.ts';
import type { MemberKey } from '../members/member-key.ts';

/** The catalogue's shapes (SPEC §3.4): what the API accepts, and the reward as the domain sees it. */

export const RewardTypeName = Type.Union([
  Type.Literal('goods'),
  Type.Literal('coupon'),
  Type.Literal('voucher'),
  Type.Literal('privilege'),
  Type.Literal('lucky_draw'),
]);
export type RewardType = Static<typeof RewardTypeName>;
export const RewardStatusName = Type.Union([
  Type.Literal('draft'),
  Type.Literal('live'),
  Type.Literal('paused'),
  Type.Literal('retired'),
]);
export type RewardStatus = Static<typeof RewardStatusName>;

export const DEFAULT_CODE_PATTERN = 'JF-XXXX-XXXX';
/** A pattern needs this many Xs at least: 31^8 ≈ 8.5 × 10^11 codes, too many to guess. */
export const MIN_CODE_PATTERN_XS = 8;

const Text = (maxLength: number) => Type.String({ minLength: 1, maxLength });
const Quantity = Type.Integer({ minimum: 1, maximum: 1_000_000 });

export const LocalizedText = (maxLength: number) =>
  Type.Object({ 'zh-CN': Text(maxLength), en: Text(maxLength) }, { additionalProperties: false });

export const RewardLimitsSchema = Type.Object(
  {
    perDay: Type.Optional(Quantity),
    perWeek: Type.Optional(Quantity),
    perMonth: Type.Optional(Quantity),
    lifetime: Type.Optional(Quantity),
  },
  {
    additionalProperties: false,
    description: "Units one member may redeem per local day / ISO week / month (program's timezone) / ever.",
  },
);
export type RewardLimits = Static<typeof RewardLimitsSchema>;

export const CouponSettingsSchema = Type.Object(
  {
    codePattern: Type.Optional(
      Type.String({
        // A plain character class: a pattern that counts the Xs would backtrack exponentially on
        // hostile input (ReDoS). The count of Xs is checked after the schema (reward-catalogue.ts).
        pattern: '^[A-Z0-9-]+$',
        maxLength: 40,
        description:
          'Capital letters, digits and dashes; each X becomes a random character (crypto source), at least 8 of them. Default JF-XXXX-XXXX.',
      }),
    ),
    codeSource: Type.Optional(
      Type.Union([Type.Literal('generated'), Type.Literal('pool')], {
        description:
          "generated (default): a new code per unit; pool: codes uploaded with POST /v1/rewards/{id}/codes, which are the reward's stock.",
      }),
    ),
  },
  { additionalProperties: false },
);

export const VoucherSettingsSchema = Type.Object(
  {
    valueMinor: Type.Integer({
      minimum: 1,
      maximum: 1_000_000_000_000,
      description: 'Face value in minor units (fen).',
    }),
    currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$' })),
  },
  { additionalProperties: false },
);

export const LuckyDrawSettingsSchema = Type.Object(
  {
    drawId: Type.String({
      minLength: 1,
      maxLength: 64,
      description: 'The lucky draw (GET /v1/draws) that redeeming this entry plays, once per redemption.',
    }),
  },
  { additionalProperties: false },
);

const DateTime = Type.String({ format: 'date-time' });
const Nullable = <T extends ReturnType<typeof Type.String> | ReturnType<typeof Type.Integer>>(schema: T) =>
  Type.Union([schema, Type.Null()]);

const editableFields = {
  name: LocalizedText(200),
  description: Type.Optional(LocalizedText(4000)),
  imageUrl: Type.Optional(Nullable(Type.String({ format: 'uri', maxLength: 2000 }))),
  pricePoints: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 1_000_000_000_000,
      description: "Price of one unit; required, except for a lucky_draw, which costs its draw's costPoints.",
    }),
  ),
  cashMinor: Type.Optional(
    Nullable(
      Type.Integer({
        minimum: 1,
        maximum: 1_000_000_000_000,
        description:
          "Points + cash: the cash part of one unit's price in minor units, in the program's currency; null = points only.",
      }),
    ),
  ),
  stock: Type.Optional(
    Nullable(
      Type.Integer({ minimum: 0, maximum: 1_000_000_000, description: 'Units left; null = unlimited.' }),
    ),
  ),
  limits: Type.Optional(RewardLimitsSchema),
  eligibleTiers: Type.Optional(
    Type.Array(Type.String({ minLength: 1, maxLength: 40 }), {
      maxItems: 10,
      uniqueItems: true,
      description: 'Tier codes that may redeem; empty = every member.',
    }),
  ),
  availableFrom: Type.Optional(Nullable(DateTime)),
  availableUntil: Type.Optional(Nullable(DateTime)),
  coupon: Type.Optional(CouponSettingsSchema),
  voucher: Type.Optional(VoucherSettingsSchema),
  luckyDraw: Type.Optional(LuckyDrawSettingsSchema),
};

export const RewardCreateSchema = Type.Object(
  { type: RewardTypeName, ...editableFields },
  { additionalProperties: false },
);
export type RewardCreate = Static<typeof RewardCreateSchema>;

export const RewardPatchSchema = Type.Object(
  {
    ...Type.Partial(Type.Object(editableFields)).properties,
    status: Type.Optional(RewardStatusName),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type RewardPatch = Static<typeof RewardPatchSchema>;

export type CodeSource = 'generated' | 'pool';

export interface RewardDetails {
  codePattern?: string;
  codeSource?: CodeSource;
  /** Points + cash: the program's currency of `cashMinor`. */
  cashCurrency?: string;
  valueMinor?: number;
  currency?: string;
  /** lucky_draw: the draw a redemption plays. */
  drawId?: string;
  /** A lucky_draw redemption: the play it made. */
  playId?: string;
}

export interface Reward {
  id: string;
  type: RewardType;
  status: RewardStatus;
  name: Reason;
  description: Reason;
  imageUrl: string | null;
  pricePoints: number;
  cashMinor: number | null;
  stock: number | null;
  redeemedQuantity: number;
  limits: RewardLimits;
  eligibleTiers: string[];
  availableFrom: Date | null;
  availableUntil: Date | null;
  details: RewardDetails;
  createdAt: Date;
  updatedAt: Date;
}

export type RedemptionStatus =
  | 'awaiting_payment'
  | 'payment_expired'
  | 'fulfilled'
  | 'awaiting_shipment'
  | 'shipped'
  | 'delivered'
  | 'cancelled';

export interface ShippingAddress {
  name: string;
  phone: string;
  lines: string[];
  postalCode?: string;
}

export interface Shipment {
  carrier: string;
  trackingNumber: string;
}

export interface Redemption {
  id: string;
  /** The merchant's id as read (answers, messages); the row refers to the member by key. */
  memberId: string;
  memberKey: MemberKey;
  rewardId: string;
  rewardType: RewardType;
  rewardName: Reason;
  quantity: number;
  pointsPerUnit: number;
  pointsTotal: number;
  status: RedemptionStatus;
  /** The spend entry, or for points + cash the capture entry once paid. */
  spendEntryId: string | null;
  cancelEntryId: string | null;
  /** Points + cash: the hold on the points until the cash is paid, and the cash part. */
  holdId: string | null;
  cash: { amountMinor: number; currency: string } | null;
  /** Points + cash: when the hold times out; unpaid by then, the order is payment_expired. */
  paymentDueAt: Date | null;
  paidAt: Date | null;
  usagePeriods: string[];
  details: RewardDetails;
  shippingAddress: ShippingAddress | null;
  shipment: Shipment | null;
  cancelReason: string | null;
  createdAt: Date;
  updatedAt: Date;
  shippedAt: Date | null;
  deliveredAt: Date | null;
  cancelledAt: Date | null;
}

import { type Static, Type } from '@sinclair/typebox';
import type { Reason } from '../../ledger/ledger-types.ts';
import type { MemberKey } from '../../members/member-key.ts';
import { LocalizedText, RewardStatusName } from '../reward-types.ts';

/** Lucky draws (积分抽奖, SPEC §3.4): a campaign with a weighted prize table and a consolation. */

export const DrawStatusName = RewardStatusName;
export type DrawStatus = 'draft' | 'live' | 'paused' | 'retired';

const Weight = Type.Integer({ minimum: 1, maximum: 1_000_000_000 });
const Points = Type.Integer({ minimum: 1, maximum: 1_000_000_000 });
const DateTime = Type.String({ format: 'date-time' });
const NullableDate = Type.Union([DateTime, Type.Null()]);

export const PrizeInputSchema = Type.Object(
  {
    name: LocalizedText(200),
    weight: Weight,
    stock: Type.Optional(
      Type.Union([Type.Integer({ minimum: 0, maximum: 1_000_000_000 }), Type.Null()], {
        description: 'Prizes left; null = unlimited.',
      }),
    ),
    kind: Type.Union([Type.Literal('points'), Type.Literal('item')], {
      description: 'points: credited through the ledger; item: recorded as won (fulfilled outside Jifen).',
    }),
    points: Type.Optional(Points),
  },
  { additionalProperties: false },
);
export type PrizeInput = Static<typeof PrizeInputSchema>;

export const ConsolationSchema = Type.Object(
  {
    name: LocalizedText(200),
    weight: Type.Integer({
      minimum: 0,
      maximum: 1_000_000_000,
      description: 'Weight of drawing nothing but the consolation (0 = only when a prize is out of stock).',
    }),
    points: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000_000 })),
  },
  { additionalProperties: false },
);

const editable = {
  name: LocalizedText(200),
  costPoints: Points,
  perMemberPerDay: Type.Optional(
    Type.Union([Type.Integer({ minimum: 1, maximum: 10_000 }), Type.Null()], {
      description: "Plays per member per local day (program's timezone); null = no limit.",
    }),
  ),
  availableFrom: Type.Optional(NullableDate),
  availableUntil: Type.Optional(NullableDate),
};

export const DrawCreateSchema = Type.Object(
  {
    ...editable,
    prizes: Type.Array(PrizeInputSchema, { minItems: 1, maxItems: 50 }),
    consolation: ConsolationSchema,
  },
  { additionalProperties: false },
);
export type DrawCreate = Static<typeof DrawCreateSchema>;

export const DrawPatchSchema = Type.Object(
  { ...Type.Partial(Type.Object(editable)).properties, status: Type.Optional(DrawStatusName) },
  { additionalProperties: false, minProperties: 1 },
);
export type DrawPatch = Static<typeof DrawPatchSchema>;

export interface Prize {
  id: string;
  position: number;
  name: Reason;
  weight: number;
  stock: number | null;
  awarded: number;
  kind: 'points' | 'item';
  points: number | null;
}

export interface Consolation {
  name: Reason;
  weight: number;
  points: number;
}

export interface Draw {
  id: string;
  status: DrawStatus;
  name: Reason;
  costPoints: number;
  perMemberPerDay: number | null;
  availableFrom: Date | null;
  availableUntil: Date | null;
  consolation: Consolation;
  prizes: Prize[];
  createdAt: Date;
  updatedAt: Date;
}

/** One play as the audit table keeps it. */
export interface Play {
  id: string;
  drawId: string;
  /** The merchant's id as read (answers); the row refers to the member by key. */
  memberId: string;
  memberKey: MemberKey;
  localDay: string;
  /** The accepted 53-bit value from the crypto source, and the ticket it gave: random mod total. */
  randomValue: number;
  totalWeight: number;
  ticket: number;
  /** The segment the ticket fell in (null = the consolation's own weight). */
  drawnPrizeId: string | null;
  /** What was given: the prize, or null = the consolation (drawn, or the prize was out of stock). */
  prizeId: string | null;
  prizeName: Reason;
  prizeKind: 'points' | 'item' | 'consolation';
  prizePoints: number;
  costPoints: number;
  costEntryId: string;
  prizeEntryId: string | null;
  createdAt: Date;
}

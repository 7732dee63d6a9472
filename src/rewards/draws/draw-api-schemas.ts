import { Type } from '@sinclair/typebox';
import { Entry, MemberId } from '../../shared/api-schemas.ts';
import { DrawStatusName } from './draw-types.ts';

/** What the draw endpoints answer. */

const Text = Type.Object({ 'zh-CN': Type.String(), en: Type.String() });
const NullableString = Type.Union([Type.String(), Type.Null()]);
const NullableInteger = Type.Union([Type.Integer(), Type.Null()]);
const PrizeKind = Type.Union([Type.Literal('points'), Type.Literal('item')]);

export const DrawView = Type.Object({
  id: Type.String(),
  status: DrawStatusName,
  name: Text,
  costPoints: Type.Integer(),
  perMemberPerDay: NullableInteger,
  availableFrom: NullableString,
  availableUntil: NullableString,
  totalWeight: Type.Integer(),
  prizes: Type.Array(
    Type.Object({
      id: Type.String(),
      name: Text,
      weight: Type.Integer(),
      probability: Type.Number({ description: 'weight / totalWeight: the published odds' }),
      kind: PrizeKind,
      points: NullableInteger,
      stock: Type.Union([Type.Integer(), Type.Null()], { description: 'Left to give; null = unlimited.' }),
      awarded: Type.Integer(),
    }),
  ),
  consolation: Type.Object({
    name: Text,
    weight: Type.Integer(),
    probability: Type.Number(),
    points: Type.Integer(),
  }),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const PlayView = Type.Object({
  id: Type.String(),
  drawId: Type.String(),
  memberId: Type.String(),
  localDay: Type.String(),
  randomValue: Type.Integer({ description: 'The accepted 53-bit value from the crypto source.' }),
  totalWeight: Type.Integer(),
  ticket: Type.Integer({ description: 'randomValue mod totalWeight: the segment of the table it fell in.' }),
  drawnPrizeId: NullableString,
  outcome: Type.Union([Type.Literal('prize'), Type.Literal('consolation')]),
  prizeId: NullableString,
  prizeName: Text,
  prizeKind: Type.Union([PrizeKind, Type.Literal('consolation')]),
  prizePoints: Type.Integer(),
  costPoints: Type.Integer(),
  costEntryId: Type.String(),
  prizeEntryId: NullableString,
  createdAt: Type.String(),
});

export const PlayResult = Type.Object({
  ...PlayView.properties,
  entries: Type.Array(Entry, { description: 'The cost (spend) and, for points, the prize (earn).' }),
});

export const PlayBody = Type.Object({ memberId: MemberId }, { additionalProperties: false });

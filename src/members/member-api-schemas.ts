import { Type } from '@sinclair/typebox';
import { MemberId, PageQuery } from '../shared/api-schemas.ts';
import { MAX_ATTRIBUTES_BYTES } from './member-store.ts';

/** Request shapes of the member API; the OpenAPI document is generated from them. */

/** The member a route under `/v1/members/:memberId` acts on. */
export const MemberParams = Type.Object({ memberId: MemberId });

export const MemberProfile = Type.Object(
  {
    status: Type.Optional(
      Type.Union([Type.Literal('active'), Type.Literal('frozen'), Type.Literal('blocked')], {
        description: 'frozen: cannot spend or transfer; blocked: cannot earn or spend.',
      }),
    ),
    name: Type.Optional(
      Type.Union([Type.String({ minLength: 1, maxLength: 100 }), Type.Null()], {
        description: "The member's name, as staff see it (stored encrypted; null clears it).",
      }),
    ),
    nickname: Type.Optional(
      Type.Union([Type.String({ minLength: 1, maxLength: 40 }), Type.Null()], {
        description: 'What leaderboards and the member page show (stored encrypted; null clears it).',
      }),
    ),
    birthday: Type.Optional(Type.Union([Type.String({ format: 'date' }), Type.Null()])),
    joinedAt: Type.Optional(Type.String({ format: 'date-time' })),
    channel: Type.Optional(Type.Union([Type.String({ maxLength: 100 }), Type.Null()])),
    store: Type.Optional(Type.Union([Type.String({ maxLength: 100 }), Type.Null()])),
    tags: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 100 })),
    attributes: Type.Optional(
      Type.Object(
        {},
        {
          additionalProperties: true,
          maxProperties: 100,
          description: `Custom attributes: at most 100 keys, ${MAX_ATTRIBUTES_BYTES / 1024} KiB as JSON, 32 levels deep.`,
        },
      ),
    ),
  },
  { additionalProperties: false },
);

/** `GET /v1/members`: a program's members in id order, searched. */
export const MemberListQuery = Type.Object(
  {
    ...PageQuery.properties,
    idPrefix: Type.Optional(
      Type.String({ minLength: 1, maxLength: 128, description: 'Members whose id starts with this.' }),
    ),
    tag: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Members with this tag.' })),
    tier: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, description: 'Members whose tier in force has this code.' }),
    ),
    segment: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description: 'Members in this segment (a lifecycle stage: `stage_active`...), as last computed.',
      }),
    ),
    status: Type.Optional(
      Type.Union([Type.Literal('active'), Type.Literal('frozen'), Type.Literal('blocked')]),
    ),
    phone: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 32,
        description:
          "Members whose notification phone is this number (E.164, or a mainland mobile number): found by the number's keyed hash, as the number is stored only encrypted.",
      }),
    ),
    joinedFrom: Type.Optional(Type.String({ format: 'date-time', description: 'Joined at or after this.' })),
    joinedTo: Type.Optional(Type.String({ format: 'date-time', description: 'Joined before this.' })),
  },
  { additionalProperties: false },
);

/** `POST /v1/members/:memberId/change-id`: the member's new id (unique in the program). */
export const ChangeMemberIdBody = Type.Object({ newMemberId: MemberId }, { additionalProperties: false });

import { Type } from '@sinclair/typebox';
import { Member } from '../shared/api-schemas.ts';

const Rows = (description: string) =>
  Type.Array(Type.Object({}, { additionalProperties: true }), { description });

/** `GET /v1/members/{memberId}/personal-data`: everything Jifen holds about a member. */
export const PersonalDataExport = Type.Object(
  {
    format: Type.Literal('jifen.personal-data.v1'),
    exportedAt: Type.String({ format: 'date-time' }),
    program: Type.Object({ id: Type.String(), name: Type.String() }),
    memberId: Type.String(),
    profile: Type.Omit(Member, ['tier'], {
      description: 'Names, birthday, status, channel, store, tags, attributes and balances.',
    }),
    tier: Type.Union([Type.String(), Type.Null()], { description: 'The tier in force.' }),
    notificationPreferences: Type.Object(
      {},
      { additionalProperties: true, description: 'Contacts, language, channels and marketing consent.' },
    ),
    entries: Rows('The whole journal of the member, newest first.'),
    lots: Rows('Every lot, spent ones included, oldest first.'),
    tierHistory: Rows('Tier changes, newest first.'),
    segments: Type.Object(
      {},
      {
        additionalProperties: true,
        description:
          'Profiling: the lifecycle stage, RFM scores and segments, each with why (as GET …/segments).',
      },
    ),
    redemptions: Rows('Redemptions, shipping details included, newest first.'),
    events: Rows('Events sent for the member, newest first.'),
    inbox: Rows('Inbox messages, newest first.'),
    deliveries: Rows('E-mails and text messages sent (or to be sent) to the member, newest first.'),
    auditRecords: Rows(
      "Audit records about the member since they were created, their personal part included (without the actor's address and user agent), newest first.",
    ),
  },
  { description: "A data subject's access request (PIPL art. 45, GDPR art. 15): as JSON." },
);

/** `POST /v1/members/{memberId}/erasure`. */
export const ErasureBody = Type.Object(
  {
    forgetMemberId: Type.Optional(
      Type.Boolean({
        description:
          'The member id is itself personal data (a phone number): the member goes on under a pseudonym (`erased-…`), which the answer gives. Default false.',
      }),
    ),
  },
  { additionalProperties: false },
);

export const ErasureResult = Type.Object({
  memberId: Type.String({ description: 'The member id from now on: the same, or the pseudonym.' }),
  memberIdForgotten: Type.Boolean(),
  erasedAt: Type.String({ format: 'date-time' }),
});

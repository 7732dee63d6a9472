import { Type } from '@sinclair/typebox';

/** Response and request shapes of member notification preferences; the OpenAPI document is generated from them. */

const Language = Type.Union([Type.Literal('zh-CN'), Type.Literal('en'), Type.Null()], {
  description: "null: the program's language.",
});
const Email = Type.Union([Type.String({ minLength: 1, maxLength: 254 }), Type.Null()], {
  description: 'null clears it.',
});
const Phone = Type.Union([Type.String({ minLength: 1, maxLength: 20 }), Type.Null()], {
  description: 'E.164 (+8613800138000) or a mainland mobile number; null clears it.',
});
const Channels = {
  inbox: Type.Boolean(),
  email: Type.Boolean(),
  sms: Type.Boolean(),
};

export const NotificationPreferences = Type.Object({
  memberId: Type.String(),
  email: Type.Union([Type.String(), Type.Null()]),
  phone: Type.Union([Type.String(), Type.Null()]),
  language: Language,
  channels: Type.Object(Channels),
  marketingConsent: Type.Boolean({ description: 'Marketing messages go only to members who said yes.' }),
  consentUpdatedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
    description: 'When marketingConsent last changed (audit trail, 个人信息保护法).',
  }),
  updatedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
    description: 'null: never set; these are the defaults.',
  }),
});

export const NotificationPreferencesPatch = Type.Object(
  {
    email: Type.Optional(Email),
    phone: Type.Optional(Phone),
    language: Type.Optional(Language),
    channels: Type.Optional(Type.Partial(Type.Object(Channels), { additionalProperties: false })),
    marketingConsent: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

import { Type } from '@sinclair/typebox';
import { pageOf } from '../shared/api-schemas.ts';
import { LANGUAGES, MEMBER_CHANNELS, NOTIFICATION_TYPES } from './message-types.ts';

/**
 * Response and request shapes of the notification settings, templates and expiry calendars; the
 * OpenAPI document is generated from them. Webhooks, the inbox and member preferences have theirs
 * in their own folders.
 */

/** A string from a fixed list (validated as an enum; handlers narrow it with `as`). */
const oneOf = (values: readonly string[]) => Type.String({ enum: [...values] });
export const TypeName = oneOf(NOTIFICATION_TYPES);
export const ChannelName = oneOf(MEMBER_CHANNELS);
export const LanguageName = oneOf(LANGUAGES);
const Time = Type.String({
  pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$',
  description: 'HH:MM, program timezone',
});

export const NotificationSettingsBody = Type.Object(
  {
    defaultLanguage: Type.Optional(LanguageName),
    reminderOffsetsDays: Type.Optional(
      Type.Array(Type.Integer({ minimum: 1, maximum: 365 }), {
        maxItems: 5,
        description: 'Days before expiry',
      }),
    ),
    quietHours: Type.Optional(
      Type.Union([Type.Object({ start: Time, end: Time }, { additionalProperties: false }), Type.Null()], {
        description: 'No SMS in these hours (program timezone); messages wait until the end. null: none.',
      }),
    ),
    channels: Type.Optional(
      Type.Record(Type.String(), Type.Array(ChannelName, { maxItems: 3 }), {
        description: 'Member channels per notification type, e.g. {"points.earned": ["inbox", "sms"]}',
      }),
    ),
  },
  { additionalProperties: false },
);

export const NotificationSettings = Type.Object({
  defaultLanguage: LanguageName,
  reminderOffsetsDays: Type.Array(Type.Integer()),
  quietHours: Type.Union([Type.Object({ start: Type.String(), end: Type.String() }), Type.Null()]),
  channels: Type.Record(Type.String(), Type.Array(ChannelName)),
});

const TemplateFields = {
  subject: Type.Union([Type.String({ maxLength: 1000 }), Type.Null()], {
    description: 'Inbox title or email subject; null for SMS',
  }),
  body: Type.String({ minLength: 1, maxLength: 20_000 }),
  category: Type.Union([Type.Literal('transactional'), Type.Literal('marketing')], {
    description: 'Marketing messages reach only members who consented to marketing',
  }),
};
export const TemplateBody = Type.Object(TemplateFields, { additionalProperties: false });
export const Template = Type.Object({
  type: TypeName,
  channel: ChannelName,
  language: LanguageName,
  ...TemplateFields,
  custom: Type.Boolean({ description: "false: Jifen's default wording" }),
  updatedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
export const TemplateParams = Type.Object({ type: TypeName, channel: ChannelName, language: LanguageName });

export const TemplateVariablesResult = pageOf(
  Type.Object({
    type: TypeName,
    variables: Type.Array(
      Type.Object({
        name: Type.String(),
        description: Type.Object({ 'zh-CN': Type.String(), en: Type.String() }),
      }),
    ),
  }),
);

export const TemplatePreviewBody = Type.Object(
  {
    type: TypeName,
    channel: ChannelName,
    language: LanguageName,
    template: Type.Optional(TemplateBody),
    messageId: Type.Optional(
      Type.String({
        maxLength: 100,
        description: 'Render with this outbox message instead of sample data',
      }),
    ),
  },
  { additionalProperties: false },
);

const Rendered = Type.Object({ subject: Type.Union([Type.String(), Type.Null()]), body: Type.String() });
const FieldErrors = Type.Array(Type.Object({ field: Type.String(), message: Type.String() }));

export const TemplatePreview = Type.Object({
  rendered: Rendered,
  variables: Type.Record(Type.String(), Type.String()),
  errors: FieldErrors,
});

export const ExpiryBucket = Type.Object({
  expiresOn: Type.String({ description: 'The last local day the points can be used' }),
  firstExpiresAt: Type.String({ format: 'date-time' }),
  points: Type.Integer(),
  pendingPoints: Type.Integer(),
  lots: Type.Integer(),
  reminders: Type.Array(
    Type.Object({
      offsetDays: Type.Integer(),
      points: Type.Integer(),
      sentAt: Type.String({ format: 'date-time' }),
    }),
  ),
});

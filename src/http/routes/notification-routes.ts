import { Type } from '@sinclair/typebox';
import { getMember } from '../../members/member-store.ts';
import {
  LANGUAGES,
  type Language,
  MEMBER_CHANNELS,
  type MemberChannel,
  NOTIFICATION_TYPES,
  type NotificationDataByType,
  type NotificationType,
} from '../../notifications/message-types.ts';
import {
  memberExpiryCalendar,
  programExpiryCalendar,
} from '../../notifications/reminders/expiry-calendar.ts';
import {
  getNotificationSettings,
  putNotificationSettings,
  settingsErrors,
} from '../../notifications/settings/notification-settings.ts';
import { previewTemplate } from '../../notifications/templates/preview-template.ts';
import { validateTemplate } from '../../notifications/templates/render-template.ts';
import { deleteTemplate, listTemplates, putTemplate } from '../../notifications/templates/template-store.ts';
import { TEMPLATE_VARIABLES } from '../../notifications/templates/template-variables.ts';
import { getProgram } from '../../programs/program-store.ts';
import { MemberId, problemResponses } from '../../shared/api-schemas.ts';
import { JifenError } from '../../shared/errors.ts';
import { isStorableDate, NOT_STORABLE_DATE } from '../../shared/storable-dates.ts';
import { DAY_MS } from '../../shared/time-units.ts';
import { principalOf } from '../auth.ts';
import type { RouteDeps, TypedApp } from '../route-deps.ts';

type TemplateTarget = { type: NotificationType; channel: MemberChannel; language: Language };

/** A string from a fixed list, typed as that list's union. */

/** A string from a fixed list (validated as an enum; handlers narrow it with `as`). */
const oneOf = (values: readonly string[]) => Type.String({ enum: [...values] });
const TypeName = oneOf(NOTIFICATION_TYPES);
const ChannelName = oneOf(MEMBER_CHANNELS);
const LanguageName = oneOf(LANGUAGES);
const Time = Type.String({
  pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$',
  description: 'HH:MM, program timezone',
});

const SettingsBody = Type.Object(
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

const Settings = Type.Object({
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
const TemplateBody = Type.Object(TemplateFields, { additionalProperties: false });
const Template = Type.Object({
  type: TypeName,
  channel: ChannelName,
  language: LanguageName,
  ...TemplateFields,
  custom: Type.Boolean({ description: "false: Jifen's default wording" }),
  updatedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
const TemplateParams = Type.Object({ type: TypeName, channel: ChannelName, language: LanguageName });

const Rendered = Type.Object({ subject: Type.Union([Type.String(), Type.Null()]), body: Type.String() });
const FieldErrors = Type.Array(Type.Object({ field: Type.String(), message: Type.String() }));

const Bucket = Type.Object({
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

function invalid(errors: { field: string; message: string }[]): JifenError {
  return new JifenError('validation_failed', {
    detail: errors.map((error) => `${error.field} ${error.message}`).join('; '),
    extensions: { errors },
  });
}

/**
 * Notification settings, templates and previews, and expiry calendars (SPEC §3.5, §3.6). Webhook
 * endpoints, the inbox and member preferences have routes of their own.
 */
export function notificationRoutes(app: TypedApp, deps: RouteDeps): void {
  app.get(
    '/v1/notification-settings',
    {
      config: { scope: 'members:read' },
      schema: {
        tags: ['notifications'],
        summary: 'Channels per notification type, reminder offsets, quiet hours, default language',
        response: { 200: Settings, ...problemResponses },
      },
    },
    async (request) => getNotificationSettings(deps.db, principalOf(request).programId),
  );

  app.patch(
    '/v1/notification-settings',
    {
      config: { scope: 'program:manage' },
      schema: {
        tags: ['notifications'],
        summary: 'Change some notification settings; the rest stay as they are',
        body: SettingsBody,
        response: { 200: Settings, ...problemResponses },
      },
    },
    async (request) => {
      const errors = settingsErrors(request.body as never);
      if (errors.length > 0) throw invalid(errors);
      const { programId } = principalOf(request);
      return deps.db.transaction((tx) =>
        putNotificationSettings(tx, programId, request.body as never, deps.clock.now()),
      );
    },
  );

  app.get(
    '/v1/notification-templates',
    {
      config: { scope: 'members:read' },
      schema: {
        tags: ['notifications'],
        summary: 'Every template in force (the program’s own or the default), per type, channel and language',
        querystring: Type.Object({
          type: Type.Optional(TypeName),
          channel: Type.Optional(ChannelName),
          language: Type.Optional(LanguageName),
        }),
        response: { 200: Type.Object({ data: Type.Array(Template) }), ...problemResponses },
      },
    },
    async (request) => ({
      data: await listTemplates(
        deps.db,
        principalOf(request).programId,
        request.query as Partial<TemplateTarget>,
      ),
    }),
  );

  app.get(
    '/v1/notification-templates/variables',
    {
      config: { scope: 'members:read' },
      schema: {
        tags: ['notifications'],
        summary: 'The {{variables}} each notification type offers its templates',
        response: {
          200: Type.Object({
            data: Type.Array(
              Type.Object({
                type: TypeName,
                variables: Type.Array(
                  Type.Object({
                    name: Type.String(),
                    description: Type.Object({ 'zh-CN': Type.String(), en: Type.String() }),
                  }),
                ),
              }),
            ),
          }),
          ...problemResponses,
        },
      },
    },
    async () => ({
      data: NOTIFICATION_TYPES.map((type) => ({ type, variables: [...TEMPLATE_VARIABLES[type]] })),
    }),
  );

  app.put(
    '/v1/notification-templates/:type/:channel/:language',
    {
      config: { scope: 'program:manage' },
      schema: {
        tags: ['notifications'],
        summary: 'Set the program’s wording for one type, channel and language',
        params: TemplateParams,
        body: TemplateBody,
        response: { 200: Template, ...problemResponses },
      },
    },
    async (request) => {
      const target = request.params as TemplateTarget;
      const errors = validateTemplate(target.type, target.channel, request.body);
      if (errors.length > 0)
        throw invalid(errors.map((error) => ({ ...error, field: `body/${error.field}` })));
      return putTemplate(deps.db, principalOf(request).programId, target, request.body, deps.clock.now());
    },
  );

  app.delete(
    '/v1/notification-templates/:type/:channel/:language',
    {
      config: { scope: 'program:manage' },
      schema: {
        tags: ['notifications'],
        summary: 'Go back to the default wording',
        params: TemplateParams,
        response: { 200: Template, ...problemResponses },
      },
    },
    async (request) =>
      deleteTemplate(deps.db, principalOf(request).programId, request.params as TemplateTarget),
  );

  app.post(
    '/v1/notification-templates/preview',
    {
      config: { scope: 'members:read' },
      schema: {
        tags: ['notifications'],
        summary:
          'Render a template (the one in force, or one being edited) with sample data or a real message',
        body: Type.Object(
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
        ),
        response: {
          200: Type.Object({
            rendered: Rendered,
            variables: Type.Record(Type.String(), Type.String()),
            errors: FieldErrors,
          }),
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const { programId } = principalOf(request);
      const { type, channel, language } = request.body as TemplateTarget;
      const { messageId } = request.body;
      const program = await getProgram(deps.db, programId);
      const template =
        request.body.template ??
        (await listTemplates(deps.db, programId, { type, channel, language }))[0] ??
        undefined;
      let data: NotificationDataByType[typeof type] | undefined;
      if (messageId !== undefined) {
        const [message] = await deps.db.query<{
          type: string;
          data: NotificationDataByType[NotificationType];
        }>('select type, data from outbox where program_id = $1 and id = $2', [programId, messageId]);
        if (!message || message.type !== type)
          throw new JifenError('validation_failed', {
            detail: `There is no ${type} message "${messageId}" in this program.`,
            extensions: {
              errors: [{ field: 'body/messageId', message: `is not a ${type} message of this program` }],
            },
          });
        data = message.data as NotificationDataByType[typeof type];
      }
      const preview = previewTemplate({
        type,
        channel,
        language,
        template,
        data,
        timezone: program.timezone,
      });
      return {
        ...preview,
        errors: preview.errors.map((error) => ({ ...error, field: `template/${error.field}` })),
      };
    },
  );

  app.get(
    '/v1/members/:memberId/expiry-calendar',
    {
      config: { scope: 'members:read' },
      schema: {
        tags: ['notifications'],
        summary: "Every upcoming expiry of a member's points, by local day, with the reminders sent",
        params: Type.Object({ memberId: MemberId }),
        response: {
          200: Type.Object({ memberId: Type.String(), buckets: Type.Array(Bucket) }),
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const { programId } = principalOf(request);
      const { memberId } = request.params;
      const now = deps.clock.now();
      await getMember(deps.db, programId, memberId, now);
      const program = await getProgram(deps.db, programId);
      return {
        memberId,
        buckets: await memberExpiryCalendar(deps.db, programId, memberId, program.timezone, now),
      };
    },
  );

  app.get(
    '/v1/expiry-calendar',
    {
      config: { scope: 'members:read' },
      schema: {
        tags: ['notifications'],
        summary:
          'Available points that will expire across the program, per local day (default: the next 90 days; pending points are left out)',
        querystring: Type.Object({
          from: Type.Optional(Type.String({ format: 'date-time' })),
          to: Type.Optional(Type.String({ format: 'date-time' })),
        }),
        response: {
          200: Type.Object({
            data: Type.Array(
              Type.Object({ expiresOn: Type.String(), points: Type.Integer(), members: Type.Integer() }),
            ),
          }),
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const { programId } = principalOf(request);
      for (const field of ['from', 'to'] as const) {
        const value = request.query[field];
        if (value !== undefined && !isStorableDate(value))
          throw invalid([{ field: `querystring/${field}`, message: NOT_STORABLE_DATE }]);
      }
      const from = request.query.from ? new Date(request.query.from) : deps.clock.now();
      const to = request.query.to ? new Date(request.query.to) : new Date(from.getTime() + 90 * DAY_MS);
      const days = (to.getTime() - from.getTime()) / DAY_MS;
      if (!(days > 0 && days <= 731) || Number.isNaN(from.getTime()))
        throw invalid([{ field: 'querystring/to', message: 'must be after from, at most two years later' }]);
      const program = await getProgram(deps.db, programId);
      return { data: await programExpiryCalendar(deps.db, programId, program.timezone, from, to) };
    },
  );
}

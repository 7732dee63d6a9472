import { Type } from '@sinclair/typebox';
import { programExpiryDays } from '../../ledger/expiry-queries.ts';
import { MemberParams } from '../../members/member-api-schemas.ts';
import { memberKeyOf } from '../../members/member-store.ts';
import {
  type Language,
  type MemberChannel,
  NOTIFICATION_TYPES,
  type NotificationDataByType,
  type NotificationType,
} from '../../notifications/message-types.ts';
import {
  ChannelName,
  ExpiryBucket,
  LanguageName,
  NotificationSettings,
  NotificationSettingsBody,
  Template,
  TemplateBody,
  TemplateParams,
  TemplatePreview,
  TemplatePreviewBody,
  TemplateVariablesResult,
  TypeName,
} from '../../notifications/notification-api-schemas.ts';
import { findOutboxMessage } from '../../notifications/outbox/outbox-sql.ts';
import { memberExpiryCalendar } from '../../notifications/reminders/expiry-calendar.ts';
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
import { pageOf, problemResponses } from '../../shared/api-schemas.ts';
import { JifenError } from '../../shared/errors.ts';
import { wholeList } from '../../shared/pages.ts';
import { isStorableDate, NOT_STORABLE_DATE } from '../../shared/storable-dates.ts';
import { DAY_MS } from '../../shared/time-units.ts';
import { principalOf } from '../auth.ts';
import type { RouteDeps, TypedApp } from '../route-deps.ts';

type TemplateTarget = { type: NotificationType; channel: MemberChannel; language: Language };

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
      config: { permission: 'program:read' },
      schema: {
        tags: ['notifications'],
        summary: 'Channels per notification type, reminder offsets, quiet hours, default language',
        response: { 200: NotificationSettings, ...problemResponses },
      },
    },
    async (request) => getNotificationSettings(deps.db, principalOf(request).programId),
  );

  app.patch(
    '/v1/notification-settings',
    {
      config: { permission: 'program:manage' },
      schema: {
        tags: ['notifications'],
        summary: 'Change some notification settings; the rest stay as they are',
        body: NotificationSettingsBody,
        response: { 200: NotificationSettings, ...problemResponses },
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
      config: { permission: 'program:read' },
      schema: {
        tags: ['notifications'],
        summary: 'Every template in force (the program’s own or the default), per type, channel and language',
        querystring: Type.Object({
          type: Type.Optional(TypeName),
          channel: Type.Optional(ChannelName),
          language: Type.Optional(LanguageName),
        }),
        response: { 200: pageOf(Template), ...problemResponses },
      },
    },
    async (request) =>
      wholeList(
        await listTemplates(
          deps.db,
          principalOf(request).programId,
          request.query as Partial<TemplateTarget>,
        ),
      ),
  );

  app.get(
    '/v1/notification-templates/variables',
    {
      config: { permission: 'program:read' },
      schema: {
        tags: ['notifications'],
        summary: 'The {{variables}} each notification type offers its templates',
        response: { 200: TemplateVariablesResult, ...problemResponses },
      },
    },
    async () =>
      wholeList(NOTIFICATION_TYPES.map((type) => ({ type, variables: [...TEMPLATE_VARIABLES[type]] }))),
  );

  app.put(
    '/v1/notification-templates/:type/:channel/:language',
    {
      config: { permission: 'program:manage' },
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
      config: { permission: 'program:manage' },
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
      config: { permission: 'program:read' },
      schema: {
        tags: ['notifications'],
        summary:
          'Render a template (the one in force, or one being edited) with sample data or a real message',
        body: TemplatePreviewBody,
        response: { 200: TemplatePreview, ...problemResponses },
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
        const message = await findOutboxMessage(deps.db, programId, messageId);
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
      config: { permission: 'members:read' },
      schema: {
        tags: ['notifications'],
        summary: "Every upcoming expiry of a member's points, by local day, with the reminders sent",
        params: MemberParams,
        response: {
          200: Type.Object({ memberId: Type.String(), buckets: Type.Array(ExpiryBucket) }),
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const { programId } = principalOf(request);
      const { memberId } = request.params;
      const now = deps.clock.now();
      const memberKey = await memberKeyOf(deps.db, programId, memberId);
      const program = await getProgram(deps.db, programId);
      return {
        memberId,
        buckets: await memberExpiryCalendar(deps.db, programId, memberKey, program.timezone, now),
      };
    },
  );

  app.get(
    '/v1/expiry-calendar',
    {
      config: { permission: 'program:read' },
      schema: {
        tags: ['notifications'],
        summary:
          'Available points that will expire across the program, per local day (default: the next 90 days; pending points are left out)',
        querystring: Type.Object({
          from: Type.Optional(Type.String({ format: 'date-time' })),
          to: Type.Optional(Type.String({ format: 'date-time' })),
        }),
        response: {
          200: pageOf(
            Type.Object({ expiresOn: Type.String(), points: Type.Integer(), members: Type.Integer() }),
          ),
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
      return wholeList(await programExpiryDays(deps.db, programId, program.timezone, from, to));
    },
  );
}

import { Type } from '@sinclair/typebox';
import {
  getMemberPreferences,
  memberPreferencesView,
  putMemberPreferences,
} from '../../notifications/preferences/member-preferences.ts';
import { MemberId, problemResponses } from '../../shared/api-schemas.ts';
import { principalOf } from '../auth.ts';
import type { RouteDeps, TypedApp } from '../route-deps.ts';

const MemberParams = Type.Object({ memberId: MemberId });
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

const Preferences = Type.Object({
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

const PreferencesPatch = Type.Object(
  {
    email: Type.Optional(Email),
    phone: Type.Optional(Phone),
    language: Type.Optional(Language),
    channels: Type.Optional(Type.Partial(Type.Object(Channels), { additionalProperties: false })),
    marketingConsent: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

const tags = ['notifications'];

/** How a member wants to hear from the program: contacts, language, channels, marketing consent. */
export function notificationPreferenceRoutes(app: TypedApp, deps: RouteDeps): void {
  app.get(
    '/v1/members/:memberId/notification-preferences',
    {
      config: { scope: 'members:read' },
      schema: {
        tags,
        summary: "A member's notification preferences (the defaults when never set)",
        params: MemberParams,
        response: { 200: Preferences, ...problemResponses },
      },
    },
    async (request) =>
      memberPreferencesView(
        await getMemberPreferences(deps.db, principalOf(request).programId, request.params.memberId),
      ),
  );

  app.put(
    '/v1/members/:memberId/notification-preferences',
    {
      config: { scope: 'members:write' },
      schema: {
        tags,
        summary: 'Change the fields given, keep the others (a consent change is timestamped)',
        params: MemberParams,
        body: PreferencesPatch,
        response: { 200: Preferences, ...problemResponses },
      },
    },
    async (request) =>
      memberPreferencesView(
        await putMemberPreferences(
          deps.db,
          principalOf(request).programId,
          request.params.memberId,
          request.body,
          deps.clock.now(),
        ),
      ),
  );
}

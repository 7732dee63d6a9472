import { MemberParams } from '../../members/member-api-schemas.ts';
import {
  getMemberPreferences,
  memberPreferencesView,
  putMemberPreferences,
} from '../../notifications/preferences/member-preferences.ts';
import {
  NotificationPreferences,
  NotificationPreferencesPatch,
} from '../../notifications/preferences/preference-api-schemas.ts';
import { problemResponses } from '../../shared/api-schemas.ts';
import { principalOf } from '../auth.ts';
import type { RouteDeps, TypedApp } from '../route-deps.ts';

const tags = ['notifications'];

/** How a member wants to hear from the program: contacts, language, channels, marketing consent. */
export function notificationPreferenceRoutes(app: TypedApp, deps: RouteDeps): void {
  app.get(
    '/v1/members/:memberId/notification-preferences',
    {
      config: { permission: 'members:read' },
      schema: {
        tags,
        summary: "A member's notification preferences (the defaults when never set)",
        params: MemberParams,
        response: { 200: NotificationPreferences, ...problemResponses },
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
      config: { permission: 'members:write', personalAnswer: true },
      schema: {
        tags,
        summary: 'Change the fields given, keep the others (a consent change is timestamped)',
        params: MemberParams,
        body: NotificationPreferencesPatch,
        response: { 200: NotificationPreferences, ...problemResponses },
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

import { Type } from '@sinclair/typebox';
import { MemberParams } from '../../members/member-api-schemas.ts';
import { InboxMessage, InboxMessageParams } from '../../notifications/inbox/inbox-api-schemas.ts';
import {
  countUnread,
  listInbox,
  markAllInboxRead,
  markInboxMessageRead,
} from '../../notifications/inbox/inbox-store.ts';
import { PageQuery, pageOf, problemResponses } from '../../shared/api-schemas.ts';
import { principalOf } from '../auth.ts';
import type { RouteDeps, TypedApp } from '../route-deps.ts';

const tags = ['notifications'];

/** A member's in-app inbox (站内信), for the member page: list, unread count, mark read. */
export function inboxRoutes(app: TypedApp, deps: RouteDeps): void {
  app.get(
    '/v1/members/:memberId/inbox',
    {
      config: { permission: 'members:read' },
      schema: {
        tags,
        summary: "A member's inbox messages, newest first",
        params: MemberParams,
        querystring: Type.Object({
          ...PageQuery.properties,
          unread: Type.Optional(Type.Boolean({ description: 'true: only the unread ones.' })),
        }),
        response: { 200: pageOf(InboxMessage), ...problemResponses },
      },
    },
    async (request) => {
      const { limit = 50, cursor, unread = false } = request.query;
      return listInbox(deps.db, principalOf(request).programId, request.params.memberId, {
        limit,
        cursor,
        unreadOnly: unread,
      });
    },
  );

  app.get(
    '/v1/members/:memberId/inbox/unread-count',
    {
      config: { permission: 'members:read' },
      schema: {
        tags,
        summary: 'How many inbox messages the member has not read (the badge)',
        params: MemberParams,
        response: { 200: Type.Object({ unread: Type.Integer() }), ...problemResponses },
      },
    },
    async (request) => ({
      unread: await countUnread(deps.db, principalOf(request).programId, request.params.memberId),
    }),
  );

  app.post(
    '/v1/members/:memberId/inbox/:messageId/read',
    {
      config: { permission: 'members:write' },
      schema: {
        tags,
        summary: 'Mark one message read (again is fine: it keeps its first read time)',
        params: InboxMessageParams,
        response: { 200: InboxMessage, ...problemResponses },
      },
    },
    async (request) =>
      markInboxMessageRead(
        deps.db,
        principalOf(request).programId,
        request.params.memberId,
        request.params.messageId,
        deps.clock.now(),
      ),
  );

  app.post(
    '/v1/members/:memberId/inbox/read-all',
    {
      config: { permission: 'members:write' },
      schema: {
        tags,
        summary: "Mark all the member's messages read",
        params: MemberParams,
        response: {
          200: Type.Object({ marked: Type.Integer({ description: 'How many were unread.' }) }),
          ...problemResponses,
        },
      },
    },
    async (request) => ({
      marked: await markAllInboxRead(
        deps.db,
        principalOf(request).programId,
        request.params.memberId,
        deps.clock.now(),
      ),
    }),
  );
}

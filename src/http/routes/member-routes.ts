import { Type } from '@sinclair/typebox';
import { listEntries, listLots } from '../../ledger/ledger-queries.ts';
import { changeMemberId } from '../../members/change-member-id.ts';
import {
  ChangeMemberIdBody,
  MemberListQuery,
  MemberParams,
  MemberProfile,
} from '../../members/member-api-schemas.ts';
import { inSegmentCondition } from '../../members/member-segments.ts';
import { listMembers, upsertMember } from '../../members/member-store.ts';
import { phoneCondition } from '../../notifications/preferences/member-preferences.ts';
import {
  Entry,
  IdempotencyHeaders,
  Lot,
  Member,
  PageQuery,
  pageOf,
  problemResponses,
} from '../../shared/api-schemas.ts';
import { cursorKey, toPage } from '../../shared/pages.ts';
import { inTierCondition } from '../../tiers/member-tier.ts';
import { principalOf } from '../auth.ts';
import { memberView, viewOf, viewsOf } from '../member-view.ts';
import type { RouteDeps, TypedApp } from '../route-deps.ts';

export function memberRoutes(app: TypedApp, deps: RouteDeps): void {
  app.put(
    '/v1/members/:memberId',
    {
      config: { permission: 'members:write', personalAnswer: true },
      schema: {
        tags: ['members'],
        summary: 'Create a member, or change the fields given',
        params: MemberParams,
        body: MemberProfile,
        response: { 200: Member, 201: Member, ...problemResponses },
      },
    },
    async (request, reply) => {
      const { programId } = principalOf(request);
      const now = deps.clock.now();
      const { member, created } = await deps.db.transaction((tx) =>
        upsertMember(tx, programId, request.params.memberId, request.body, now),
      );
      reply.code(created ? 201 : 200);
      return viewOf(deps.db, programId, member, now);
    },
  );

  app.post(
    '/v1/members/:memberId/change-id',
    {
      config: { permission: 'members:write', personalAnswer: true },
      schema: {
        tags: ['members'],
        summary:
          "Change a member's id (merged accounts, a new phone number): the points, journal, tier and history stay, under the new id; the old id is free",
        params: MemberParams,
        headers: IdempotencyHeaders,
        body: ChangeMemberIdBody,
        response: { 200: Member, ...problemResponses },
      },
    },
    async (request, reply) =>
      deps.send(request, reply, async (tx, context) => {
        const { memberId } = request.params;
        const record = await changeMemberId(
          tx,
          context.programId,
          memberId,
          request.body.newMemberId,
          context.now,
        );
        return { status: 200, body: await viewOf(tx, context.programId, record, context.now) };
      }),
  );

  app.get(
    '/v1/members',
    {
      config: { permission: 'members:read' },
      schema: {
        tags: ['members'],
        summary:
          "The program's members in id order, searched by id prefix, tag, tier, segment, status and joining time",
        querystring: MemberListQuery,
        response: { 200: pageOf(Member), ...problemResponses },
      },
    },
    async (request) => {
      const { programId } = principalOf(request);
      const { limit = 50, cursor, tier, phone, segment, ...filter } = request.query;
      const now = deps.clock.now();
      const byKey = bothConditions(
        bothConditions(
          tier === undefined ? undefined : await inTierCondition(deps.db, programId, tier, now),
          phone === undefined ? undefined : await phoneCondition(deps.db, programId, phone),
        ),
        segment === undefined ? undefined : inSegmentCondition(programId, segment),
      );
      const records = await listMembers(
        deps.db,
        programId,
        { ...filter, byKey },
        { afterId: cursorKey(cursor), limit: limit + 1 },
      );
      const page = toPage(
        records,
        limit,
        (record) => record,
        (record) => record.memberId,
      );
      return { ...page, data: await viewsOf(deps.db, programId, page.data, now) };
    },
  );

  app.get(
    '/v1/members/:memberId',
    {
      config: { permission: 'members:read' },
      schema: {
        tags: ['members'],
        summary: 'A member: profile, tier and balances',
        params: MemberParams,
        response: { 200: Member, ...problemResponses },
      },
    },
    async (request) =>
      memberView(deps.db, principalOf(request).programId, request.params.memberId, deps.clock.now()),
  );

  app.get(
    '/v1/members/:memberId/lots',
    {
      config: { permission: 'ledger:read' },
      schema: {
        tags: ['ledger'],
        summary: "A member's lots (oldest first), each with its remaining points and expiry",
        params: MemberParams,
        querystring: Type.Intersect([
          PageQuery,
          Type.Object({
            includeEmpty: Type.Optional(
              Type.Boolean({ default: false, description: 'Include used-up lots.' }),
            ),
          }),
        ]),
        response: { 200: pageOf(Lot), ...problemResponses },
      },
    },
    async (request) =>
      listLots(deps.db, principalOf(request).programId, request.params.memberId, deps.clock.now(), {
        limit: request.query.limit ?? 50,
        cursor: request.query.cursor,
        includeEmpty: request.query.includeEmpty ?? false,
      }),
  );

  app.get(
    '/v1/members/:memberId/entries',
    {
      config: { permission: 'ledger:read' },
      schema: {
        tags: ['ledger'],
        summary: "A member's journal entries, newest first",
        params: MemberParams,
        querystring: Type.Intersect([
          PageQuery,
          Type.Object({
            type: Type.Optional(Type.String({ maxLength: 32, description: 'Only this entry type.' })),
          }),
        ]),
        response: { 200: pageOf(Entry), ...problemResponses },
      },
    },
    async (request) =>
      listEntries(deps.db, principalOf(request).programId, request.params.memberId, {
        limit: request.query.limit ?? 50,
        cursor: request.query.cursor,
        type: request.query.type,
      }),
  );
}

type KeyCondition = { sql: (keyColumn: string, firstParam: number) => string; params: unknown[] };

/** Two conditions on a member-key column as one (either may be absent). */
function bothConditions(a: KeyCondition | undefined, b: KeyCondition | undefined): KeyCondition | undefined {
  if (!a || !b) return a ?? b;
  return {
    sql: (keyColumn, n) => `(${a.sql(keyColumn, n)}) and (${b.sql(keyColumn, n + a.params.length)})`,
    params: [...a.params, ...b.params],
  };
}

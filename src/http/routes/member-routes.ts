import { Type } from '@sinclair/typebox';
import { listEntries, listLots } from '../../ledger/ledger-queries.ts';
import { getMember, MAX_ATTRIBUTES_BYTES, upsertMember } from '../../members/member-store.ts';
import {
  Entry,
  Lot,
  Member,
  MemberId,
  PageQuery,
  pageOf,
  problemResponses,
} from '../../shared/api-schemas.ts';
import { principalOf } from '../auth.ts';
import type { RouteDeps, TypedApp } from '../route-deps.ts';

const MemberParams = Type.Object({ memberId: MemberId });

const MemberProfile = Type.Object(
  {
    status: Type.Optional(
      Type.Union([Type.Literal('active'), Type.Literal('frozen'), Type.Literal('blocked')], {
        description: 'frozen: cannot spend or transfer; blocked: cannot earn or spend.',
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

export function memberRoutes(app: TypedApp, deps: RouteDeps): void {
  app.put(
    '/v1/members/:memberId',
    {
      config: { scope: 'members:write' },
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
      const { member, created } = await deps.db.transaction((tx) =>
        upsertMember(tx, programId, request.params.memberId, request.body, deps.clock.now()),
      );
      reply.code(created ? 201 : 200);
      return member;
    },
  );

  app.get(
    '/v1/members/:memberId',
    {
      config: { scope: 'members:read' },
      schema: {
        tags: ['members'],
        summary: 'A member: profile, tier and balances',
        params: MemberParams,
        response: { 200: Member, ...problemResponses },
      },
    },
    async (request) =>
      getMember(deps.db, principalOf(request).programId, request.params.memberId, deps.clock.now()),
  );

  app.get(
    '/v1/members/:memberId/lots',
    {
      config: { scope: 'ledger:read' },
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
      config: { scope: 'ledger:read' },
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

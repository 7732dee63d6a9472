import { Type } from '@sinclair/typebox';
import { type Asked, executeInTransaction } from '../../approvals/approvable-actions.ts';
import { Approval } from '../../approvals/approval-api-schemas.ts';
import { MemberParams } from '../../members/member-api-schemas.ts';
import { IdempotencyHeaders, PageQuery, pageOf, problemResponses } from '../../shared/api-schemas.ts';
import { JifenError } from '../../shared/errors.ts';
import { memberTierStatus, retainTierWithPoints } from '../../tiers/member-tier.ts';
import { MemberTierStatus, TierConfigVersion, TierHistoryEntry } from '../../tiers/tier-api-schemas.ts';
import { currentTierConfig, listTierHistory, putTierConfig } from '../../tiers/tier-store.ts';
import { TierConfigSchema } from '../../tiers/tier-types.ts';
import { runOrHoldForApproval } from '../approval-gate.ts';
import { principalOf } from '../auth.ts';
import type { RouteDeps, TypedApp } from '../route-deps.ts';

/** Tiers (SPEC §3.3): the configuration, a member's tier and its history, assignment, retention. */
export function tierRoutes(app: TypedApp, deps: RouteDeps): void {
  app.get(
    '/v1/tiers',
    {
      config: { permission: 'program:read' },
      schema: {
        tags: ['tiers'],
        summary: 'The tier configuration in force',
        response: { 200: TierConfigVersion, ...problemResponses },
      },
    },
    async (request) => {
      const current = await currentTierConfig(deps.db, principalOf(request).programId);
      if (!current)
        throw new JifenError('tiers_not_configured', { detail: 'This program has no tiers yet.' });
      return current;
    },
  );

  app.put(
    '/v1/tiers',
    {
      config: { permission: 'program:manage' },
      schema: {
        tags: ['tiers'],
        summary:
          'A new version of the tier configuration (members keep their tiers; history is never rewritten); the configuration in force again answers 200 with its version',
        body: TierConfigSchema,
        response: { 200: TierConfigVersion, 201: TierConfigVersion, ...problemResponses },
      },
    },
    async (request, reply) => {
      const { programId } = principalOf(request);
      const { created, ...version } = await deps.db.transaction((tx) =>
        putTierConfig(tx, programId, request.body, deps.clock.now()),
      );
      reply.code(created ? 201 : 200);
      return version;
    },
  );

  app.get(
    '/v1/members/:memberId/tier',
    {
      config: { permission: 'members:read' },
      schema: {
        tags: ['tiers'],
        summary: "A member's tier, growth in the window, what the next tier needs, and the projected tier",
        params: MemberParams,
        response: { 200: MemberTierStatus, ...problemResponses },
      },
    },
    async (request) =>
      memberTierStatus(deps.db, principalOf(request).programId, request.params.memberId, deps.clock.now()),
  );

  app.put(
    '/v1/members/:memberId/tier',
    {
      config: { permission: 'tiers:assign' },
      schema: {
        tags: ['tiers'],
        summary: "Set a member's tier by hand until a date, with a reason (audited; it ends on its own)",
        params: MemberParams,
        headers: IdempotencyHeaders,
        body: Type.Object(
          {
            tier: Type.String({ minLength: 1, maxLength: 40 }),
            until: Type.String({ format: 'date-time' }),
            reason: Type.String({ minLength: 1, maxLength: 500 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: MemberTierStatus, 202: Approval, ...problemResponses },
      },
    },
    async (request, reply) => {
      const asked: Asked = {
        action: 'tier_assignment',
        payload: { memberId: request.params.memberId, ...request.body },
      };
      return runOrHoldForApproval(deps, request, reply, asked, undefined, () =>
        deps.send(request, reply, (tx, context) => executeInTransaction(tx, context, asked)),
      );
    },
  );

  app.post(
    '/v1/members/:memberId/tier/retention',
    {
      config: { permission: 'ledger:debit' },
      schema: {
        tags: ['tiers'],
        summary: 'Keep the tier at the next evaluation by spending points (用积分保级)',
        params: MemberParams,
        headers: IdempotencyHeaders,
        response: { 201: Type.Object({}, { additionalProperties: true }), ...problemResponses },
      },
    },
    async (request, reply) =>
      deps.send(request, reply, (tx, context) => retainTierWithPoints(tx, context, request.params.memberId)),
  );

  app.get(
    '/v1/members/:memberId/tier-history',
    {
      config: { permission: 'members:read' },
      schema: {
        tags: ['tiers'],
        summary: "A member's tier changes and evaluations, newest first",
        params: MemberParams,
        querystring: PageQuery,
        response: { 200: pageOf(TierHistoryEntry), ...problemResponses },
      },
    },
    async (request) =>
      listTierHistory(deps.db, principalOf(request).programId, request.params.memberId, {
        limit: request.query.limit ?? 50,
        cursor: request.query.cursor,
      }),
  );
}

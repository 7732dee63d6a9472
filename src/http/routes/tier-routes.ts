import { Type } from '@sinclair/typebox';
import { MemberId, problemResponses } from '../../shared/api-schemas.ts';
import { JifenError } from '../../shared/errors.ts';
import { assignTier, memberTierStatus, retainTierWithPoints } from '../../tiers/member-tier.ts';
import { currentTierConfig, listTierHistory, putTierConfig } from '../../tiers/tier-store.ts';
import { TierConfigSchema } from '../../tiers/tier-types.ts';
import { principalOf } from '../auth.ts';
import type { RouteDeps, TypedApp } from '../route-deps.ts';

const Text = Type.Object({ zh: Type.String(), en: Type.String() });
const Name = Type.Object({ 'zh-CN': Type.String(), en: Type.String() });
const MemberParams = Type.Object({ memberId: MemberId });
const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
});

const ConfigVersion = Type.Object({
  version: Type.Integer(),
  config: TierConfigSchema,
  createdAt: Type.String({ format: 'date-time' }),
});

const TierSummary = Type.Object({
  code: Type.String(),
  name: Name,
  benefits: Type.Object({}, { additionalProperties: true }),
});

const MemberTierStatus = Type.Object({
  memberId: Type.String(),
  configVersion: Type.Integer(),
  tier: TierSummary,
  earnedTier: Type.String({
    description: 'The tier growth earned (the tier in force unless an operator set one).',
  }),
  since: Type.String({ format: 'date-time' }),
  manual: Type.Union([
    Type.Object({ tier: Type.String(), until: Type.String({ format: 'date-time' }) }),
    Type.Null(),
  ]),
  growthInWindow: Type.Integer(),
  window: Type.Object({
    from: Type.String({ format: 'date-time' }),
    to: Type.String({ format: 'date-time' }),
  }),
  nextTier: Type.Union([
    Type.Object({ ...TierSummary.properties, entryGrowth: Type.Integer(), growthNeeded: Type.Integer() }),
    Type.Null(),
  ]),
  nextEvaluationAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  projectedTier: Type.Union([
    Type.Object(
      { tier: TierSummary, growthInWindow: Type.Integer() },
      {
        description: 'What the next evaluation would decide if nothing more were earned before it.',
      },
    ),
    Type.Null(),
  ]),
  retainedWithPoints: Type.Boolean(),
});

const HistoryEntry = Type.Object({
  id: Type.String(),
  memberId: Type.String(),
  kind: Type.String(),
  fromTier: Type.String(),
  toTier: Type.String(),
  growthInWindow: Type.Union([Type.Integer(), Type.Null()]),
  period: Type.Union([Type.String(), Type.Null()]),
  configVersion: Type.Integer(),
  reason: Text,
  actor: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
});

/** Tiers (SPEC §3.3): the configuration, a member's tier and its history, assignment, retention. */
export function tierRoutes(app: TypedApp, deps: RouteDeps): void {
  app.get(
    '/v1/tiers',
    {
      config: { scope: 'members:read' },
      schema: {
        tags: ['tiers'],
        summary: 'The tier configuration in force',
        response: { 200: ConfigVersion, ...problemResponses },
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
      config: { scope: 'program:manage' },
      schema: {
        tags: ['tiers'],
        summary:
          'A new version of the tier configuration (members keep their tiers; history is never rewritten); the configuration in force again answers 200 with its version',
        body: TierConfigSchema,
        response: { 200: ConfigVersion, 201: ConfigVersion, ...problemResponses },
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
      config: { scope: 'members:read' },
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
      config: { scope: 'members:write' },
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
        response: { 200: MemberTierStatus, ...problemResponses },
      },
    },
    async (request, reply) =>
      deps.send(request, reply, (tx, context) =>
        assignTier(tx, context, request.params.memberId, {
          tier: request.body.tier,
          until: new Date(request.body.until),
          reason: request.body.reason,
        }),
      ),
  );

  app.post(
    '/v1/members/:memberId/tier/retention',
    {
      config: { scope: 'ledger:write' },
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
      config: { scope: 'members:read' },
      schema: {
        tags: ['tiers'],
        summary: "A member's tier changes and evaluations, newest first",
        params: MemberParams,
        querystring: Type.Object({
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
        }),
        response: { 200: Type.Object({ data: Type.Array(HistoryEntry) }), ...problemResponses },
      },
    },
    async (request) => ({
      data: await listTierHistory(
        deps.db,
        principalOf(request).programId,
        request.params.memberId,
        request.query.limit ?? 50,
      ),
    }),
  );
}

import { Type } from '@sinclair/typebox';
import { backTest } from '../../events/back-test.ts';
import { getProgram } from '../../programs/program-store.ts';
import { describeRule } from '../../rules/describe-rule.ts';
import { previewEvent } from '../../rules/preview-event.ts';
import {
  createRule,
  listRules,
  listVersions,
  publishDraft,
  type RuleVersionView,
  retireRule,
  writeDraft,
} from '../../rules/rule-store.ts';
import { EventAttributes, type RuleDefinition } from '../../rules/rule-types.ts';
import { MemberId, problemResponses } from '../../shared/api-schemas.ts';
import { JifenError } from '../../shared/errors.ts';
import { DAY_MS } from '../../shared/time-units.ts';
import { SHARED_SCHEMAS } from '../ajv-compilers.ts';
import { principalOf } from '../auth.ts';
import type { RouteDeps, TypedApp } from '../route-deps.ts';

/** Validated against the registered schema; the type provider cannot see through a $ref. */
const DefinitionRef = Type.Unsafe<RuleDefinition>(Type.Ref('RuleDefinition'));
const RuleId = Type.String({ minLength: 1, maxLength: 64 });
const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
});
const Text = Type.Object({ zh: Type.String(), en: Type.String() });

const Version = Type.Object({
  version: Type.Integer(),
  status: Type.Union([
    Type.Literal('draft'),
    Type.Literal('published'),
    Type.Literal('superseded'),
    Type.Literal('retired'),
  ]),
  definition: DefinitionRef,
  description: Text,
  createdAt: Type.String({ format: 'date-time' }),
  publishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  endedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
const Rule = Type.Object({ ruleId: Type.String(), versions: Type.Array(Version) });

const Award = Type.Object({
  ruleId: Type.String(),
  version: Type.Integer(),
  points: Type.Integer(),
  growth: Type.Integer(),
  reason: Text,
  pendingDays: Type.Integer(),
  expiresInDays: Type.Union([Type.Integer(), Type.Null()]),
  multipliedBy: Type.Array(
    Type.Object({ ruleId: Type.String(), version: Type.Integer(), factor: Type.Number() }),
  ),
  limitedBy: Type.Union([Type.String(), Type.Null()]),
  onceKey: Type.Union([Type.String(), Type.Null()]),
});

const MAX_BACK_TEST_MS = 3 * 366 * DAY_MS;

const BackTestTotals = {
  points: Type.Integer(),
  growth: Type.Integer(),
  costMinor: Type.Integer({ description: 'Money the net points stand for, at the program point value.' }),
};
const Scenario = Type.Object({
  ...BackTestTotals,
  pointsTakenBack: Type.Integer({ description: 'Points refunds in the range would take back.' }),
  byDay: Type.Array(Type.Object({ date: Type.String(), ...BackTestTotals, pointsTakenBack: Type.Integer() })),
  byRule: Type.Array(
    Type.Object({
      ruleId: Type.String(),
      version: Type.Integer(),
      awards: Type.Integer(),
      ...BackTestTotals,
    }),
  ),
});
const BackTestReport = Type.Object({
  from: Type.String({ format: 'date-time' }),
  to: Type.String({ format: 'date-time' }),
  events: Type.Integer(),
  currency: Type.String(),
  inForce: Scenario,
  proposed: Scenario,
  drafts: Type.Array(Type.Object({ ruleId: Type.String(), version: Type.Integer() })),
});

/** Rules as data, over the API: draft, publish, retire, list, and preview an event against them. */
export function ruleRoutes(app: TypedApp, deps: RouteDeps): void {
  // Conditions nest: the schemas are registered once and referenced by $id (see ajv-compilers).
  for (const schema of SHARED_SCHEMAS) app.addSchema(schema);
  const read = { scope: 'rules:read' as const };
  const write = { scope: 'rules:write' as const };

  const withDescriptions = async (programId: string, versions: RuleVersionView[]) => {
    const { currency } = await getProgram(deps.db, programId);
    return versions.map((version) => ({
      ...version,
      description: describeRule(version.definition, currency),
    }));
  };

  app.get(
    '/v1/rules',
    {
      config: read,
      schema: {
        tags: ['rules'],
        summary: 'Every earning rule with its versions (draft, published, superseded, retired)',
        response: { 200: Type.Object({ data: Type.Array(Rule) }), ...problemResponses },
      },
    },
    async (request) => {
      const { programId } = principalOf(request);
      const rules = await listRules(deps.db, programId);
      const data = [];
      for (const rule of rules)
        data.push({ ruleId: rule.ruleId, versions: await withDescriptions(programId, rule.versions) });
      return { data };
    },
  );

  app.get(
    '/v1/rules/:ruleId',
    {
      config: read,
      schema: {
        tags: ['rules'],
        summary: 'One rule and all its versions',
        params: Type.Object({ ruleId: RuleId }),
        response: { 200: Rule, ...problemResponses },
      },
    },
    async (request) => {
      const { programId } = principalOf(request);
      const versions = await listVersions(deps.db, programId, request.params.ruleId);
      return { ruleId: request.params.ruleId, versions: await withDescriptions(programId, versions) };
    },
  );

  app.post(
    '/v1/rules',
    {
      config: write,
      schema: {
        tags: ['rules'],
        summary: 'Create a rule; its version 1 is a draft until published',
        body: DefinitionRef,
        headers: IdempotencyHeaders,
        response: { 201: Rule, ...problemResponses },
      },
    },
    async (request, reply) =>
      deps.send(request, reply, async (tx, context) => {
        const created = await createRule(tx, context.programId, request.body as RuleDefinition, context.now);
        const { currency } = await getProgram(tx, context.programId);
        const versions = created.versions.map((v) => ({
          ...v,
          description: describeRule(v.definition, currency),
        }));
        return { status: 201, body: { ruleId: created.ruleId, versions } };
      }),
  );

  app.put(
    '/v1/rules/:ruleId/draft',
    {
      config: write,
      schema: {
        tags: ['rules'],
        summary: "Write the rule's draft (a new version after the latest, or the open draft replaced)",
        params: Type.Object({ ruleId: RuleId }),
        body: DefinitionRef,
        headers: IdempotencyHeaders,
        response: { 200: Version, ...problemResponses },
      },
    },
    async (request, reply) =>
      deps.send(request, reply, async (tx, context) => {
        const draft = await writeDraft(
          tx,
          context.programId,
          request.params.ruleId,
          request.body as RuleDefinition,
          context.now,
        );
        const { currency } = await getProgram(tx, context.programId);
        return { status: 200, body: { ...draft, description: describeRule(draft.definition, currency) } };
      }),
  );

  for (const [action, summary, run] of [
    ['publish', 'Publish the draft; the version in force before it is superseded', publishDraft],
    ['retire', 'Stop the rule: its published version is retired', retireRule],
  ] as const) {
    app.post(
      `/v1/rules/:ruleId/${action}`,
      {
        config: write,
        schema: {
          tags: ['rules'],
          summary,
          params: Type.Object({ ruleId: RuleId }),
          headers: IdempotencyHeaders,
          response: { 200: Version, ...problemResponses },
        },
      },
      async (request, reply) =>
        deps.send(request, reply, async (tx, context) => {
          const version = await run(tx, context.programId, request.params.ruleId, context.now);
          const { currency } = await getProgram(tx, context.programId);
          return {
            status: 200,
            body: { ...version, description: describeRule(version.definition, currency) },
          };
        }),
    );
  }

  app.post(
    '/v1/rules/preview',
    {
      config: read,
      schema: {
        tags: ['rules'],
        summary:
          'What an event would earn under the rules, and why each other rule would not fire (writes nothing)',
        body: Type.Object(
          {
            event: Type.Object(
              {
                type: Type.String({ minLength: 1, maxLength: 100 }),
                memberId: MemberId,
                occurredAt: Type.Optional(Type.String({ format: 'date-time' })),
                attributes: Type.Optional(EventAttributes),
              },
              { additionalProperties: false },
            ),
            useDrafts: Type.Optional(
              Type.Boolean({ description: 'Judge by each rule’s draft where it has one.' }),
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            awards: Type.Array(Award),
            misses: Type.Array(Type.Object({ ruleId: Type.String(), version: Type.Integer(), why: Text })),
            totals: Type.Object({ points: Type.Integer(), growth: Type.Integer() }),
            memberKnown: Type.Boolean(),
          }),
          ...problemResponses,
        },
      },
    },
    async (request) => previewEvent(deps.db, principalOf(request).programId, request.body, deps.clock.now()),
  );

  app.post(
    '/v1/rules/back-test',
    {
      config: read,
      schema: {
        tags: ['rules'],
        summary:
          'Replay the stored events of a date range under the rules in force and under the drafts: points, growth and money cost by day and by rule (writes nothing)',
        body: Type.Object(
          {
            from: Type.String({ format: 'date-time', description: 'First instant included.' }),
            to: Type.String({ format: 'date-time', description: 'First instant not included.' }),
          },
          { additionalProperties: false },
        ),
        response: { 200: BackTestReport, ...problemResponses },
      },
    },
    async (request) => {
      const from = new Date(request.body.from);
      const to = new Date(request.body.to);
      if (!(from.getTime() < to.getTime()) || to.getTime() - from.getTime() > MAX_BACK_TEST_MS) {
        throw new JifenError('validation_failed', {
          detail: 'body/to must be after body/from, at most 3 years later',
          extensions: {
            errors: [{ field: 'body/to', message: 'must be after from, at most 3 years later' }],
          },
        });
      }
      return backTest(deps.db, principalOf(request).programId, { from, to });
    },
  );
}

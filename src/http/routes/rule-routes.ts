import { backTest } from '../../events/back-test.ts';
import { previewEvent } from '../../events/preview-event.ts';
import { reasonView } from '../../ledger/ledger-views.ts';
import { getProgram } from '../../programs/program-store.ts';
import { describeRule } from '../../rules/describe-rule.ts';
import {
  BackTestBody,
  BackTestReport,
  DefinitionRef,
  PreviewBody,
  PreviewResult,
  Rule,
  RuleParams,
  RuleVersion,
} from '../../rules/rule-api-schemas.ts';
import {
  createRule,
  listRules,
  listVersions,
  publishDraft,
  type RuleVersionView,
  retireRule,
  writeDraft,
} from '../../rules/rule-store.ts';
import type { RuleDefinition } from '../../rules/rule-types.ts';
import { IdempotencyHeaders, pageOf, problemResponses } from '../../shared/api-schemas.ts';
import { JifenError } from '../../shared/errors.ts';
import { wholeList } from '../../shared/pages.ts';
import { DAY_MS } from '../../shared/time-units.ts';
import { SHARED_SCHEMAS } from '../ajv-compilers.ts';
import { principalOf } from '../auth.ts';
import type { RouteDeps, TypedApp } from '../route-deps.ts';

const MAX_BACK_TEST_MS = 3 * 366 * DAY_MS;

/** Rules as data, over the API: draft, publish, retire, list, and preview an event against them. */
export function ruleRoutes(app: TypedApp, deps: RouteDeps): void {
  // Conditions nest: the schemas are registered once and referenced by $id (see ajv-compilers).
  for (const schema of SHARED_SCHEMAS) app.addSchema(schema);

  const withDescriptions = async (programId: string, versions: RuleVersionView[]) => {
    const { currency } = await getProgram(deps.db, programId);
    return versions.map((version) => ({
      ...version,
      description: reasonView(describeRule(version.definition, currency)),
    }));
  };

  app.get(
    '/v1/rules',
    {
      config: { permission: 'rules:read' },
      schema: {
        tags: ['rules'],
        summary: 'Every earning rule with its versions (draft, published, superseded, retired)',
        response: { 200: pageOf(Rule), ...problemResponses },
      },
    },
    async (request) => {
      const { programId } = principalOf(request);
      const rules = await listRules(deps.db, programId);
      const data = [];
      for (const rule of rules)
        data.push({ id: rule.ruleId, versions: await withDescriptions(programId, rule.versions) });
      return wholeList(data);
    },
  );

  app.get(
    '/v1/rules/:ruleId',
    {
      config: { permission: 'rules:read' },
      schema: {
        tags: ['rules'],
        summary: 'One rule and all its versions',
        params: RuleParams,
        response: { 200: Rule, ...problemResponses },
      },
    },
    async (request) => {
      const { programId } = principalOf(request);
      const versions = await listVersions(deps.db, programId, request.params.ruleId);
      return { id: request.params.ruleId, versions: await withDescriptions(programId, versions) };
    },
  );

  app.post(
    '/v1/rules',
    {
      config: { permission: 'rules:write' },
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
          description: reasonView(describeRule(v.definition, currency)),
        }));
        return { status: 201, body: { id: created.ruleId, versions } };
      }),
  );

  app.put(
    '/v1/rules/:ruleId/draft',
    {
      config: { permission: 'rules:write' },
      schema: {
        tags: ['rules'],
        summary: "Write the rule's draft (a new version after the latest, or the open draft replaced)",
        params: RuleParams,
        body: DefinitionRef,
        headers: IdempotencyHeaders,
        response: { 200: RuleVersion, ...problemResponses },
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
        return {
          status: 200,
          body: { ...draft, description: reasonView(describeRule(draft.definition, currency)) },
        };
      }),
  );

  for (const [action, summary, run] of [
    ['publish', 'Publish the draft; the version in force before it is superseded', publishDraft],
    ['retire', 'Stop the rule: its published version is retired', retireRule],
  ] as const) {
    app.post(
      `/v1/rules/:ruleId/${action}`,
      {
        config: { permission: 'rules:write' },
        schema: {
          tags: ['rules'],
          summary,
          params: RuleParams,
          headers: IdempotencyHeaders,
          response: { 200: RuleVersion, ...problemResponses },
        },
      },
      async (request, reply) =>
        deps.send(request, reply, async (tx, context) => {
          const version = await run(tx, context.programId, request.params.ruleId, context.now);
          const { currency } = await getProgram(tx, context.programId);
          return {
            status: 200,
            body: { ...version, description: reasonView(describeRule(version.definition, currency)) },
          };
        }),
    );
  }

  app.post(
    '/v1/rules/preview',
    {
      config: { permission: 'rules:read' },
      schema: {
        tags: ['rules'],
        summary:
          'What an event would earn under the rules, and why each other rule would not fire (writes nothing)',
        body: PreviewBody,
        response: { 200: PreviewResult, ...problemResponses },
      },
    },
    async (request) => previewEvent(deps.db, principalOf(request).programId, request.body, deps.clock.now()),
  );

  app.post(
    '/v1/rules/back-test',
    {
      config: { permission: 'rules:read' },
      schema: {
        tags: ['rules'],
        summary:
          'Replay the stored events of a date range under the rules in force and under the drafts: points, growth and money cost by day and by rule (writes nothing)',
        body: BackTestBody,
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
      return backTest(deps.db, principalOf(request).programId, { from, to, now: deps.clock.now() });
    },
  );
}

import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { OPERATION_EXAMPLES } from '../../src/http/operation-examples.ts';
import { replayAgainst } from '../support/replay-examples.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';

/**
 * The OpenAPI document is a contract clients are generated from. It must equal the committed
 * snapshot (docs/openapi.json; `npm run openapi:snapshot` is the only thing that writes it, so a
 * contract change shows in review), be a valid OpenAPI 3.1 document, name every operation and
 * body, and its examples must be true: valid against their schemas, and the request examples,
 * replayed against a live server, answer what they say.
 */
type Json = Record<string, unknown>;
interface Operation {
  operationId?: string;
  summary?: string;
  tags?: string[];
  parameters?: { in: string; name: string; schema: Json; example?: unknown }[];
  requestBody?: { content: Record<string, { schema: Json; example?: unknown }> };
  responses: Record<string, { content?: Record<string, { schema: Json; example?: unknown }> }>;
}
interface Document {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Json> };
}

const SNAPSHOT = new URL('../../docs/openapi.json', import.meta.url);

/** Validates a value against a schema of the document, `$ref`s resolved within it. */
function schemaChecker(document: Document) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema({ $id: 'doc', components: document.components });
  return (schema: Json, value: unknown): string[] => {
    const rewritten = JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"doc#/components/'));
    const validate = ajv.compile(rewritten);
    return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
  };
}

function operationsOf(document: Document) {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({ path, method, operation })),
  );
}

describe.each(ENGINES)('the OpenAPI document (%s)', (engine) => {
  let api: TestApi;
  let document: Document;
  beforeAll(async () => {
    api = await openTestApi(engine);
    document = (await api.call('GET', '/openapi.json')).body;
  });
  afterAll(async () => api?.close());

  test('equals the committed snapshot (npm run openapi:snapshot after a deliberate change)', () => {
    const snapshot = JSON.parse(readFileSync(SNAPSHOT, 'utf8'));
    expect(document).toEqual(snapshot);
  });

  test('is a valid OpenAPI 3.1 document', async () => {
    expect(document.openapi).toBe('3.1.0');
    const result = await new Validator().validate(structuredClone(document) as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  test('every operation has a unique operationId, a summary and tags', () => {
    const ids = new Set<string>();
    for (const { path, method, operation } of operationsOf(document)) {
      const where = `${method.toUpperCase()} ${path}`;
      expect(operation.operationId, where).toMatch(/^[a-z][A-Za-z]+$/);
      expect(ids.has(operation.operationId!), `${where}: ${operation.operationId} twice`).toBe(false);
      ids.add(operation.operationId!);
      expect(operation.summary, where).toBeTruthy();
      expect(operation.tags?.length, where).toBeGreaterThan(0);
    }
    expect(ids).toContain('createCredit');
    expect(ids).toContain('listMemberEntries');
  });

  test('every body is a named component; no def-N names', () => {
    const names = Object.keys(document.components.schemas);
    for (const name of ['Member', 'Entry', 'Lot', 'Hold', 'Rule', 'Problem', 'EventOutcome', 'MemberPage']) {
      expect(names).toContain(name);
    }
    expect(names.filter((name) => /^def-\d+$/.test(name))).toEqual([]);
    for (const { path, method, operation } of operationsOf(document)) {
      const bodies = [
        ...Object.values(operation.requestBody?.content ?? {}),
        ...Object.values(operation.responses).flatMap((response) => Object.values(response.content ?? {})),
      ];
      for (const media of bodies) {
        if (media.schema.type === 'object' || media.schema.anyOf || media.schema.allOf) {
          expect.fail(`${method.toUpperCase()} ${path} has an anonymous body`);
        }
      }
    }
  });

  test('every operation has a request example and its recorded answer (src/http/operation-examples.ts)', () => {
    const ids = operationsOf(document).map(({ operation }) => operation.operationId!);
    expect(ids.filter((id) => !(id in OPERATION_EXAMPLES))).toEqual([]);
    expect(Object.keys(OPERATION_EXAMPLES).filter((id) => !ids.includes(id))).toEqual([]);
    for (const { operation } of operationsOf(document)) {
      const example = OPERATION_EXAMPLES[operation.operationId!]!;
      const media = operation.requestBody?.content['application/json'];
      if ((operation.requestBody as { required?: boolean } | undefined)?.required) {
        expect(media?.example, `${operation.operationId}: the request body`).toBeDefined();
      }
      const answer = operation.responses[String(example.status)];
      if (answer?.content)
        expect(Object.values(answer.content)[0]?.example, operation.operationId).toBeDefined();
    }
  });

  test('every example is valid against its schema', () => {
    const check = schemaChecker(document);
    let examples = 0;
    for (const { path, method, operation } of operationsOf(document)) {
      const where = `${method.toUpperCase()} ${path}`;
      for (const parameter of operation.parameters ?? []) {
        if (parameter.example === undefined) continue;
        examples += 1;
        expect(check(parameter.schema, parameter.example), `${where} ${parameter.name}`).toEqual([]);
      }
      const media = [
        ...Object.values(operation.requestBody?.content ?? {}).map((m) => ['request', m] as const),
        ...Object.entries(operation.responses).flatMap(([status, response]) =>
          Object.values(response.content ?? {}).map((m) => [status, m] as const),
        ),
      ];
      for (const [which, { schema, example }] of media) {
        if (example === undefined) continue;
        examples += 1;
        expect(check(schema, example), `${where} ${which}`).toEqual([]);
      }
    }
    // Each operation with an example has its request and its answer shown.
    for (const [operationId, example] of Object.entries(OPERATION_EXAMPLES)) {
      const found = operationsOf(document).find(({ operation }) => operation.operationId === operationId);
      expect(found, operationId).toBeDefined();
      const content = found!.operation.responses[String(example.status)]?.content;
      const answer = content ? Object.values(content)[0] : undefined;
      expect(answer?.example, `${operationId}: the recorded answer`).toBeDefined();
      if (example.body !== undefined) {
        expect(found!.operation.requestBody?.content['application/json']?.example).toEqual(example.body);
      }
    }
    expect(examples).toBeGreaterThan(Object.keys(OPERATION_EXAMPLES).length * 2);
  });

  test('the request examples, replayed against a live server, answer as documented', async () => {
    const check = schemaChecker(document);
    const replayed = await replayAgainst(api);
    expect(replayed.length).toBe(Object.keys(OPERATION_EXAMPLES).length);
    for (const { operationId, method, url, example, status, body } of replayed) {
      expect(status, `${operationId}: ${method} ${url} ${JSON.stringify(body)}`).toBe(example.status);
      const operation = operationsOf(document).find(
        (o) => o.operation.operationId === operationId,
      )!.operation;
      const content = operation.responses[String(status)]?.content;
      // JSON answers, or the CSV of the audit export (a string).
      const schema = content ? Object.values(content)[0]?.schema : undefined;
      expect(schema, operationId).toBeDefined();
      expect(check(schema!, body), `${operationId}: the answer against its schema`).toEqual([]);
    }
  });
});

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';
import { mutationsFor } from './fuzz-kit/mutations.ts';
import { operationName } from './fuzz-kit/openapi-operations.ts';
import { VALID_REQUESTS } from './fuzz-kit/valid-requests.ts';
import { WriteRouteFuzzer } from './fuzz-kit/write-route-fuzzer.ts';
import { ISSUE_CASES } from './issue-12-cases.ts';

/**
 * Issue 12 §1: no input gets a 5xx. Every non-GET operation of the OpenAPI document gets generated
 * bad requests — one part of a valid request changed at a time: a body field of the wrong type or
 * out of range, a raw body, a path id, a header — aimed at realistic fixtures. Every answer must
 * be below 500; a 4xx must be problem+json with a code from the error table; and a refused request
 * must leave the database as it was (db-fingerprint.ts says exactly what that means).
 *
 * JIFEN_FUZZ_RUNS sets the requests per operation (default 25: well under a minute per engine);
 * JIFEN_FUZZ_SEED replays a run.
 */
const RUNS_PER_OPERATION = Number(process.env.JIFEN_FUZZ_RUNS ?? 25);
const SEED = Number(process.env.JIFEN_FUZZ_SEED ?? Date.now() % 2 ** 31);

/** POSTs that only read (a `:read` scope): an archived program still answers them. */
const READ_ONLY_POSTS = new Set([
  'POST /v1/rules/preview',
  'POST /v1/rules/back-test',
  'POST /v1/checkout/quote',
  'POST /v1/notification-templates/preview',
]);

describe.each(ENGINES)('write routes under generated bad requests (%s)', (engine) => {
  let api: TestApi;
  let fuzzer: WriteRouteFuzzer;
  beforeAll(async () => {
    // The fuzzer sends wrong keys on purpose, far more than the per-address limit on failed
    // authentication allows; that limit's own behaviour is tested in test/http/rate-limits.test.ts.
    api = await openTestApi(engine, undefined, { app: { rateLimits: { authFailuresPerMinute: null } } });
    const doc = await api.call('GET', '/openapi.json');
    fuzzer = new WriteRouteFuzzer(api, doc.body);
    await fuzzer.start();
  });
  afterAll(async () => {
    if (fuzzer) {
      const statuses = [...fuzzer.statuses].sort(([a], [b]) => a - b).map(([status, n]) => `${status}×${n}`);
      console.info(
        `write-routes fuzz (${engine}, seed ${SEED}): ${fuzzer.requests} requests to ${fuzzer.operations.length} operations (+${fuzzer.fixtures.setupRequests} to make fixtures); ${statuses.join(' ')}`,
      );
    }
    await api?.close();
  });

  test('every write operation of the document is found, and its valid request succeeds', async () => {
    expect(fuzzer.operations.length).toBeGreaterThan(50);
    for (const operation of fuzzer.operations) {
      if (!VALID_REQUESTS[operationName(operation)]) continue;
      const answer = await fuzzer.run(operation, null);
      expect(answer.status, `${operationName(operation)}: ${answer.body.slice(0, 300)}`).toBeLessThan(300);
    }
    expect(fuzzer.takeFailures()).toEqual([]);
  });

  test("wrong kinds of key: the admin key's routes refuse a program's key and the rest the admin key", async () => {
    const programRoutes = fuzzer.operations.filter((operation) => !operation.admin);
    expect(fuzzer.operations.filter((operation) => operation.admin).map(operationName)).toEqual([
      'POST /v1/programs',
      'POST /v1/programs/{programId}/archive',
      'POST /v1/programs/{programId}/keys',
    ]);
    for (const operation of fuzzer.operations) {
      const [key, code] = operation.admin
        ? [api.key, 'admin_key_required']
        : [api.adminKey, 'admin_key_not_for_programs'];
      const answer = await fuzzer.run(
        operation,
        { kind: 'header', name: 'authorization', value: `Bearer ${key}` },
        403,
        `the ${operation.admin ? "program's" : 'admin'} key`,
      );
      expect(JSON.parse(answer.body).code, operationName(operation)).toBe(code);
    }
    expect(programRoutes.length).toBeGreaterThan(50);
    expect(fuzzer.takeFailures()).toEqual([]);
  });

  test('an archived program: every write answers 409 program_archived and writes nothing', async () => {
    const admin = { authorization: `Bearer ${api.adminKey}` };
    const created = await api.call('POST', '/v1/programs', { name: 'Archived shop' }, admin);
    const minted = await api.call('POST', `/v1/programs/${created.body.id}/keys`, { name: 'owner' }, admin);
    expect(minted.status, JSON.stringify(minted.body)).toBe(201);
    expect((await api.call('POST', `/v1/programs/${created.body.id}/archive`, undefined, admin)).status).toBe(
      200,
    );
    const archivedKey = `Bearer ${minted.body.secret}`;
    const answered = new Map<string, number>();
    for (const operation of fuzzer.operations.filter((op) => !op.admin)) {
      const answer = await fuzzer.run(
        operation,
        { kind: 'header', name: 'authorization', value: archivedKey },
        READ_ONLY_POSTS.has(operationName(operation)) ? undefined : 409,
        "the archived program's key",
      );
      answered.set(operationName(operation), answer.status);
      if (answer.status === 409) expect(JSON.parse(answer.body).code).toBe('program_archived');
    }
    // The POSTs that only read (a `:read` scope) still answer an archived program.
    for (const name of READ_ONLY_POSTS) expect(answered.get(name), name).not.toBe(409);
    // Nor does the admin key give an archived program a new key.
    const keys = fuzzer.operations.find((op) => operationName(op) === 'POST /v1/programs/{programId}/keys')!;
    const again = await fuzzer.run(
      keys,
      { kind: 'edit', label: 'an archived program', params: { programId: created.body.id } },
      409,
    );
    expect(JSON.parse(again.body).code).toBe('program_archived');
    expect(fuzzer.takeFailures()).toEqual([]);
  });

  test('the programs list under generated cursors: refused with 400 unless a list gave it out, never a 5xx', async () => {
    const admin = { authorization: `Bearer ${api.adminKey}` };
    const list = (cursor: string) => api.call('GET', `/v1/programs?cursor=${cursor}`, undefined, admin);
    const notGivenOut = fc.oneof(
      fc.constantFrom('zzz', '%00', '%ED%A0%80', 'x'.repeat(2_000), 'prg_06h4xx8fjg6s58h7q6728vs4tn'),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }).map(encodeURIComponent),
      fc.jsonValue().map((value) => Buffer.from(JSON.stringify(value) ?? 'null').toString('base64url')),
    );
    await fc.assert(
      fc.asyncProperty(notGivenOut, async (cursor) => {
        const reply = await list(cursor);
        expect(reply.status, `${cursor}: ${JSON.stringify(reply.body)}`).toBe(400);
        expect(reply.body.code).toBe('validation_failed');
      }),
      { numRuns: RUNS_PER_OPERATION * 4, seed: SEED },
    );
    // Well-formed cursors around hostile keys (NUL, lone surrogates, huge): a page or a 400.
    const hostileKey = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.constantFrom('\u0000', '\ud800', 'x'.repeat(10_000), "'; drop table programs; --"),
    );
    await fc.assert(
      fc.asyncProperty(hostileKey, async (key) => {
        const reply = await list(
          encodeURIComponent(Buffer.from(JSON.stringify(['c1', key])).toString('base64url')),
        );
        expect([200, 400], JSON.stringify(reply.body)).toContain(reply.status);
      }),
      { numRuns: RUNS_PER_OPERATION * 4, seed: SEED + 1 },
    );
    // What PostgreSQL cannot compare is no key a list gave out (it answered 500 before).
    for (const key of ['a\u0000b', 'a\ud800b']) {
      const reply = await list(Buffer.from(JSON.stringify(['c1', key])).toString('base64url'));
      expect(reply.status, key).toBe(400);
      expect(reply.body.code).toBe('validation_failed');
    }
  });

  test.each(ISSUE_CASES)('issue case: $name', async (issueCase) => {
    const operation = fuzzer.operations.find((op) => operationName(op) === issueCase.operation);
    expect(operation, issueCase.operation).toBeDefined();
    for (let attempt = 0; attempt < (issueCase.attempts ?? 1); attempt += 1) {
      const answer = await fuzzer.run(operation!, { kind: 'edit', ...issueCase.mutation }, issueCase.status);
      expect(answer.status, answer.body).toBe(issueCase.status);
    }
    if (issueCase.verify) await issueCase.verify(api);
    expect(fuzzer.takeFailures()).toEqual([]);
  });

  test(
    'generated bad requests: never a 5xx, always a known problem, nothing written when refused',
    async () => {
      for (const [index, operation] of fuzzer.operations.entries()) {
        await fc.assert(
          fc.asyncProperty(mutationsFor(operation, fuzzer.resolver), async (mutation) => {
            await fuzzer.run(operation, mutation);
          }),
          { numRuns: RUNS_PER_OPERATION, seed: SEED + index },
        );
      }
      expect(fuzzer.takeFailures()).toEqual([]);
    },
    Math.max(240_000, RUNS_PER_OPERATION * 60 * 250),
  );
});

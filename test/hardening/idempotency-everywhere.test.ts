import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';
import { programWith } from '../tiers/tier-scenario-kit.ts';
import { fingerprint, fingerprintSql, schemaTables } from './db-fingerprint.ts';
import { approvalCases } from './write-cases/approval-cases.ts';
import { importCases } from './write-cases/import-cases.ts';
import { ledgerCases } from './write-cases/ledger-cases.ts';
import { notificationCases } from './write-cases/notification-cases.ts';
import { programCases } from './write-cases/program-cases.ts';
import { rewardCases } from './write-cases/reward-cases.ts';
import { ruleCases } from './write-cases/rule-cases.ts';
import { segmentCases } from './write-cases/segment-cases.ts';
import { staffCases } from './write-cases/staff-cases.ts';
import { adminOf, type WriteCases, type WriteRequest } from './write-cases/write-case.ts';

/**
 * Every write honours an Idempotency-Key (issue 12 §2). The table below has a row for every
 * non-GET operation of the OpenAPI document — a new write route fails the first test until it gets
 * one. For each: the request with a fresh key succeeds; the same request with the same key answers
 * the same status and body (a secret shown once is replayed as null) with `Idempotent-Replayed:
 * true` and changes no row of the database; another request with that key answers 409
 * `idempotency_key_reused` and changes nothing either. Read-only POSTs (previews, quotes,
 * back-tests) are writes by method and must behave the same.
 */
const CASES: WriteCases = {
  ...ledgerCases,
  ...ruleCases,
  ...rewardCases,
  ...notificationCases,
  ...programCases,
  ...importCases,
  ...staffCases,
  ...approvalCases,
  ...segmentCases,
};

type Method = Parameters<TestApi['call']>[0];
const WRITE_METHODS = ['post', 'put', 'patch', 'delete'];

/** "POST /v1/holds/{holdId}/capture" → its method, and a pattern its concrete URLs match. */
function operationOf(name: string): { method: Method; path: RegExp } {
  const [method, template] = name.split(' ') as [Method, string];
  const pattern = template.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+');
  return { method, path: new RegExp(`^${pattern}$`) };
}

describe.each(ENGINES)('every write honours the Idempotency-Key (%s)', (engine) => {
  let api: TestApi;
  let fingerprintQuery: string;
  const state = async () => fingerprint(api.db, fingerprintQuery);

  beforeAll(async () => {
    api = await openTestApi(engine);
    const tables = await schemaTables(api.db);
    expect(tables).toEqual(expect.arrayContaining(['members', 'entries', 'lots', 'outbox']));
    fingerprintQuery = fingerprintSql(tables);
  });
  afterAll(async () => api?.close());

  test('the table has a row for every write operation of the OpenAPI document, and no other', async () => {
    const document = await api.call('GET', '/openapi.json');
    expect(document.status).toBe(200);
    const operations = Object.entries(document.body.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, item]) =>
        Object.keys(item)
          // Sign-in and the session routes keep no answers: a replay would hand out a session
          // secret twice (test/staff/auth-routes-fuzz.test.ts checks they never replay).
          .filter((method) => WRITE_METHODS.includes(method) && !path.startsWith('/v1/auth/'))
          .map((method) => `${method.toUpperCase()} ${path}`),
      )
      .sort();
    expect(operations.length).toBeGreaterThan(50);
    expect(Object.keys(CASES).sort()).toEqual(operations);
  });

  /** Sends, and waits for what the request started in the background (an import's commit) to end. */
  const send = async (
    program: TestApi,
    method: Method,
    request: WriteRequest,
    key: string,
    headers: Record<string, string> = {},
  ) => {
    const reply = await program.call(method, request.url, request.body, {
      ...headers,
      'idempotency-key': key,
    });
    await api.importCommits.idle();
    return reply;
  };

  /** The answer the program keeps for a key, as stored. */
  const storedAnswer = async (program: TestApi, key: string) => {
    const [row] = await api.db.query<{ response: string }>(
      'select response::text as response from idempotency_keys where program_id = $1 and key = $2',
      [program.programId, key],
    );
    expect(row, 'no answer was kept for the key').toBeDefined();
    return row!.response;
  };

  for (const [name, row] of Object.entries(CASES)) {
    const run = row.knownDefect ? test.fails : test;
    run(name, { timeout: 30_000 }, async () => {
      const { method, path } = operationOf(name);
      const owner = await programWith(api, null);
      const { request, other, headers } = await row.prepare(owner);
      const program = row.asAdmin ? adminOf(owner) : owner;
      expect(request.url).toMatch(path);
      expect(other.url).toMatch(path);
      const key = `idem-${randomUUID()}`;

      const beforeFirst = await state();
      const first = await send(program, method, request, key, headers);
      expect(first.status, JSON.stringify(first.body)).toBeGreaterThanOrEqual(200);
      expect(first.status, JSON.stringify(first.body)).toBeLessThan(300);
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      const afterFirst = await state();
      // The fingerprint sees every effect: the first request's shows (and a preview has none).
      if (row.readOnly) expect(afterFirst, 'a read-only operation changed the database').toEqual(beforeFirst);
      else expect(afterFirst, 'the first request changed nothing').not.toEqual(beforeFirst);

      const replay = await send(program, method, request, key, headers);
      expect(replay.status, JSON.stringify(replay.body)).toBe(first.status);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.headers['content-type']).toBe(first.headers['content-type']);
      if (row.secretShownOnce) {
        expect(first.body.secret).toEqual(expect.stringMatching(/.{16,}/));
        expect(replay.body).toEqual({ ...first.body, secret: null });
        expect(await storedAnswer(program, key), 'the secret was kept with the answer').not.toContain(
          first.body.secret,
        );
      } else {
        expect(replay.body).toEqual(first.body);
      }
      expect(await state(), 'the replay changed the database').toEqual(afterFirst);

      const reused = await send(program, method, other, key, headers);
      expect(reused.status, JSON.stringify(reused.body)).toBe(409);
      expect(reused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(reused.body.code).toBe('idempotency_key_reused');
      expect(await state(), 'the refused request changed the database').toEqual(afterFirst);

      // The other request was a valid one: with a key of its own it succeeds.
      const alone = await send(program, method, other, `idem-${randomUUID()}`, headers);
      expect(alone.status, JSON.stringify(alone.body)).toBeLessThan(300);
    });
  }
});

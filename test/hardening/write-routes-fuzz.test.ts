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

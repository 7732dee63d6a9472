import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ERROR_CODES } from '../../src/shared/error-codes.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';
import { addStaffMember, login, PASSWORD, send, tokenHeaders } from './staff-support.ts';

/**
 * The sign-in and session routes, which the write-route fuzz and the Idempotency-Key table leave
 * out (test/hardening): generated bad input never gets a 5xx, always a known problem; and they
 * never replay an answer (a replay would hand out a session secret twice).
 */
const RUNS = Number(process.env.JIFEN_FUZZ_RUNS ?? 25);

describe.each(ENGINES)('sign-in and session routes under bad input (%s)', (engine) => {
  let api: TestApi;
  let staffLogin: string;
  beforeAll(async () => {
    api = await openTestApi(engine, undefined, { app: { rateLimits: { loginAttemptsPerMinute: 100_000 } } });
    staffLogin = (await addStaffMember(api, { role: 'operator' })).loginUsed;
  });
  afterAll(async () => api?.close());

  const known = (reply: { status: number; body: { code?: string } }) => {
    expect(reply.status).toBeLessThan(500);
    if (reply.status >= 400) expect(Object.keys(ERROR_CODES)).toContain(reply.body.code);
  };

  test('generated sign-in bodies: never a 5xx, always a known problem', async () => {
    const field = fc.oneof(fc.jsonValue(), fc.string(), fc.constant(undefined));
    await fc.assert(
      fc.asyncProperty(
        fc.record({ login: field, password: field, programId: field, totp: field, mode: field }),
        fc.boolean(),
        async (body, realLogin) => {
          const sent = realLogin ? { ...body, login: staffLogin } : body;
          known(await login(api, JSON.parse(JSON.stringify(sent))));
        },
      ),
      { numRuns: RUNS * 4 },
    );
  });

  test('generated session requests: never a 5xx, always a known problem', async () => {
    const routes = ['/v1/auth/switch', '/v1/auth/password', '/v1/auth/totp/confirm', '/v1/auth/totp/disable'];
    const headers = await tokenHeaders(api, (await addStaffMember(api, { role: 'finance' })).loginUsed);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), fc.jsonValue(), async (url, body) => {
        known(await send(api, 'POST', url, body ?? {}, headers));
      }),
      { numRuns: RUNS * 4 },
    );
    for (const token of ['jfs_', 'jfs_nope', `jfs_${'x'.repeat(2000)}`]) {
      const reply = await send(api, 'GET', '/v1/auth/session', undefined, {
        authorization: `Bearer ${token}`,
      });
      expect(reply.body.code).toBe('unauthenticated');
    }
  });

  test('an Idempotency-Key never replays a sign-in or a refresh: each gives a new secret', async () => {
    // A login of its own: the generated sign-ins above may have locked the first one.
    const fresh = (await addStaffMember(api, { role: 'auditor' })).loginUsed;
    const key = { 'idempotency-key': 'same-key' };
    const first = await send(
      api,
      'POST',
      '/v1/auth/login',
      { login: fresh, password: PASSWORD, mode: 'token' },
      key,
    );
    const second = await send(
      api,
      'POST',
      '/v1/auth/login',
      { login: fresh, password: PASSWORD, mode: 'token' },
      key,
    );
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.headers['idempotent-replayed']).toBeUndefined();
    expect(second.body.token).not.toBe(first.body.token);
    const headers = { authorization: `Bearer ${first.body.token}`, ...key };
    const refreshed = await send(api, 'POST', '/v1/auth/refresh', undefined, headers);
    expect(refreshed.status).toBe(201);
    expect(refreshed.headers['idempotent-replayed']).toBeUndefined();
    const again = await send(api, 'POST', '/v1/auth/refresh', undefined, headers);
    expect(again.body.code).toBe('session_revoked');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';
import { captureLogs } from './log-capture.ts';

const requestLines = (lines: Array<Record<string, unknown>>) =>
  lines.filter((line) => line.msg === 'request');

describe.each(ENGINES)('request logs and X-Request-Id (%s)', (engine) => {
  let api: TestApi;
  let logs: ReturnType<typeof captureLogs>;
  beforeAll(async () => {
    logs = captureLogs();
    api = await openTestApi(engine, undefined, { app: { logger: logs.logger } });
  });
  afterAll(async () => api.close());

  it('logs one line per request with id, method, route pattern, status, duration, program and key', async () => {
    await api.call('PUT', '/v1/members/alice-secret-id', { attributes: { email: 'alice@example.com' } });
    const before = requestLines(logs.lines()).length;
    const credit = await api.call(
      'POST',
      '/v1/members/alice-secret-id/credits',
      { points: 120, reason: 'welcome gift for alice@example.com' },
      { 'idempotency-key': 'idem-key-value-9f3a', 'x-request-id': 'trace-42.abc' },
    );
    expect(credit.status).toBe(201);
    expect(credit.headers['x-request-id']).toBe('trace-42.abc');
    const lines = requestLines(logs.lines()).slice(before);
    expect(lines).toHaveLength(1);
    const [key] = await api.db.query<{ id: string }>('select id from api_keys where program_id = $1', [
      api.programId,
    ]);
    expect(lines[0]).toMatchObject({
      level: 30,
      requestId: 'trace-42.abc',
      method: 'POST',
      route: '/v1/members/:memberId/credits',
      status: 201,
      programId: api.programId,
      apiKeyId: key!.id,
    });
    expect(typeof lines[0]!.durationMs).toBe('number');
  });

  it('never logs the key, the Authorization header, idempotency keys, bodies or member ids', async () => {
    await api.call('GET', '/v1/members/alice-secret-id');
    await api.call('GET', '/v1/members/alice-secret-id', undefined, {
      authorization: 'Bearer jf_wrong_secret',
    });
    const text = logs.text();
    expect(text.length).toBeGreaterThan(0);
    for (const secret of [
      api.key,
      'jf_wrong_secret',
      'Bearer',
      'authorization',
      'idem-key-value-9f3a',
      'alice-secret-id',
      'alice@example.com',
      'welcome gift',
    ]) {
      expect(text).not.toContain(secret);
    }
    const refused = requestLines(logs.lines()).at(-1);
    expect(refused).toMatchObject({ status: 401, route: '/v1/members/:memberId' });
    expect(refused!.apiKeyId).toBeUndefined();
  });

  it('echoes a generated id on every answer, errors and unknown routes included', async () => {
    const notFound = await api.call('GET', '/v1/nothing-here');
    expect(notFound.status).toBe(404);
    expect(String(notFound.headers['x-request-id'])).toMatch(/^[0-9a-f-]{36}$/);
    const invalid = await api.call('POST', '/v1/members/bob/credits', { points: -1 });
    expect(invalid.status).toBe(400);
    expect(invalid.headers['x-request-id']).toBeDefined();
    const badUrl = await api.app.inject({ method: 'GET', url: '/v1/members/%E0%A4%A' });
    expect(badUrl.statusCode).toBe(400);
    expect(badUrl.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const ids = [notFound, invalid].map((reply) => reply.headers['x-request-id']);
    expect(new Set(ids).size).toBe(2);
  });

  it('replaces a client id that is not a sane token (too long, spaces, control characters)', async () => {
    for (const given of ['x'.repeat(129), 'has space', 'tab\there']) {
      const reply = await api.call('GET', '/health', undefined, { 'x-request-id': given });
      expect(reply.headers['x-request-id']).not.toBe(given);
      expect(String(reply.headers['x-request-id'])).toMatch(/^[0-9a-f-]{36}$/);
    }
    const kept = await api.call('GET', '/health', undefined, { 'x-request-id': 'x'.repeat(128) });
    expect(kept.headers['x-request-id']).toBe('x'.repeat(128));
  });
});

describe.each(ENGINES)('a 5xx leaves a trace (%s)', (engine) => {
  it('logs the stack at error level under the instance id the problem body shows', async () => {
    const logs = captureLogs();
    const api = await openTestApi(engine, undefined, { app: { logger: logs.logger } });
    try {
      // The key is looked up (and cached) while the database is up; then the database goes away
      // under a real route, which fails with a plain Error.
      expect((await api.call('PUT', '/v1/members/m1', {})).status).toBe(201);
      await api.db.close();
      const failed = await api.call('GET', '/v1/members/m1', undefined, { 'x-request-id': 'report-me-7' });
      expect(failed.status).toBe(500);
      expect(failed.body).toMatchObject({ code: 'internal_error', instance: 'report-me-7' });
      expect(failed.headers['x-request-id']).toBe('report-me-7');
      const mine = logs.lines().filter((line) => line.requestId === 'report-me-7');
      const error = mine.find((line) => line.msg === 'unexpected error');
      expect(error).toMatchObject({ level: 50, instance: 'report-me-7' });
      expect(String((error!.err as { stack: string }).stack)).toMatch(/Error.*\n\s+at /);
      expect(mine.find((line) => line.msg === 'request')).toMatchObject({ level: 50, status: 500 });
    } finally {
      await api.app.close();
    }
  });
});

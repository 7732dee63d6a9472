import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildApp, corsOriginsFrom } from '../../src/http/app.ts';
import type { TypedApp } from '../../src/http/route-deps.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';

const CONSOLE = 'https://console.example.com';

describe.each(ENGINES)('CORS (%s)', (engine) => {
  let open: TestApi;
  /** The same database behind an app with CORS off. */
  let closed: TypedApp;
  beforeAll(async () => {
    open = await openTestApi(engine, undefined, { app: { corsOrigins: [CONSOLE, 'http://localhost:5173'] } });
    closed = await buildApp({ db: open.db, clock: open.clock, corsOrigins: [] });
  });
  afterAll(async () => {
    await closed?.close();
    await open?.close();
  });
  const closedCall = async (url: string, headers: Record<string, string>) => {
    const reply = await closed.inject({
      method: 'GET',
      url,
      headers: { authorization: `Bearer ${open.key}`, ...headers },
    });
    return { status: reply.statusCode, headers: reply.headers };
  };

  test('a listed origin gets its preflight answered without a key, and may read the answers', async () => {
    const preflight = await open.app.inject({
      method: 'OPTIONS',
      url: '/v1/members/m/credits',
      headers: {
        origin: CONSOLE,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type, idempotency-key',
      },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(CONSOLE);
    expect(String(preflight.headers['access-control-allow-methods'])).toContain('POST');
    expect(String(preflight.headers['access-control-allow-headers']).toLowerCase()).toContain(
      'idempotency-key',
    );

    await open.call('PUT', '/v1/members/cors-1', {});
    const read = await open.call('GET', '/v1/members/cors-1', undefined, { origin: CONSOLE });
    expect(read.status).toBe(200);
    expect(read.headers['access-control-allow-origin']).toBe(CONSOLE);
    expect(String(read.headers['access-control-expose-headers'])).toContain('X-Request-Id');
  });

  test('an origin not listed gets no CORS headers (the browser refuses to show the answer)', async () => {
    const read = await open.call('GET', '/v1/program', undefined, { origin: 'https://evil.example.com' });
    expect(read.status).toBe(200);
    expect(read.headers['access-control-allow-origin']).toBeUndefined();
  });

  test('off by default: no CORS headers, and OPTIONS is a method the API does not take', async () => {
    const read = await closedCall('/v1/program', { origin: CONSOLE });
    expect(read.status).toBe(200);
    expect(read.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await closed.inject({
      method: 'OPTIONS',
      url: '/v1/program',
      headers: { origin: CONSOLE, 'access-control-request-method': 'PATCH' },
    });
    expect(preflight.statusCode).toBe(405);
    expect(preflight.headers.allow).toBe('GET, HEAD, PATCH');
  });
});

test('JIFEN_CORS_ORIGINS is a comma-separated list; blank means off', () => {
  expect(corsOriginsFrom(undefined)).toEqual([]);
  expect(corsOriginsFrom(' ')).toEqual([]);
  expect(corsOriginsFrom('https://a.example.com, http://localhost:5173,')).toEqual([
    'https://a.example.com',
    'http://localhost:5173',
  ]);
});

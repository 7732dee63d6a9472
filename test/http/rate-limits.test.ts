import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import { buildApp } from '../../src/http/app.ts';
import type { RateLimitOptions } from '../../src/http/rate-limits.ts';
import type { TypedApp } from '../../src/http/route-deps.ts';
import { createApiKey } from '../../src/keys/api-keys.ts';
import { bootstrap } from '../../src/programs/bootstrap.ts';
import { ENGINES, openTestDatabase } from '../support/test-database.ts';

const REDIS_URL = process.env.JIFEN_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

interface Answer {
  status: number;
  headers: Record<string, unknown>;
  // biome-ignore lint/suspicious/noExplicitAny: JSON bodies each test reads its own way
  body: any;
}

async function get(app: TypedApp, url: string, key?: string, remoteAddress = '127.0.0.1'): Promise<Answer> {
  const reply = await app.inject({
    method: 'GET',
    url,
    remoteAddress,
    headers: key === undefined ? {} : { authorization: `Bearer ${key}` },
  });
  const json = /json/.test(String(reply.headers['content-type']));
  return { status: reply.statusCode, headers: reply.headers, body: json ? reply.json() : reply.body };
}

function expectRateLimited(answer: Answer, limit: number): void {
  expect(answer.status).toBe(429);
  expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(answer.body).toMatchObject({ code: 'rate_limited', status: 429, limit });
  const retryAfter = Number(answer.headers['retry-after']);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(answer.body.retryAfterSeconds).toBe(retryAfter);
  expect(answer.body.detail).toMatch(new RegExp(`Retry in ${retryAfter} s`));
  expect(answer.headers['ratelimit-limit']).toBe(String(limit));
  expect(answer.headers['ratelimit-remaining']).toBe('0');
}

describe.each(ENGINES)('rate limits (%s)', (engine) => {
  let db: Database;
  let ownerKey: string;
  let programId: string;
  let keyLookups = 0;
  /** The real database, counting the lookups of keys by their hash. */
  let countingDb: Database;
  const apps: TypedApp[] = [];

  beforeAll(async () => {
    db = await openTestDatabase(engine);
    const created = await bootstrap(db, new Date());
    if (!created) throw new Error('bootstrap did nothing');
    ownerKey = created.secret;
    programId = created.programId;
    countingDb = Object.assign(Object.create(db) as Database, {
      query: (sql: string, params?: readonly unknown[]) => {
        if (/from api_keys where key_hash/.test(sql)) keyLookups += 1;
        return db.query(sql, params);
      },
    });
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await db.close();
  });

  async function appWith(rateLimits: Partial<RateLimitOptions>): Promise<TypedApp> {
    const app = await buildApp({ db: countingDb, rateLimits });
    apps.push(app);
    return app;
  }

  async function newKey(rateLimitPerMinute: number | null = null): Promise<string> {
    const { secret } = await createApiKey(
      db,
      programId,
      { name: 'client', scopes: ['*'], rateLimitPerMinute },
      new Date(),
    );
    return secret;
  }

  test('a key past the default limit gets 429 problem+json with Retry-After; another key is unaffected', async () => {
    const app = await appWith({ perMinute: 5 });
    const [first, second] = [await newKey(), await newKey()];
    for (let sent = 1; sent <= 5; sent++) {
      const answer = await get(app, '/v1/members/m', first);
      expect(answer.status).toBe(404);
      expect(answer.headers['ratelimit-limit']).toBe('5');
      expect(answer.headers['ratelimit-remaining']).toBe(String(5 - sent));
      expect(Number(answer.headers['ratelimit-reset'])).toBeGreaterThan(0);
    }
    expectRateLimited(await get(app, '/v1/members/m', first), 5);
    const other = await get(app, '/v1/members/m', second);
    expect(other.status).toBe(404);
    expect(other.headers['ratelimit-remaining']).toBe('4');
  });

  test('a limit set on the key through the API wins over the default, and the key list shows it', async () => {
    const app = await appWith({ perMinute: 1_000 });
    const created = await app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: { authorization: `Bearer ${ownerKey}` },
      payload: { name: 'slow partner', scopes: ['members:read'], rateLimitPerMinute: 2 },
    });
    expect(created.statusCode).toBe(201);
    const { key, secret } = created.json();
    expect(key.rateLimitPerMinute).toBe(2);
    const listed = await get(app, '/v1/api-keys', ownerKey);
    const byId = new Map(listed.body.data.map((item: { id: string }) => [item.id, item]));
    expect(byId.get(key.id)).toMatchObject({ rateLimitPerMinute: 2 });
    expect([...byId.values()].some((item) => (item as Answer['body']).rateLimitPerMinute === null)).toBe(
      true,
    );

    expect((await get(app, '/v1/members/m', secret)).status).toBe(404);
    expect((await get(app, '/v1/members/m', secret)).status).toBe(404);
    expectRateLimited(await get(app, '/v1/members/m', secret), 2);
    // The owner key, on the default of 1,000, goes on.
    expect((await get(app, '/v1/api-keys', ownerKey)).status).toBe(200);

    const refused = await app.inject({
      method: 'POST',
      url: '/v1/api-keys',
      headers: { authorization: `Bearer ${ownerKey}` },
      payload: { name: 'bad', scopes: ['*'], rateLimitPerMinute: 0 },
    });
    expect(refused.statusCode).toBe(400);
  });

  test('a burst of wrong keys from one address is refused before any key lookup; other addresses are not', async () => {
    const app = await appWith({ authFailuresPerMinute: 20 });
    const good = await newKey();
    for (let attempt = 0; attempt < 20; attempt++) {
      const answer = await get(app, '/v1/members/m', `jf_guess${attempt}`, '10.0.0.7');
      expect(answer.body.code).toBe('unauthenticated');
    }
    const lookupsBefore = keyLookups;
    for (let attempt = 0; attempt < 5; attempt++) {
      const answer = await get(app, '/v1/members/m', `jf_more${attempt}`, '10.0.0.7');
      expect(answer.status).toBe(429);
      expect(answer.body).toMatchObject({ code: 'rate_limited', limit: 20 });
      expect(Number(answer.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    }
    // Even a valid key from that address waits: the refusal comes before the lookup.
    expect((await get(app, '/v1/members/m', good, '10.0.0.7')).status).toBe(429);
    expect(keyLookups).toBe(lookupsBefore);
    // Another address, and requests without any key, are not affected.
    expect((await get(app, '/v1/members/m', good, '10.0.0.8')).status).toBe(404);
    expect((await get(app, '/v1/members/m', undefined, '10.0.0.7')).body.code).toBe('unauthenticated');
  });

  test('requests without a key are limited per address; /health is never limited', async () => {
    const app = await appWith({ perMinute: 3 });
    for (let sent = 0; sent < 3; sent++) expect((await get(app, '/openapi.json')).status).toBe(200);
    expectRateLimited(await get(app, '/openapi.json'), 3);
    expect((await get(app, '/openapi.json', undefined, '10.0.0.9')).status).toBe(200);
    for (let sent = 0; sent < 10; sent++) {
      const health = await get(app, '/health');
      expect(health.status).toBe(200);
      expect(health.headers['ratelimit-limit']).toBeUndefined();
    }
  });

  test('off: no default limit and no headers, but a key with its own limit keeps it', async () => {
    const app = await appWith({ perMinute: null });
    const plain = await newKey();
    for (let sent = 0; sent < 30; sent++) {
      const answer = await get(app, '/v1/members/m', plain);
      expect(answer.status).toBe(404);
      expect(answer.headers['ratelimit-limit']).toBeUndefined();
    }
    const limited = await newKey(1);
    expect((await get(app, '/v1/members/m', limited)).status).toBe(404);
    expectRateLimited(await get(app, '/v1/members/m', limited), 1);
  });

  describe('in Redis', () => {
    const prefix = `jifen-test:${randomBytes(6).toString('hex')}:`;
    let redis: Redis;
    beforeAll(() => {
      redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    });
    afterAll(async () => {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    });

    test('two app instances sharing one Redis share a key counter and the wrong-key counter', async () => {
      const options = { perMinute: 4, authFailuresPerMinute: 3, redisUrl: REDIS_URL, redisKeyPrefix: prefix };
      const [one, two] = [await appWith(options), await appWith(options)];
      const key = await newKey();
      expect((await get(one, '/v1/members/m', key)).headers['ratelimit-remaining']).toBe('3');
      expect((await get(two, '/v1/members/m', key)).headers['ratelimit-remaining']).toBe('2');
      expect((await get(one, '/v1/members/m', key)).headers['ratelimit-remaining']).toBe('1');
      expect((await get(two, '/v1/members/m', key)).headers['ratelimit-remaining']).toBe('0');
      expectRateLimited(await get(one, '/v1/members/m', key), 4);
      expectRateLimited(await get(two, '/v1/members/m', key), 4);

      for (const app of [one, two, one]) {
        expect((await get(app, '/v1/members/m', 'jf_wrong', '10.1.0.1')).body.code).toBe('unauthenticated');
      }
      expect((await get(two, '/v1/members/m', 'jf_wrong', '10.1.0.1')).body.code).toBe('rate_limited');

      // The counters are Redis keys under the prefix, named by key id or address, never by secret.
      const stored = await redis.keys(`${prefix}*`);
      expect(stored.length).toBeGreaterThan(0);
      for (const name of stored) expect(name).not.toContain(key);
    });

    test('an unreachable Redis fails open: requests are served, and a warning is logged', async () => {
      const warnings: string[] = [];
      const app = await appWith({
        perMinute: 1,
        redisUrl: 'redis://127.0.0.1:1',
        redisKeyPrefix: prefix,
        warn: (message) => warnings.push(message),
      });
      const key = await newKey();
      for (let sent = 0; sent < 3; sent++) {
        const startedAt = performance.now();
        expect((await get(app, '/v1/members/m', key)).status).toBe(404);
        expect(performance.now() - startedAt).toBeLessThan(1_000);
      }
      await expect.poll(() => warnings.length, { timeout: 5_000 }).toBeGreaterThan(0);
      expect(warnings[0]).toMatch(/Redis .* unreachable .* without rate limiting/);
    });
  });
});

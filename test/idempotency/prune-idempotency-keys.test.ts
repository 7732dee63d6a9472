import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { pruneIdempotencyKeys } from '../../src/idempotency/prune-idempotency-keys.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';

describe.each(ENGINES)('idempotency retention (%s)', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await openTestApi(engine);
    await api.call('PUT', '/v1/members/r1', {});
  });
  afterAll(async () => api.close());

  test('records older than the retention are pruned; newer ones still replay', async () => {
    const key = { 'idempotency-key': 'old-1' };
    expect((await api.call('POST', '/v1/members/r1/credits', { points: 5, reason: 'a' }, key)).status).toBe(
      201,
    );
    api.clock.advanceDays(31);
    const recent = { 'idempotency-key': 'new-1' };
    expect(
      (await api.call('POST', '/v1/members/r1/credits', { points: 7, reason: 'b' }, recent)).status,
    ).toBe(201);

    const before = new Date(api.clock.now().getTime() - 30 * 86_400_000);
    expect(await pruneIdempotencyKeys(api.db, before, 1)).toBe(1);

    // The recent key still replays (one effect); the pruned one is a new request now.
    const replay = await api.call('POST', '/v1/members/r1/credits', { points: 7, reason: 'b' }, recent);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    const reused = await api.call('POST', '/v1/members/r1/credits', { points: 9, reason: 'c' }, key);
    expect(reused.status).toBe(201);
    expect((await api.call('GET', '/v1/members/r1')).body.balances.available).toBe(5 + 7 + 9);
  });
});

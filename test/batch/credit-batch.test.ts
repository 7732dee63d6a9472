import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { verifyLedger } from '../../src/verify/verify-ledger.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';

describe.each(ENGINES)('POST /v1/credits/batch (%s)', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await openTestApi(engine);
    for (const memberId of ['b1', 'b2', 'b3']) await api.call('PUT', `/v1/members/${memberId}`, {});
    await api.call('PUT', '/v1/members/b3', { status: 'blocked' });
  });
  afterAll(async () => api.close());

  const items = [
    { idempotencyKey: 'k1', memberId: 'b1', points: 10, reason: 'a' },
    { idempotencyKey: 'k2', memberId: 'b2', points: 20, reason: 'b', growth: 5 },
    { idempotencyKey: 'k3', memberId: 'nobody', points: 30, reason: 'c' },
    { idempotencyKey: 'k4', memberId: 'b3', points: 40, reason: 'd' },
    { idempotencyKey: 'k5', memberId: 'b1', points: 50, reason: 'e', pendingDays: 7 },
    { idempotencyKey: 'k1', memberId: 'b1', points: 10, reason: 'a' },
    { idempotencyKey: 'k2', memberId: 'b2', points: 99, reason: 'b' },
  ];

  test('each item gets its own answer; bad items do not sink the others', async () => {
    const response = await api.call('POST', '/v1/credits/batch', { items });
    expect(response.status).toBe(200);
    const summary = response.body.results.map(
      (r: { status: number; replayed: boolean; body: { code?: string } }) => [
        r.status,
        r.replayed,
        r.body.code ?? 'ok',
      ],
    );
    expect(summary).toEqual([
      [201, false, 'ok'],
      [201, false, 'ok'],
      [404, false, 'member_not_found'],
      [422, false, 'member_blocked'],
      [201, false, 'ok'],
      [201, true, 'ok'],
      [409, false, 'idempotency_key_reused'],
    ]);
    const b1 = (await api.call('GET', '/v1/members/b1')).body.balances;
    expect(b1).toMatchObject({ available: 10, pending: 50 });
    const b2 = (await api.call('GET', '/v1/members/b2')).body.balances;
    expect(b2).toMatchObject({ available: 20, growth: 5 });
  });

  test('replaying the whole batch changes nothing and returns the same answers', async () => {
    const before = await api.call('GET', '/v1/members/b1/entries');
    const replay = await api.call('POST', '/v1/credits/batch', { items });
    expect(replay.body.results.map((r: { status: number }) => r.status)).toEqual([
      201, 201, 404, 422, 201, 201, 409,
    ]);
    expect(replay.body.results.slice(0, 5).every((r: { replayed: boolean }) => r.replayed)).toBe(true);
    const after = await api.call('GET', '/v1/members/b1/entries');
    expect(after.body.data).toEqual(before.body.data);
    expect((await verifyLedger(api.db)).violations).toEqual([]);
  });

  test('credits stop at 2^53 - 1 with balance_limit_exceeded, and the others in the batch go through', async () => {
    await api.call('PUT', '/v1/members/whale', {});
    const big = 1_000_000_000_000; // the largest single credit
    const full = Math.floor(Number.MAX_SAFE_INTEGER / big); // 9,007 credits fit
    for (let start = 0; start < full; start += 1_000) {
      const count = Math.min(1_000, full - start);
      const batch = Array.from({ length: count }, (_, index) => ({
        idempotencyKey: `whale-${start + index}`,
        memberId: 'whale',
        points: big,
        reason: 'w',
      }));
      const response = await api.call('POST', '/v1/credits/batch', { items: batch });
      expect(
        response.body.results?.every((r: { status: number }) => r.status === 201),
        JSON.stringify(response.body).slice(0, 400),
      ).toBe(true);
    }
    const rest = Number.MAX_SAFE_INTEGER - full * big;
    const response = await api.call('POST', '/v1/credits/batch', {
      items: [
        { idempotencyKey: 'whale-over', memberId: 'whale', points: rest + 1, reason: 'one too many' },
        { idempotencyKey: 'whale-b1', memberId: 'b1', points: 1, reason: 'someone else' },
        { idempotencyKey: 'whale-last', memberId: 'whale', points: rest, reason: 'to the limit' },
      ],
    });
    expect(
      response.body.results.map((r: { status: number; body: { code?: string } }) => r.body.code ?? r.status),
    ).toEqual(['balance_limit_exceeded', 201, 201]);
    const whale = (await api.call('GET', '/v1/members/whale')).body.balances;
    expect(whale.available).toBe(Number.MAX_SAFE_INTEGER);
    expect((await verifyLedger(api.db)).violations).toEqual([]);
  });

  test('a batch over 1,000 items is refused with the field named', async () => {
    const many = Array.from({ length: 1001 }, (_, i) => ({
      idempotencyKey: `x${i}`,
      memberId: 'b1',
      points: 1,
      reason: 'x',
    }));
    const response = await api.call('POST', '/v1/credits/batch', { items: many });
    expect(response.status).toBe(400);
    expect(response.body.errors[0].field).toBe('body/items');
  });
});

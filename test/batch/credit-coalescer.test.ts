import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Database, Queryable } from '../../src/db/database.ts';
import { verifyLedger } from '../../src/verify/verify-ledger.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';

/** Counts the transactions the app opens, to see credits share them. */
function countTransactions(db: Database): () => number {
  let count = 0;
  const original = db.transaction.bind(db);
  db.transaction = <T>(work: (tx: Queryable) => Promise<T>) => {
    count++;
    return original(work);
  };
  return () => count;
}

describe.each(ENGINES)('concurrent single credits share transactions (%s)', (engine) => {
  let api: TestApi;
  let transactions: () => number;
  beforeAll(async () => {
    api = await openTestApi(engine);
    for (let i = 0; i < 5; i++) await api.call('PUT', `/v1/members/c${i}`, {});
    await api.call('PUT', '/v1/members/blocked', { status: 'blocked' });
    transactions = countTransactions(api.db);
  });
  afterAll(async () => api.close());

  test('each request gets its own answer, as if alone, and committed', async () => {
    const before = transactions();
    const requests = Array.from({ length: 40 }, (_, i) => ({
      memberId: i % 10 === 7 ? 'nobody' : i % 10 === 8 ? 'blocked' : `c${i % 5}`,
      points: i + 1,
      key: `co-${i}`,
    }));
    const replies = await Promise.all(
      requests.map((r) =>
        api.call(
          'POST',
          `/v1/members/${r.memberId}/credits`,
          { points: r.points, reason: 'x' },
          { 'idempotency-key': r.key },
        ),
      ),
    );
    const shared = transactions() - before;
    expect(shared).toBeLessThan(requests.length);
    for (const [i, reply] of replies.entries()) {
      const request = requests[i]!;
      if (request.memberId === 'nobody') expect(reply.body.code).toBe('member_not_found');
      else if (request.memberId === 'blocked') expect(reply.body.code).toBe('member_blocked');
      else {
        expect(reply.status).toBe(201);
        expect(reply.body.entries[0]).toMatchObject({ memberId: request.memberId, points: request.points });
      }
    }
    let expected = 0;
    for (const r of requests) if (r.memberId === 'c0') expected += r.points;
    expect((await api.call('GET', '/v1/members/c0')).body.balances.available).toBe(expected);

    // Replays of all of them, again concurrently: the same answers, no new effect.
    const replays = await Promise.all(
      requests.map((r) =>
        api.call(
          'POST',
          `/v1/members/${r.memberId}/credits`,
          { points: r.points, reason: 'x' },
          { 'idempotency-key': r.key },
        ),
      ),
    );
    expect(replays.map((reply) => reply.body)).toEqual(replies.map((reply) => reply.body));
    expect((await api.call('GET', '/v1/members/c0')).body.balances.available).toBe(expected);
    expect((await verifyLedger(api.db)).violations).toEqual([]);
  });

  test('the same key twice in one burst has one effect', async () => {
    const send = () =>
      api.call(
        'POST',
        '/v1/members/c1/credits',
        { points: 1000, reason: 'dup' },
        { 'idempotency-key': 'burst-1' },
      );
    const before = (await api.call('GET', '/v1/members/c1')).body.balances.available;
    const [first, second] = await Promise.all([send(), send()]);
    expect(first.body).toEqual(second.body);
    expect((await api.call('GET', '/v1/members/c1')).body.balances.available).toBe(before + 1000);
  });
});

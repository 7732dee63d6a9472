import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openTestApi, type TestApi } from '../../../test/support/test-api.ts';
import { ENGINES } from '../../../test/support/test-database.ts';
import { heldForApproval, Jifen, JifenError } from '../src/index.ts';

/** The SDK against a real server listening on a port (in process), on each engine. */
describe.each(ENGINES)('the TypeScript SDK (%s)', (engine) => {
  let api: TestApi;
  let baseUrl: string;
  let jifen: Jifen;
  beforeAll(async () => {
    api = await openTestApi(engine);
    baseUrl = await api.app.listen({ port: 0, host: '127.0.0.1' });
    jifen = new Jifen({ baseUrl, apiKey: api.key, backoff: () => 1 });
  });
  afterAll(async () => api?.close());

  test('members: upsert, credit, get, and every page of a list with for await', async () => {
    for (const id of ['sdk-1', 'sdk-2', 'sdk-3', 'sdk-4', 'sdk-5']) {
      await jifen.members.upsert(id, { tags: ['sdk'] });
    }
    const credited = await jifen.members.credit('sdk-1', {
      points: 500,
      reason: { 'zh-CN': '开卡礼', en: 'Welcome' },
    });
    if (heldForApproval(credited)) throw new Error('an integration key is never held for approval');
    expect(credited.entries[0]?.points).toBe(500);
    const member = await jifen.members.get('sdk-1');
    expect(member.balances.available).toBe(500);

    const ids: string[] = [];
    for await (const m of jifen.members.list({ tag: 'sdk', limit: 2 })) ids.push(m.memberId);
    expect(ids).toEqual(['sdk-1', 'sdk-2', 'sdk-3', 'sdk-4', 'sdk-5']);

    for (let i = 0; i < 4; i++) await jifen.members.debit('sdk-1', { points: 10, reason: 'coffee' });
    const types: string[] = [];
    for await (const entry of jifen.members.entries('sdk-1', { limit: 2 })) types.push(entry.type);
    expect(types).toEqual(['spend', 'spend', 'spend', 'spend', 'earn']);
  });

  test('problem+json answers throw JifenError with the stable code', async () => {
    const missing = await jifen.members.get('nobody').catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(JifenError);
    expect(missing).toMatchObject({ code: 'member_not_found', status: 404 });
    const tooMuch = await jifen.members.debit('sdk-2', { points: 1, reason: 'x' }).catch((e: unknown) => e);
    expect(tooMuch).toMatchObject({ code: 'insufficient_points', status: 422 });
    const bad = await jifen
      .call('listMembers', { query: { cursor: 'zzz' } })
      .catch((error: unknown) => error as JifenError);
    expect(bad).toMatchObject({ code: 'validation_failed', status: 400 });
  });

  test('a write whose answer is lost is retried with the same key: one effect, the first answer', async () => {
    await jifen.members.upsert('sdk-retry');
    const keys: (string | null)[] = [];
    let lost = 0;
    const flaky = new Jifen({
      baseUrl,
      apiKey: api.key,
      backoff: () => 1,
      fetch: async (url, init) => {
        keys.push(new Headers(init?.headers).get('idempotency-key'));
        const response = await fetch(url, init);
        // The server did the work; the connection drops before the client reads the answer.
        if (lost++ === 0) throw new TypeError('fetch failed: socket hang up');
        return response;
      },
    });
    const answer = await flaky.members.credit('sdk-retry', { points: 70, reason: 'retried' });
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
    if (heldForApproval(answer)) throw new Error('an integration key is never held for approval');
    expect(answer.entries[0]?.points).toBe(70);
    expect((await jifen.members.get('sdk-retry')).balances.available).toBe(70);
    // Each call has its own key: a second call is a second credit.
    await flaky.members.credit('sdk-retry', { points: 5, reason: 'again' });
    expect(keys[2]).not.toBe(keys[0]);
    expect((await jifen.members.get('sdk-retry')).balances.available).toBe(75);
  });

  test('5xx and 429 are retried with backoff, up to the limit; 4xx are not', async () => {
    const statuses = [503, 429, 200];
    let calls = 0;
    const waits: number[] = [];
    const busy = new Jifen({
      baseUrl,
      apiKey: api.key,
      backoff: (attempt) => {
        waits.push(attempt);
        return 1;
      },
      fetch: async (url, init) => {
        const status = statuses[calls++];
        if (status !== 200) {
          return new Response(JSON.stringify({ code: 'unavailable', status }), {
            status,
            headers: { 'content-type': 'application/problem+json' },
          });
        }
        return fetch(url, init);
      },
    });
    expect((await busy.members.get('sdk-1')).memberId).toBe('sdk-1');
    expect(calls).toBe(3);
    expect(waits).toEqual([1, 2]);

    let attempts = 0;
    const down = new Jifen({
      baseUrl,
      apiKey: api.key,
      retries: 2,
      backoff: () => 1,
      fetch: async () => {
        attempts += 1;
        return new Response('{"code":"internal_error","status":500}', { status: 500 });
      },
    });
    await expect(down.members.get('sdk-1')).rejects.toMatchObject({ code: 'internal_error', status: 500 });
    expect(attempts).toBe(3);

    let notFound = 0;
    const counting = new Jifen({
      baseUrl,
      apiKey: api.key,
      backoff: () => 1,
      fetch: async (url, init) => {
        notFound += 1;
        return fetch(url, init);
      },
    });
    await expect(counting.members.get('nobody')).rejects.toBeInstanceOf(JifenError);
    expect(notFound).toBe(1);
  });

  test('events through the SDK, typed by the document', async () => {
    const outcome = await jifen.events.send({
      id: 'sdk-evt-1',
      type: 'member.checked_in',
      memberId: 'sdk-3',
      occurredAt: '2026-03-01T01:00:00Z',
    });
    expect(outcome).toMatchObject({ eventId: 'sdk-evt-1', memberId: 'sdk-3', points: 0 });
  });

  test('a credit held for a checker is told apart with heldForApproval', async () => {
    await jifen.call('setApprovalPolicy', {
      body: { pointsAbove: 1000, bulk: false, tierAssignments: false },
    });
    const created = await jifen.call('createApiKey', {
      body: { name: 'gated', scopes: ['ledger:write'], requiresApproval: true },
    });
    const gated = new Jifen({ baseUrl, apiKey: created.secret!, backoff: () => 1 });
    const held = await gated.members.credit('sdk-4', { points: 5000, reason: 'corporate gift' });
    expect(heldForApproval(held)).toBe(true);
    if (!heldForApproval(held)) throw new Error('expected an approval');
    expect(held).toMatchObject({ action: 'credit', status: 'pending', points: 5000 });
    const small = await gated.members.credit('sdk-4', { points: 10, reason: 'coffee' });
    expect(heldForApproval(small)).toBe(false);
    await jifen.call('setApprovalPolicy', {
      body: { pointsAbove: null, bulk: false, tierAssignments: false },
    });
  });
});

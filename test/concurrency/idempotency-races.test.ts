import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { perYuan } from '../events/event-test-kit.ts';
import { WHEEL } from '../rewards/draws/draw-kit.ts';
import { MUG } from '../rewards/reward-kit.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { POSTGRES_URL } from '../support/test-database.ts';
import { programWith } from '../tiers/tier-scenario-kit.ts';

/**
 * A client that retries before its first answer arrived sends the same request, with the same
 * Idempotency-Key, while the first still runs. For writes that create something new each time
 * they run, that must still create it once: every answer is the first one's (the others replayed).
 */
const CREATIONS = [
  { url: '/v1/rewards', body: MUG, list: '/v1/rewards', already: 0 },
  { url: '/v1/draws', body: WHEEL, list: '/v1/draws', already: 0 },
  { url: '/v1/rules', body: perYuan, list: '/v1/rules', already: 0 },
  { url: '/v1/webhooks', body: { url: 'https://example.com/hooks' }, list: '/v1/webhooks', already: 0 },
  // The program's owner key is there already.
  { url: '/v1/api-keys', body: { name: 'till', scopes: ['members:read'] }, list: '/v1/api-keys', already: 1 },
];

const idOf = (body: { id?: string; key?: { id: string } }) => body.id ?? body.key?.id;

describe.skipIf(!POSTGRES_URL)('the same creation sent several times at once with one key (postgres)', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await openTestApi('postgres', undefined, { maxConnections: 12 });
  });
  afterAll(async () => api?.close());

  test.each(CREATIONS)('POST $url creates one', async ({ url, body, list, already }) => {
    const program = await programWith(api, null);
    const replies = await Promise.all(
      Array.from({ length: 8 }, () => program.call('POST', url, body, { 'idempotency-key': 'retry-early' })),
    );
    expect(replies.map((reply) => reply.status)).toEqual(replies.map(() => 201));
    const ids = new Set(replies.map((reply) => idOf(reply.body)));
    expect(ids.size, JSON.stringify([...ids])).toBe(1);
    expect(replies.filter((reply) => reply.headers['idempotent-replayed'] === 'true')).toHaveLength(7);
    const listed = await program.call('GET', list);
    expect(listed.body.data).toHaveLength(already + 1);
  });
});

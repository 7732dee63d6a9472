import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TestApi } from '../support/test-api.ts';
import { expectLedgerSound, openShop, play, type Reply, type Scenario, type Shop } from './api-scenarios.ts';

type Send = (shop: Shop) => Promise<Reply>;

interface IdempotencyScenario extends Scenario {
  /** Sent after `given`, then `second`; the scenario's status/code is about the second answer. */
  first: Send;
  second: Send;
  /** The second answer is the stored first one. */
  replayed: boolean;
}

const key = (value: string) => ({ 'idempotency-key': value });
const creditWith =
  (
    idempotencyKey: string,
    body: Record<string, unknown> = { points: 100, reason: 'signup' },
    memberId = 'm',
  ) =>
  (shop: Shop) =>
    shop.call('POST', `/v1/members/${memberId}/credits`, body, key(idempotencyKey));

const scenarios: IdempotencyScenario[] = [
  {
    name: 'the same credit with the same key is answered once and credited once',
    first: creditWith('k1'),
    second: creditWith('k1'),
    status: 201,
    replayed: true,
    verify: async (_reply, shop) => {
      expect((await shop.balances('m')).available).toBe(100);
      expect(await shop.entries('m')).toHaveLength(1);
    },
  },
  {
    name: 'the same request spelled with its fields in another order is the same request',
    first: creditWith('k1', { points: 100, reason: { 'zh-CN': '注册', en: 'Signup' } }),
    second: creditWith('k1', { reason: { en: 'Signup', 'zh-CN': '注册' }, points: 100 }),
    status: 201,
    replayed: true,
    verify: async (_reply, shop) => expect((await shop.balances('m')).available).toBe(100),
  },
  {
    name: 'the same key with a different body is refused',
    first: creditWith('k1'),
    second: creditWith('k1', { points: 101, reason: 'signup' }),
    status: 409,
    code: 'idempotency_key_reused',
    replayed: false,
    verify: async (_reply, shop) => expect((await shop.balances('m')).available).toBe(100),
  },
  {
    name: 'the same key for another member is a different request',
    members: { m: {}, other: {} },
    first: creditWith('k1'),
    second: creditWith('k1', undefined, 'other'),
    status: 409,
    code: 'idempotency_key_reused',
    replayed: false,
    verify: async (_reply, shop) => expect((await shop.balances('other')).available).toBe(0),
  },
  {
    name: 'the same key on another operation is a different request',
    first: creditWith('k1'),
    second: (shop) => shop.call('POST', '/v1/members/m/debits', { points: 100, reason: 'signup' }, key('k1')),
    status: 409,
    code: 'idempotency_key_reused',
    replayed: false,
    verify: async (_reply, shop) => expect((await shop.balances('m')).available).toBe(100),
  },
  {
    name: 'a business error is stored and replayed, even once the request could succeed',
    first: (shop) => shop.call('POST', '/v1/members/m/debits', { points: 50, reason: 'coffee' }, key('d1')),
    second: async (shop) => {
      await shop.credit('m', 100);
      return shop.call('POST', '/v1/members/m/debits', { points: 50, reason: 'coffee' }, key('d1'));
    },
    status: 422,
    code: 'insufficient_points',
    replayed: true,
    verify: async (_reply, shop) => expect((await shop.balances('m')).available).toBe(100),
  },
  {
    name: 'a request that failed validation is not stored: the key can still be used',
    first: creditWith('k1', { points: 0, reason: 'x' }),
    second: creditWith('k1'),
    status: 201,
    replayed: false,
    verify: async (_reply, shop) => expect((await shop.balances('m')).available).toBe(100),
  },
  {
    name: 'a retried transfer moves the points once',
    members: { m: {}, friend: {} },
    given: (shop) => shop.credit('m', 100),
    first: (shop) =>
      shop.call(
        'POST',
        '/v1/transfers',
        { fromMemberId: 'm', toMemberId: 'friend', points: 30, reason: 'gift' },
        key('t1'),
      ),
    second: (shop) =>
      shop.call(
        'POST',
        '/v1/transfers',
        { fromMemberId: 'm', toMemberId: 'friend', points: 30, reason: 'gift' },
        key('t1'),
      ),
    status: 201,
    replayed: true,
    verify: async (_reply, shop) => {
      expect((await shop.balances('m')).available).toBe(70);
      expect((await shop.balances('friend')).available).toBe(30);
    },
  },
  {
    name: 'a retried capture gets its original answer, not hold_not_open',
    given: async (shop) => {
      await shop.credit('m', 100);
      const hold = await shop.call('POST', '/v1/holds', { memberId: 'm', points: 60, reason: 'x' });
      return hold.body.hold.id;
    },
    first: async (shop) =>
      shop.call('POST', `/v1/holds/${await holdIdOf(shop)}/capture`, { points: 20 }, key('c1')),
    second: async (shop) =>
      shop.call('POST', `/v1/holds/${await holdIdOf(shop)}/capture`, { points: 20 }, key('c1')),
    status: 200,
    replayed: true,
    verify: async (_reply, shop) =>
      expect(await shop.balances('m')).toMatchObject({ available: 80, held: 0 }),
  },
  {
    name: 'a retried reversal gets its original answer, not entry_already_reversed',
    given: (shop) => shop.credit('m', 100),
    first: async (shop) =>
      shop.call('POST', `/v1/entries/${await earnIdOf(shop)}/reversal`, undefined, key('r1')),
    second: async (shop) =>
      shop.call('POST', `/v1/entries/${await earnIdOf(shop)}/reversal`, undefined, key('r1')),
    status: 201,
    replayed: true,
    verify: async (_reply, shop) => expect((await shop.balances('m')).available).toBe(0),
  },
  {
    name: 'without a key every request has its effect',
    first: (shop) => shop.call('POST', '/v1/members/m/credits', { points: 100, reason: 'x' }),
    second: (shop) => shop.call('POST', '/v1/members/m/credits', { points: 100, reason: 'x' }),
    status: 201,
    replayed: false,
    verify: async (_reply, shop) => expect((await shop.balances('m')).available).toBe(200),
  },
  {
    name: 'a key longer than 255 characters is refused',
    first: creditWith('k'.repeat(255)),
    second: creditWith('k'.repeat(256)),
    status: 400,
    code: 'validation_failed',
    replayed: false,
    verify: async (reply, shop) => {
      expect(JSON.stringify(reply.body.errors)).toContain('idempotency-key');
      expect((await shop.balances('m')).available).toBe(100);
    },
  },
];

async function holdIdOf(shop: Shop): Promise<string> {
  const entries = await shop.entries('m');
  return entries.find((entry) => entry.type === 'hold').holdId;
}

async function earnIdOf(shop: Shop): Promise<string> {
  return (await shop.entries('m')).find((entry) => entry.type === 'earn').id;
}

/** Registers this table in the caller's describe, on the caller's API. */
export function idempotencyScenarios(use: () => TestApi): void {
  describe('Idempotency-Key', () => {
    let api: TestApi;
    beforeAll(async () => {
      api = use();
    });
    afterAll(async () => expectLedgerSound(api));

    test.each(scenarios)('$name', (scenario) =>
      play(api, scenario, async (shop) => {
        const first = await scenario.first(shop);
        const second = await scenario.second(shop);
        expect(first.headers['idempotent-replayed']).toBeUndefined();
        if (scenario.replayed) {
          expect(second.headers['idempotent-replayed']).toBe('true');
          expect(second.status).toBe(first.status);
          expect(second.body).toEqual(first.body);
        } else {
          expect(second.headers['idempotent-replayed']).toBeUndefined();
        }
        return second;
      }),
    );

    test('a key is private to its program: the same key in another program is a new request', async () => {
      const [a, b] = [await openShop(api), await openShop(api)];
      for (const shop of [a, b]) await shop.member('m');
      const first = await creditWith('shared', { points: 7, reason: 'x' })(a);
      const second = await creditWith('shared', { points: 9, reason: 'x' })(b);
      expect([first.status, second.status]).toEqual([201, 201]);
      expect(second.headers['idempotent-replayed']).toBeUndefined();
      expect((await a.balances('m')).available).toBe(7);
      expect((await b.balances('m')).available).toBe(9);
    });
  });
}

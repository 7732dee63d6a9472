import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TestApi } from '../support/test-api.ts';
import {
  expectLedgerSound,
  expectProblem,
  invalidFields,
  type Method,
  openShop,
  type Reply,
  type Shop,
} from './api-scenarios.ts';

const ZERO = { available: 0, pending: 0, held: 0, growth: 0, debt: 0 };

interface PutScenario {
  name: string;
  memberId?: string;
  given?: (shop: Shop) => Promise<void>;
  body: unknown;
  status: number;
  code?: string;
  fields?: string[];
  verify?: (reply: Reply, shop: Shop) => Promise<void> | void;
}

const putScenarios: PutScenario[] = [
  {
    name: 'creates a member with zero balances',
    body: { channel: 'wechat', tags: ['new'] },
    status: 201,
    verify: (reply) => {
      expect(reply.body).toMatchObject({ memberId: 'm', status: 'active', channel: 'wechat', tags: ['new'] });
      expect(reply.body.balances).toEqual(ZERO);
    },
  },
  {
    name: 'a second PUT changes only the fields given',
    given: (shop) => shop.member('m', { channel: 'wechat', tags: ['vip'], birthday: '1990-05-17' }),
    body: { store: 'sh-001' },
    status: 200,
    verify: (reply) =>
      expect(reply.body).toMatchObject({
        store: 'sh-001',
        channel: 'wechat',
        tags: ['vip'],
        birthday: '1990-05-17',
      }),
  },
  {
    name: 'null clears a nullable field',
    given: (shop) => shop.member('m', { channel: 'wechat' }),
    body: { channel: null },
    status: 200,
    verify: (reply) => expect(reply.body.channel).toBeNull(),
  },
  {
    name: 'status can be set to frozen and read back',
    given: (shop) => shop.member('m'),
    body: { status: 'frozen' },
    status: 200,
    verify: async (reply, shop) => {
      expect(reply.body.status).toBe('frozen');
      expect((await shop.call('GET', '/v1/members/m')).body.status).toBe('frozen');
    },
  },
  {
    name: 'an unknown field is named',
    body: { nickName: 'Ann' },
    status: 400,
    code: 'validation_failed',
    fields: ['body/nickName'],
  },
  {
    name: 'an unknown status is named',
    body: { status: 'deleted' },
    status: 400,
    code: 'validation_failed',
    fields: ['body/status'],
  },
  {
    name: 'a birthday that is not a date is named',
    body: { birthday: '17/05/1990' },
    status: 400,
    code: 'validation_failed',
    fields: ['body/birthday'],
  },
  {
    name: 'several bad fields are all named',
    body: { tags: 'vip', joinedAt: 'yesterday' },
    status: 400,
    code: 'validation_failed',
    fields: ['body/joinedAt', 'body/tags'],
  },
  {
    name: 'a member id with a space is named',
    memberId: 'bad%20id',
    body: {},
    status: 400,
    code: 'validation_failed',
    fields: ['params/memberId'],
  },
  {
    name: 'a member id of the full 128 characters is accepted',
    memberId: `${'x'.repeat(120)}@shop.cn`,
    body: {},
    status: 201,
    verify: (reply) => expect(reply.body.memberId).toBe(`${'x'.repeat(120)}@shop.cn`),
  },
  {
    name: 'a member id longer than 128 characters is named',
    memberId: 'x'.repeat(129),
    body: {},
    status: 400,
    code: 'validation_failed',
    fields: ['params/memberId'],
  },
];

interface AuthScenario {
  name: string;
  /** The Authorization header, or a function of the shop giving it; absent: no header at all. */
  authorization?: string | ((shop: Shop) => Promise<string>);
  method: Method;
  url: string;
  body?: unknown;
  status: number;
  code?: string;
  requiredScope?: string;
}

const limited = (scopes: string[]) => async (shop: Shop) => `Bearer ${await shop.keyWith(scopes)}`;

const authScenarios: AuthScenario[] = [
  {
    name: 'no Authorization header',
    method: 'GET',
    url: '/v1/members/m',
    status: 401,
    code: 'unauthenticated',
  },
  {
    name: 'a key that does not exist',
    authorization: 'Bearer jf_not-a-real-key',
    method: 'GET',
    url: '/v1/members/m',
    status: 401,
    code: 'unauthenticated',
  },
  {
    name: 'a Basic scheme instead of Bearer',
    authorization: async (shop) => `Basic ${shop.key}`,
    method: 'GET',
    url: '/v1/members/m',
    status: 401,
    code: 'unauthenticated',
  },
  {
    name: 'no key on a write',
    method: 'POST',
    url: '/v1/members/m/credits',
    body: { points: 5, reason: 'x' },
    status: 401,
    code: 'unauthenticated',
  },
  {
    name: 'members:read may read a member',
    authorization: limited(['members:read']),
    method: 'GET',
    url: '/v1/members/m',
    status: 200,
  },
  {
    name: 'members:read may not write a member',
    authorization: limited(['members:read']),
    method: 'PUT',
    url: '/v1/members/m',
    body: { status: 'blocked' },
    status: 403,
    code: 'insufficient_scope',
    requiredScope: 'members:write',
  },
  {
    name: 'ledger:read may not read the member profile',
    authorization: limited(['ledger:read']),
    method: 'GET',
    url: '/v1/members/m',
    status: 403,
    code: 'insufficient_scope',
    requiredScope: 'members:read',
  },
  {
    name: 'members:write may not credit',
    authorization: limited(['members:read', 'members:write']),
    method: 'POST',
    url: '/v1/members/m/credits',
    body: { points: 5, reason: 'x' },
    status: 403,
    code: 'insufficient_scope',
    requiredScope: 'ledger:write',
  },
  {
    name: 'ledger:write may not list entries',
    authorization: limited(['ledger:write']),
    method: 'GET',
    url: '/v1/members/m/entries',
    status: 403,
    code: 'insufficient_scope',
    requiredScope: 'ledger:read',
  },
  {
    name: 'ledger:write may not manage keys',
    authorization: limited(['ledger:write']),
    method: 'GET',
    url: '/v1/api-keys',
    status: 403,
    code: 'insufficient_scope',
    requiredScope: 'keys:manage',
  },
  {
    name: 'members:read may not change program settings',
    authorization: limited(['members:read']),
    method: 'PATCH',
    url: '/v1/program',
    body: { negativeBalance: 'allow_debt' },
    status: 403,
    code: 'insufficient_scope',
    requiredScope: 'program:manage',
  },
];

/** Registers this table in the caller's describe, on the caller's API. */
export function memberScenarios(use: () => TestApi): void {
  describe('members API', () => {
    let api: TestApi;
    beforeAll(async () => {
      api = use();
    });
    afterAll(async () => expectLedgerSound(api));

    test.each(putScenarios)('PUT /v1/members/{id}: $name', async (scenario) => {
      const shop = await openShop(api);
      await scenario.given?.(shop);
      const reply = await shop.call('PUT', `/v1/members/${scenario.memberId ?? 'm'}`, scenario.body);
      if (scenario.code) expectProblem(reply, scenario.status, scenario.code);
      else expect(reply.status, JSON.stringify(reply.body)).toBe(scenario.status);
      if (scenario.fields) expect([...new Set(invalidFields(reply))].sort()).toEqual(scenario.fields);
      await scenario.verify?.(reply, shop);
    });

    test.each([
      { name: 'an existing member, with balances', memberId: 'm', status: 200 },
      { name: 'an unknown member', memberId: 'nobody', status: 404, code: 'member_not_found' },
      { name: 'an invalid id', memberId: 'a%2Fb%20c', status: 400, code: 'validation_failed' },
    ])('GET /v1/members/{id}: $name', async ({ memberId, status, code }) => {
      const shop = await openShop(api);
      await shop.member('m');
      await shop.credit('m', 120, { growth: 7 });
      const reply = await shop.call('GET', `/v1/members/${memberId}`);
      if (code) {
        expectProblem(reply, status, code);
        if (code === 'member_not_found') expect(reply.body.memberId).toBe(memberId);
        if (code === 'validation_failed') expect(invalidFields(reply)).toContain('params/memberId');
        return;
      }
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({ memberId: 'm', status: 'active', tier: null });
      expect(reply.body.balances).toEqual({ ...ZERO, available: 120, growth: 7 });
    });

    test.each([
      ['lots', '/v1/members/ghost/lots'],
      ['entries', '/v1/members/ghost/entries'],
      ['credits', '/v1/members/ghost/credits'],
      ['debits', '/v1/members/ghost/debits'],
      ['adjustments', '/v1/members/ghost/adjustments'],
    ])('member_not_found from %s of an unknown member', async (what, url) => {
      const shop = await openShop(api);
      const write = !['lots', 'entries'].includes(what);
      const body =
        what === 'adjustments' ? { points: 5, reason: 'x', operator: 'op' } : { points: 5, reason: 'x' };
      const reply = await shop.call(write ? 'POST' : 'GET', url, write ? body : undefined);
      expectProblem(reply, 404, 'member_not_found');
      expect(reply.body.memberId).toBe('ghost');
    });

    test.each(authScenarios)('auth: $name', async (scenario) => {
      const shop = await openShop(api);
      await shop.member('m', { channel: 'app' });
      const authorization =
        typeof scenario.authorization === 'function'
          ? await scenario.authorization(shop)
          : scenario.authorization;
      const response = await api.app.inject({
        method: scenario.method,
        url: scenario.url,
        headers: authorization === undefined ? {} : { authorization },
        ...(scenario.body === undefined ? {} : { payload: scenario.body as object }),
      });
      const reply: Reply = { status: response.statusCode, body: response.json(), headers: response.headers };
      if (scenario.code) expectProblem(reply, scenario.status, scenario.code);
      else expect(reply.status).toBe(scenario.status);
      if (scenario.requiredScope) expect(reply.body.requiredScope).toBe(scenario.requiredScope);
      // A refused request changes nothing.
      const member = await shop.call('GET', '/v1/members/m');
      expect(member.body).toMatchObject({ status: 'active', channel: 'app' });
      expect(member.body.balances).toEqual(ZERO);
      expect((await shop.call('GET', '/v1/program')).body.negativeBalance).toBe('cap_at_zero');
    });
  });
}

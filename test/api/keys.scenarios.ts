import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TestApi } from '../support/test-api.ts';
import {
  expectLedgerSound,
  invalidFields,
  type Json,
  play,
  type Reply,
  type Scenario,
  type Shop,
} from './api-scenarios.ts';

interface KeyScenario extends Scenario {
  send: (shop: Shop, given: Json) => Promise<Reply>;
}

const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });

async function createKey(shop: Shop, scopes: string[], name = 'pos terminal') {
  const reply = await shop.call('POST', '/v1/api-keys', { name, scopes });
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  return reply.body as { key: { id: string; prefix: string; revokedAt: string | null }; secret: string };
}

const scenarios: KeyScenario[] = [
  {
    name: 'create: the secret is in this answer only, and the key works within its scopes',
    send: (shop) =>
      shop.call('POST', '/v1/api-keys', { name: 'pos terminal', scopes: ['members:read', 'ledger:read'] }),
    status: 201,
    verify: async (reply, shop) => {
      const { key, secret } = reply.body;
      expect(key).toMatchObject({
        name: 'pos terminal',
        scopes: ['members:read', 'ledger:read'],
        revokedAt: null,
      });
      expect(key.id).toMatch(/^key_/);
      expect(secret.startsWith(key.prefix)).toBe(true);
      expect((await shop.call('GET', '/v1/members/m', undefined, bearer(secret))).status).toBe(200);
      const write = await shop.call('PUT', '/v1/members/m', { status: 'blocked' }, bearer(secret));
      expect(write.body).toMatchObject({ code: 'insufficient_scope', requiredScope: 'members:write' });
    },
  },
  {
    name: 'list: every key of the program, never a secret',
    given: (shop) => createKey(shop, ['ledger:write']),
    send: (shop) => shop.call('GET', '/v1/api-keys'),
    status: 200,
    verify: (reply, shop, created) => {
      expect(reply.body.data.map((key: { name: string }) => key.name).sort()).toEqual([
        'owner',
        'pos terminal',
      ]);
      const text = JSON.stringify(reply.body);
      expect(text).not.toContain(created.secret);
      expect(text).not.toContain(shop.key);
      expect(Object.keys(reply.body.data[0]).sort()).toEqual([
        'createdAt',
        'id',
        'name',
        'prefix',
        'rateLimitPerMinute',
        'requiresApproval',
        'revokedAt',
        'scopes',
      ]);
    },
  },
  {
    name: 'revoke: a key that was just used stops working at once',
    given: async (shop) => {
      const created = await createKey(shop, ['members:read']);
      expect((await shop.call('GET', '/v1/members/m', undefined, bearer(created.secret))).status).toBe(200);
      return created;
    },
    send: (shop, created) => shop.call('DELETE', `/v1/api-keys/${created.key.id}`),
    status: 200,
    verify: async (reply, shop, created) => {
      expect(reply.body).toMatchObject({ id: created.key.id, revokedAt: shop.api.clock.now().toISOString() });
      const refused = await shop.call('GET', '/v1/members/m', undefined, bearer(created.secret));
      expect(refused.status).toBe(401);
      expect(refused.body.code).toBe('unauthenticated');
      expect(
        (await shop.call('GET', '/v1/api-keys')).body.data.find((k: Json) => k.id === created.key.id)
          .revokedAt,
      ).toBe(reply.body.revokedAt);
    },
  },
  {
    name: 'revoke twice: the first revocation time stands',
    given: async (shop) => {
      const created = await createKey(shop, ['members:read']);
      const first = await shop.call('DELETE', `/v1/api-keys/${created.key.id}`);
      shop.api.clock.advance(60_000);
      return { ...created, revokedAt: first.body.revokedAt };
    },
    send: (shop, created) => shop.call('DELETE', `/v1/api-keys/${created.key.id}`),
    status: 200,
    verify: (reply, _shop, created) => expect(reply.body.revokedAt).toBe(created.revokedAt),
  },
  {
    name: 'a revoked key cannot revoke or create keys either',
    given: async (shop) => {
      const created = await createKey(shop, ['keys:manage']);
      await shop.call('DELETE', `/v1/api-keys/${created.key.id}`);
      return created;
    },
    send: (shop, created) =>
      shop.call('POST', '/v1/api-keys', { name: 'sneaky', scopes: ['*'] }, bearer(created.secret)),
    status: 401,
    code: 'unauthenticated',
    verify: async (_reply, shop) =>
      expect((await shop.call('GET', '/v1/api-keys')).body.data.map((k: Json) => k.name)).not.toContain(
        'sneaky',
      ),
  },
  {
    name: 'revoke a key that does not exist',
    send: (shop) => shop.call('DELETE', '/v1/api-keys/key_01jzzzzzzzzzzzzzzzzzzzzzzz'),
    status: 404,
    code: 'api_key_not_found',
    verify: (reply) => expect(reply.body.keyId).toBe('key_01jzzzzzzzzzzzzzzzzzzzzzzz'),
  },
  {
    name: 'a key without keys:manage cannot create keys',
    given: (shop) => createKey(shop, ['members:read', 'members:write', 'ledger:read', 'ledger:write']),
    send: (shop, created) =>
      shop.call('POST', '/v1/api-keys', { name: 'x', scopes: ['*'] }, bearer(created.secret)),
    status: 403,
    code: 'insufficient_scope',
    verify: (reply) => expect(reply.body.requiredScope).toBe('keys:manage'),
  },
  {
    name: 'a key with keys:manage cannot grant scopes it does not have',
    given: (shop) => createKey(shop, ['keys:manage', 'members:read']),
    send: (shop, created) =>
      shop.call('POST', '/v1/api-keys', { name: 'owner2', scopes: ['*'] }, bearer(created.secret)),
    status: 403,
    code: 'insufficient_scope',
    verify: async (reply, shop) => {
      expect(reply.body.requiredScope).toBe('*');
      expect((await shop.call('GET', '/v1/api-keys')).body.data.map((k: Json) => k.name)).not.toContain(
        'owner2',
      );
    },
  },
  {
    name: 'a key with keys:manage can grant its own scopes',
    given: (shop) => createKey(shop, ['keys:manage', 'members:read']),
    send: (shop, created) =>
      shop.call('POST', '/v1/api-keys', { name: 'reader', scopes: ['members:read'] }, bearer(created.secret)),
    status: 201,
  },
  {
    name: 'create with an Idempotency-Key: one key; the replay does not show the secret again',
    given: async (shop) =>
      shop.call(
        'POST',
        '/v1/api-keys',
        { name: 'once', scopes: ['ledger:read'] },
        { 'idempotency-key': 'key-1' },
      ),
    send: (shop) =>
      shop.call(
        'POST',
        '/v1/api-keys',
        { name: 'once', scopes: ['ledger:read'] },
        { 'idempotency-key': 'key-1' },
      ),
    status: 201,
    verify: async (reply, shop, first) => {
      expect(first.body.secret).toMatch(/^jf_/);
      expect(reply.headers['idempotent-replayed']).toBe('true');
      expect(reply.body).toEqual({ key: first.body.key, secret: null });
      const names = (await shop.call('GET', '/v1/api-keys')).body.data.map((k: Json) => k.name);
      expect(names.filter((name: string) => name === 'once')).toHaveLength(1);
    },
  },
  {
    name: 'an unknown scope',
    send: (shop) => shop.call('POST', '/v1/api-keys', { name: 'x', scopes: ['ledger:delete'] }),
    status: 400,
    code: 'validation_failed',
    verify: (reply) =>
      expect(invalidFields(reply).every((field) => field.startsWith('body/scopes'))).toBe(true),
  },
  {
    name: 'no scopes and no name',
    send: (shop) => shop.call('POST', '/v1/api-keys', { scopes: [] }),
    status: 400,
    code: 'validation_failed',
    fields: ['body/name', 'body/scopes'],
  },
];

/** Registers this table in the caller's describe, on the caller's API. */
export function apiKeyScenarios(use: () => TestApi): void {
  describe('API keys', () => {
    let api: TestApi;
    beforeAll(async () => {
      api = use();
    });
    afterAll(async () => expectLedgerSound(api));

    test.each(scenarios)('$name', (scenario) =>
      play(api, scenario, (shop, given) => scenario.send(shop, given)),
    );
  });
}

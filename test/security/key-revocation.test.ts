import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES, type Engine } from '../support/test-database.ts';

/**
 * Revoking a key, like creating one, needs every scope of that key: a key holding keys:manage
 * alone must not be able to lock the owner out.
 */
describe.each(ENGINES)('revoking API keys (%s)', (engine: Engine) => {
  let api: TestApi;
  let ownerKeyId: string;
  /** keys:manage and members:read, nothing else. */
  let manager: { id: string; secret: string };

  const as = (secret: string) => ({ authorization: `Bearer ${secret}` });
  async function createKey(name: string, scopes: string[]) {
    const reply = await api.call('POST', '/v1/api-keys', { name, scopes });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    return { id: reply.body.key.id as string, secret: reply.body.secret as string };
  }
  /** Whether a key still gets in: every key here can read members or list keys. */
  async function stillWorks(secret: string, path = '/v1/members/m'): Promise<boolean> {
    const reply = await api.call('GET', path, undefined, as(secret));
    expect([200, 401]).toContain(reply.status);
    return reply.status === 200;
  }

  beforeAll(async () => {
    api = await openTestApi(engine);
    await api.call('PUT', '/v1/members/m', {});
    const keys = await api.call('GET', '/v1/api-keys');
    ownerKeyId = keys.body.data.find((key: { name: string }) => key.name === 'owner').id;
    manager = await createKey('key desk', ['keys:manage', 'members:read']);
  });
  afterAll(() => api.close());

  test('a keys:manage key cannot revoke the owner key, which keeps working', async () => {
    const reply = await api.call('DELETE', `/v1/api-keys/${ownerKeyId}`, undefined, as(manager.secret));
    expect(reply.status).toBe(403);
    expect(reply.headers['content-type']).toContain('application/problem+json');
    expect(reply.body).toMatchObject({ code: 'insufficient_scope', requiredScope: '*' });
    expect(reply.body.detail).toContain('revoke');
    expect(await stillWorks(api.key)).toBe(true);
    const keys = await api.call('GET', '/v1/api-keys');
    expect(keys.body.data.find((key: { id: string }) => key.id === ownerKeyId).revokedAt).toBeNull();
  });

  test('nor a key with a scope it lacks', async () => {
    const writer = await createKey('till', ['members:read', 'ledger:write']);
    const reply = await api.call('DELETE', `/v1/api-keys/${writer.id}`, undefined, as(manager.secret));
    expect(reply.status).toBe(403);
    expect(reply.body).toMatchObject({ code: 'insufficient_scope', requiredScope: 'ledger:write' });
    expect(await stillWorks(writer.secret)).toBe(true);
  });

  test('it can revoke a key whose every scope it holds, which stops working', async () => {
    const reader = await createKey('report screen', ['members:read']);
    const reply = await api.call('DELETE', `/v1/api-keys/${reader.id}`, undefined, as(manager.secret));
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(reply.body).toMatchObject({ id: reader.id, revokedAt: api.clock.now().toISOString() });
    expect(await stillWorks(reader.secret)).toBe(false);
  });

  test('a key can revoke itself; the owner can revoke any key', async () => {
    const desk = await createKey('second desk', ['keys:manage']);
    const own = await api.call('DELETE', `/v1/api-keys/${desk.id}`, undefined, as(desk.secret));
    expect(own.status, JSON.stringify(own.body)).toBe(200);
    expect(await stillWorks(desk.secret, '/v1/api-keys')).toBe(false);

    const byOwner = await api.call('DELETE', `/v1/api-keys/${manager.id}`);
    expect(byOwner.status).toBe(200);
    expect(await stillWorks(manager.secret)).toBe(false);
  });

  test('an unknown key is still a 404, whatever the caller holds', async () => {
    const desk = await createKey('third desk', ['keys:manage']);
    const reply = await api.call('DELETE', '/v1/api-keys/key_nope', undefined, as(desk.secret));
    expect(reply.status).toBe(404);
    expect(reply.body.code).toBe('api_key_not_found');
  });
});

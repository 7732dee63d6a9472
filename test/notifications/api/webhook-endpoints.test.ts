import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MESSAGE_TYPES } from '../../../src/notifications/message-types.ts';
import { openText } from '../../../src/vault/field-cipher.ts';
import { openTestApi, type TestApi } from '../../support/test-api.ts';
import { ENGINES } from '../../support/test-database.ts';
import {
  createEndpoint,
  deliveryRow,
  newProgram,
  type ProgramClient,
  seedDelivery,
  seedMessage,
  withKey,
} from './notification-api-kit.ts';

/**
 * Webhook endpoints: create (the secret shown once), list and read (only its prefix), change,
 * rotate the secret, delete (what was pending is dead-lettered), the limit, validation, scopes and
 * program isolation.
 */
const invalidBodies: { name: string; body: Record<string, unknown>; field: string }[] = [
  { name: 'no url', body: { url: undefined }, field: 'body/url' },
  { name: 'a url that is not one', body: { url: 'not a url' }, field: 'body/url' },
  { name: 'an ftp url', body: { url: 'ftp://example.com/hooks' }, field: 'body/url' },
  { name: 'credentials in the url', body: { url: 'https://user:pw@example.com/hooks' }, field: 'body/url' },
  { name: 'an unknown type', body: { types: ['points.earned', 'points.gifted'] }, field: 'body/types/1' },
  { name: 'a type twice', body: { types: ['points.earned', 'points.earned'] }, field: 'body/types' },
  { name: 'types not a list', body: { types: 'points.earned' }, field: 'body/types' },
  { name: 'an unknown status', body: { status: 'paused' }, field: 'body/status' },
  { name: 'a description too long', body: { description: 'x'.repeat(501) }, field: 'body/description' },
  { name: 'an unknown field', body: { secret: 'whsec_mine' }, field: 'body/secret' },
];

describe.each(ENGINES)('webhook endpoints (%s)', (engine) => {
  let api: TestApi;
  let program: ProgramClient;
  beforeAll(async () => {
    api = await openTestApi(engine);
    program = await newProgram(api);
  });
  afterAll(async () => api.close());

  test('creating one answers its secret once; reads show only the first 10 characters', async () => {
    const created = await program.call('POST', '/v1/webhooks', {
      url: 'https://example.com/jifen',
      types: ['points.earned', 'tier.changed'],
      description: 'CRM',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      url: 'https://example.com/jifen',
      types: ['points.earned', 'tier.changed'],
      description: 'CRM',
      status: 'enabled',
      createdAt: api.clock.now().toISOString(),
    });
    expect(created.body.id).toMatch(/^whk_/);
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(created.body.secretPrefix).toBe(created.body.secret.slice(0, 10));

    const one = await program.call('GET', `/v1/webhooks/${created.body.id}`);
    expect(one.status).toBe(200);
    expect(one.body).not.toHaveProperty('secret');
    const { secret: _secret, ...withoutSecret } = created.body;
    expect(one.body).toEqual(withoutSecret);
    const listed = await program.call('GET', '/v1/webhooks');
    expect(listed.body.data).toContainEqual(withoutSecret);
    expect(JSON.stringify(listed.body)).not.toContain(created.body.secret);
  });

  test('defaults: every type, enabled, no description', async () => {
    const created = await createEndpoint(program);
    expect(created).toMatchObject({ types: [], status: 'enabled', description: '' });
  });

  test('a retried creation with the same Idempotency-Key creates one endpoint and does not repeat the secret', async () => {
    const client = await newProgram(api);
    const body = { url: 'https://example.com/once' };
    const headers = { authorization: `Bearer ${client.key}`, 'idempotency-key': 'create-once' };
    const first = await api.call('POST', '/v1/webhooks', body, headers);
    const again = await api.call('POST', '/v1/webhooks', body, headers);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual({ ...first.body, secret: null });
    expect((await client.call('GET', '/v1/webhooks')).body.data).toHaveLength(1);
  });

  test.each(invalidBodies)('refuses $name (400 naming $field)', async ({ body, field }) => {
    const before = (await program.call('GET', '/v1/webhooks')).body.data.length;
    const refused = await program.call('POST', '/v1/webhooks', { url: 'https://example.com/x', ...body });
    expect(refused.status).toBe(400);
    expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(refused.body.code).toBe('validation_failed');
    expect(refused.body.errors.map((error: { field: string }) => error.field)).toContain(field);
    expect((await program.call('GET', '/v1/webhooks')).body.data).toHaveLength(before);
  });

  test('PATCH changes only the fields given, and validates them the same way', async () => {
    const endpoint = await createEndpoint(program, { types: ['points.earned'], description: 'before' });
    api.clock.advance(1_000);
    const patched = await program.call('PATCH', `/v1/webhooks/${endpoint.id}`, {
      url: 'https://example.org/new',
      status: 'disabled',
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      url: 'https://example.org/new',
      status: 'disabled',
      types: ['points.earned'],
      description: 'before',
      secretPrefix: endpoint.secretPrefix,
      updatedAt: api.clock.now().toISOString(),
    });
    const allTypes = await program.call('PATCH', `/v1/webhooks/${endpoint.id}`, {
      types: [],
      description: '',
    });
    expect(allTypes.body).toMatchObject({ types: [], description: '', status: 'disabled' });

    for (const [body, field] of [
      [{ url: 'mailto:ops@example.com' }, 'body/url'],
      [{ types: ['points.burned'] }, 'body/types/0'],
      [{ status: 'on' }, 'body/status'],
      [{ id: 'whk_other' }, 'body/id'],
    ] as const) {
      const refused = await program.call('PATCH', `/v1/webhooks/${endpoint.id}`, body);
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(refused.body.errors.map((error: { field: string }) => error.field)).toContain(field);
    }
    expect((await program.call('GET', `/v1/webhooks/${endpoint.id}`)).body).toEqual(allTypes.body);
  });

  test('rotating the secret answers a new one once; the old prefix is gone', async () => {
    const endpoint = await createEndpoint(program);
    const rotated = await program.call('POST', `/v1/webhooks/${endpoint.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(endpoint.secret);
    expect(rotated.body.secretPrefix).toBe(rotated.body.secret.slice(0, 10));
    const [row] = await api.db.query<{ secret: string }>(
      'select secret from webhook_endpoints where program_id = $1 and id = $2',
      [program.programId, endpoint.id],
    );
    // Stored sealed by the vault (issue 17): the row opens to the secret shown.
    expect(row?.secret).toMatch(/^enc:v1:/);
    expect(await openText(api.db, program.programId, 'webhook_endpoints.secret', row!.secret)).toBe(
      rotated.body.secret,
    );
    const read = await program.call('GET', `/v1/webhooks/${endpoint.id}`);
    expect(read.body).not.toHaveProperty('secret');
    expect(read.body.secretPrefix).toBe(rotated.body.secretPrefix);
  });

  test.each([
    ['GET', ''],
    ['PATCH', ''],
    ['DELETE', ''],
    ['POST', '/rotate-secret'],
    ['GET', '/deliveries'],
    ['POST', '/replay'],
  ] as const)('%s /v1/webhooks/{unknown}%s is 404 webhook_endpoint_not_found', async (method, suffix) => {
    const body =
      method === 'PATCH'
        ? { description: 'x' }
        : suffix === '/replay'
          ? { from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z' }
          : undefined;
    const answer = await program.call(method, `/v1/webhooks/whk_nothere${suffix}`, body);
    expect(answer.status).toBe(404);
    expect(answer.body).toMatchObject({ code: 'webhook_endpoint_not_found', endpointId: 'whk_nothere' });
  });

  test('a program has at most 20 endpoints; deleting one makes room', async () => {
    const client = await newProgram(api);
    const ids: string[] = [];
    for (let index = 0; index < 20; index++)
      ids.push((await createEndpoint(client, { url: `https://example.com/${index}` })).id);
    const refused = await client.call('POST', '/v1/webhooks', { url: 'https://example.com/21' });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'webhook_limit_reached', limit: 20 });
    // Another program's endpoints do not count.
    await createEndpoint(await newProgram(api));
    expect((await client.call('DELETE', `/v1/webhooks/${ids[3]}`)).status).toBe(200);
    await createEndpoint(client, { url: 'https://example.com/21' });
    expect((await client.call('GET', '/v1/webhooks')).body.data).toHaveLength(20);
  });

  test('25 creations at once leave exactly 20 endpoints', async () => {
    const client = await newProgram(api);
    const answers = await Promise.all(
      Array.from({ length: 25 }, (_, index) =>
        client.call('POST', '/v1/webhooks', { url: `https://example.com/race/${index}` }),
      ),
    );
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).toEqual([...Array(20).fill(201), ...Array(5).fill(409)]);
    expect((await client.call('GET', '/v1/webhooks')).body.data).toHaveLength(20);
  });

  test('deleting dead-letters what was pending for it, keeps the rest and its log, and cannot be replayed', async () => {
    const client = await newProgram(api);
    const endpoint = await createEndpoint(client);
    const other = await createEndpoint(client);
    const at = '2026-02-10T00:00:00.000Z';
    const message = await seedMessage(api.db, client.programId, { type: 'points.earned', createdAt: at });
    const message2 = await seedMessage(api.db, client.programId, { type: 'points.spent', createdAt: at });
    const pending = await seedDelivery(api.db, client.programId, {
      messageId: message,
      endpointId: endpoint.id,
      status: 'pending',
      attempts: 2,
      createdAt: at,
    });
    const delivered = await seedDelivery(api.db, client.programId, {
      messageId: message2,
      endpointId: endpoint.id,
      status: 'delivered',
      attempts: 1,
      createdAt: at,
      deliveredAt: at,
    });
    const otherPending = await seedDelivery(api.db, client.programId, {
      messageId: message,
      endpointId: other.id,
      status: 'pending',
      createdAt: at,
    });

    const deleted = await client.call('DELETE', `/v1/webhooks/${endpoint.id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ id: endpoint.id, deleted: true, deadLetteredDeliveries: 1 });
    expect(await deliveryRow(api.db, client.programId, pending)).toMatchObject({
      status: 'dead',
      attempts: 2,
      last_error: 'endpoint deleted',
    });
    expect((await deliveryRow(api.db, client.programId, delivered))?.status).toBe('delivered');
    expect((await deliveryRow(api.db, client.programId, otherPending))?.status).toBe('pending');

    expect((await client.call('GET', `/v1/webhooks/${endpoint.id}`)).status).toBe(404);
    expect((await client.call('DELETE', `/v1/webhooks/${endpoint.id}`)).status).toBe(404);
    const log = await client.call('GET', `/v1/webhooks/${endpoint.id}/deliveries`);
    expect(log.status).toBe(200);
    expect(log.body.data.map((d: { id: string }) => d.id).sort()).toEqual([pending, delivered].sort());
    const replay = await client.call('POST', `/v1/webhook-deliveries/${pending}/replay`);
    expect(replay.status).toBe(404);
    expect(replay.body.code).toBe('webhook_endpoint_not_found');
    expect((await deliveryRow(api.db, client.programId, pending))?.status).toBe('dead');
  });

  test('webhooks need the program:manage scope', async () => {
    const reader = await withKey(api, program.programId, ['members:read', 'members:write', 'ledger:read']);
    for (const [method, url] of [
      ['GET', '/v1/webhooks'],
      ['POST', '/v1/webhooks'],
      ['GET', '/v1/webhook-deliveries/dlv_x'],
    ] as const) {
      const refused = await reader.call(
        method,
        url,
        method === 'POST' ? { url: 'https://example.com' } : undefined,
      );
      expect(refused.status, url).toBe(403);
      expect(refused.body).toMatchObject({ code: 'insufficient_scope', requiredScope: 'program:manage' });
    }
    const manager = await withKey(api, program.programId, ['program:manage']);
    expect((await manager.call('GET', '/v1/webhooks')).status).toBe(200);
  });

  test("another program's key sees none of these endpoints and changes nothing", async () => {
    const endpoint = await createEndpoint(program);
    const other = await newProgram(api);
    expect((await other.call('GET', '/v1/webhooks')).body).toEqual({
      data: [],
      nextCursor: null,
      hasMore: false,
    });
    for (const [method, suffix, body] of [
      ['GET', '', undefined],
      ['PATCH', '', { status: 'disabled' }],
      ['POST', '/rotate-secret', undefined],
      ['DELETE', '', undefined],
      ['GET', '/deliveries', undefined],
      ['POST', '/replay', { from: '2026-01-01T00:00:00Z', to: '2026-03-01T00:00:00Z' }],
    ] as const) {
      const answer = await other.call(method, `/v1/webhooks/${endpoint.id}${suffix}`, body);
      expect(answer.status, `${method} ${suffix}`).toBe(404);
      expect(answer.body.code).toBe('webhook_endpoint_not_found');
    }
    const after = await program.call('GET', `/v1/webhooks/${endpoint.id}`);
    expect(after.body).toMatchObject({ status: 'enabled', secretPrefix: endpoint.secretPrefix });
  });

  test('the routes and their schemas are in /openapi.json', async () => {
    const document = (await api.call('GET', '/openapi.json')).body;
    for (const path of [
      '/v1/webhooks',
      '/v1/webhooks/{endpointId}',
      '/v1/webhooks/{endpointId}/rotate-secret',
      '/v1/webhooks/{endpointId}/deliveries',
      '/v1/webhooks/{endpointId}/replay',
      '/v1/webhook-deliveries/{deliveryId}',
      '/v1/webhook-deliveries/{deliveryId}/replay',
      '/v1/members/{memberId}/inbox',
      '/v1/members/{memberId}/inbox/unread-count',
      '/v1/members/{memberId}/inbox/{messageId}/read',
      '/v1/members/{memberId}/inbox/read-all',
      '/v1/members/{memberId}/notification-preferences',
    ]) {
      expect(document.paths, path).toHaveProperty([path]);
    }
    const create = document.paths['/v1/webhooks'].post;
    const body = create.requestBody.content['application/json'].schema;
    const schema = body.$ref
      ? document.components.schemas[body.$ref.replace('#/components/schemas/', '')]
      : body;
    // Every member type and the webhook-only ones (import.committed, import.undone).
    expect(schema.properties.types.items.anyOf).toHaveLength(MESSAGE_TYPES.length);
    expect(schema.properties.types.items.anyOf).toContainEqual(
      expect.objectContaining({ enum: ['import.committed'] }),
    );
    expect(Object.keys(create.responses)).toContain('201');
  });
});

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { verifyWebhookSignature } from '../../../src/notifications/channels/webhook-signature.ts';
import { sealLegacyWebhookSecrets } from '../../../src/notifications/webhooks/legacy-webhook-secrets.ts';
import { sealLegacyPlaintext } from '../../../src/vault/legacy-plaintext.ts';
import { openTestApi, type TestApi } from '../../support/test-api.ts';
import { ENGINES } from '../../support/test-database.ts';
import { addEndpoint, createMember, credit, dispatch, startReceiver } from '../notification-kit.ts';

/**
 * Signing secrets are personal-grade secrets (issue 17): the table holds them sealed by the vault,
 * the API and the signatures are as before, and secrets stored in plain text before the vault are
 * sealed at start.
 */
describe.each(ENGINES)('webhook signing secrets in the vault (%s)', (engine) => {
  let api: TestApi;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    api = await openTestApi(engine, '2026-11-24T02:00:00Z');
    receiver = await startReceiver();
    await createMember(api, 'm-1');
  });
  afterAll(async () => {
    await receiver?.close();
    await api?.close();
  });

  const stored = async (id: string) => {
    const [row] = await api.db.query<{ secret: string; previous_secret: string | null }>(
      'select secret, previous_secret from webhook_endpoints where program_id = $1 and id = $2',
      [api.programId, id],
    );
    return row!;
  };
  /** Whether the last delivery to the receiver verifies with `secret`. */
  const verifies = (secret: string) => {
    const request = receiver.received.at(-1)!;
    return verifyWebhookSignature({
      secret,
      header: String(request.headers['jifen-signature']),
      timestamp: String(request.headers['jifen-timestamp']),
      body: request.body,
    });
  };
  const deliverOne = async (reason: string) => {
    const before = receiver.received.length;
    await credit(api, 'm-1', { points: 10, reason });
    await dispatch(api);
    expect(receiver.received.length).toBe(before + 1);
  };

  test('the row holds the secret sealed; deliveries are signed with the secret the API showed', async () => {
    const created = await api.call('POST', '/v1/webhooks', { url: receiver.url, types: ['points.earned'] });
    expect(created.status).toBe(201);
    const { id, secret } = created.body;
    expect(secret).toMatch(/^whsec_/);
    const row = await stored(id);
    expect(row.secret).toMatch(/^enc:v1:/);
    expect(row.secret).not.toContain(secret);
    expect(row.secret).not.toContain(secret.slice('whsec_'.length));

    // Listings still show the secret's first characters, not the ciphertext's.
    const listed = await api.call('GET', '/v1/webhooks');
    expect(listed.body.data.find((endpoint: { id: string }) => endpoint.id === id).secretPrefix).toBe(
      secret.slice(0, 10),
    );

    await deliverOne('sealed secret');
    expect(verifies(secret)).toBe(true);

    const rotated = await api.call('POST', `/v1/webhooks/${id}/rotate-secret`, { overlapSeconds: 3600 });
    expect(rotated.status).toBe(200);
    const next = rotated.body.secret as string;
    expect(next).toMatch(/^whsec_/);
    const after = await stored(id);
    expect(after.secret).toMatch(/^enc:v1:/);
    expect(after.previous_secret).toMatch(/^enc:v1:/);
    for (const plain of [secret, next]) {
      expect(after.secret).not.toContain(plain);
      expect(after.previous_secret).not.toContain(plain);
    }
    // Sealed again for its own column, not copied.
    expect(after.previous_secret).not.toBe(row.secret);

    await deliverOne('during the overlap');
    expect(String(receiver.received.at(-1)!.headers['jifen-signature']).split(',')).toHaveLength(2);
    expect(verifies(secret)).toBe(true);
    expect(verifies(next)).toBe(true);
    await api.call('DELETE', `/v1/webhooks/${id}`);
  });

  test('the legacy sealer seals plain secrets written before the vault, which still sign', async () => {
    await addEndpoint(api, { id: 'whk_legacy', url: receiver.url, secret: 'whsec_legacy_plain_secret' });
    await api.db.query(
      `update webhook_endpoints set previous_secret = 'whsec_legacy_previous', previous_secret_until = $3
        where program_id = $1 and id = $2`,
      [api.programId, 'whk_legacy', '2026-11-25T02:00:00Z'],
    );
    expect(await sealLegacyWebhookSecrets(api.db)).toBe(2);
    const row = await stored('whk_legacy');
    expect(row.secret).toMatch(/^enc:v1:/);
    expect(row.previous_secret).toMatch(/^enc:v1:/);
    expect(row.secret).not.toContain('legacy_plain');
    expect(row.previous_secret).not.toContain('legacy_previous');

    await deliverOne('after sealing');
    expect(verifies('whsec_legacy_plain_secret')).toBe(true);
    expect(verifies('whsec_legacy_previous')).toBe(true);

    // Nothing is left: a second run seals nothing and changes nothing.
    expect(await sealLegacyWebhookSecrets(api.db)).toBe(0);
    expect(await stored('whk_legacy')).toEqual(row);
    await api.db.query('delete from webhook_endpoints where program_id = $1', [api.programId]);
  });

  test('more than one batch is sealed, and serve runs the sealer (it is registered)', async () => {
    await api.db.query(
      `insert into webhook_endpoints (program_id, id, url, secret, types, status, created_at, updated_at)
       select $1, 'whk_many_' || n, 'https://example.com/hook', 'whsec_many_' || n, '{}', 'disabled', now(), now()
         from generate_series(1, 501) as n`,
      [api.programId],
    );
    const done = await sealLegacyPlaintext(api.db);
    expect(done).toContainEqual({
      name: 'webhook_endpoints.secret, webhook_endpoints.previous_secret',
      sealed: 501,
    });
    const [plain] = await api.db.query<{ count: number }>(
      `select count(*)::int as count from webhook_endpoints where secret not like 'enc:v1:%'`,
    );
    expect(plain!.count).toBe(0);
    expect(await sealLegacyWebhookSecrets(api.db)).toBe(0);
    await api.db.query('delete from webhook_endpoints where program_id = $1', [api.programId]);
  });
});

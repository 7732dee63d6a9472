import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createLogSmsAdapter } from '../../src/notifications/channels/log-sms-adapter.ts';
import { runDispatchPass } from '../../src/notifications/dispatch/dispatcher.ts';
import { type LoopbackServer, startHttpServer } from '../notifications/channels/loopback-http.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES, type Engine } from '../support/test-database.ts';

/**
 * Webhook URLs are written by API users: through the API and a real dispatch pass, a URL must not
 * reach the server's own network unless the deployment allows it, nor cloud metadata ever.
 */
describe.each(ENGINES)('webhook address guard (%s)', (engine: Engine) => {
  let api: TestApi;
  let receiver: LoopbackServer;
  let port = 0;
  let members = 0;

  /** One dispatch pass, with the deployment setting as `jifen serve` would pass it (default: off). */
  const dispatch = (webhookAllowPrivateNetworks?: boolean) =>
    runDispatchPass(api.db, api.clock, {
      email: null,
      sms: createLogSmsAdapter(() => {}),
      webhookTimeoutMs: 10_000,
      ...(webhookAllowPrivateNetworks === undefined ? {} : { webhookAllowPrivateNetworks }),
    });
  async function endpointAt(url: string): Promise<string> {
    const reply = await api.call('POST', '/v1/webhooks', { url, types: ['points.earned'] });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    return reply.body.id;
  }
  async function earnPoints(): Promise<void> {
    const memberId = `ssrf-${++members}`;
    expect((await api.call('PUT', `/v1/members/${memberId}`, {})).status).toBe(201);
    const credit = await api.call('POST', `/v1/members/${memberId}/credits`, { points: 5, reason: 'gift' });
    expect(credit.status).toBe(201);
  }
  async function onlyDelivery(endpointId: string) {
    const list = await api.call('GET', `/v1/webhooks/${endpointId}/deliveries`);
    expect(list.body.data).toHaveLength(1);
    const detail = await api.call('GET', `/v1/webhook-deliveries/${list.body.data[0].id}`);
    return detail.body;
  }
  async function disable(endpointId: string): Promise<void> {
    expect((await api.call('PATCH', `/v1/webhooks/${endpointId}`, { status: 'disabled' })).status).toBe(200);
  }

  beforeAll(async () => {
    api = await openTestApi(engine, '2026-06-01T02:00:00Z');
    receiver = await startHttpServer((_request, response) => response.writeHead(204).end());
    port = Number(new URL(receiver.url).port);
  });
  afterAll(async () => {
    await receiver?.close();
    await api?.close();
  });

  test('the IPv4-mapped metadata URL, and its kin, are refused at creation with the field', async () => {
    for (const url of [
      'http://[::ffff:169.254.169.254]/latest/meta-data',
      'http://169.254.169.254/latest/meta-data',
      'http://0251.0376.0251.0376/',
      'http://100.100.100.200/latest/meta-data',
      'http://[fd00:ec2::254]/latest/meta-data',
    ]) {
      const reply = await api.call('POST', '/v1/webhooks', { url });
      expect(reply.status, url).toBe(400);
      expect(reply.headers['content-type']).toContain('application/problem+json');
      expect(reply.body.code).toBe('validation_failed');
      expect(reply.body.errors).toEqual([
        { field: 'body/url', message: expect.stringMatching(/never allowed/) },
      ]);
    }
    expect((await api.call('GET', '/v1/webhooks')).body.data).toEqual([]);
  });

  test('and on update, which leaves the endpoint as it was', async () => {
    const endpointId = await endpointAt('https://hooks.example.com/jifen');
    const reply = await api.call('PATCH', `/v1/webhooks/${endpointId}`, {
      url: 'http://[::ffff:a9fe:a9fe]/',
    });
    expect(reply.status).toBe(400);
    expect(reply.body.errors[0]).toMatchObject({ field: 'body/url' });
    expect(reply.body.errors[0].message).toContain('::ffff:a9fe:a9fe (169.254.169.254) is link-local');
    expect((await api.call('GET', `/v1/webhooks/${endpointId}`)).body.url).toBe(
      'https://hooks.example.com/jifen',
    );
    await disable(endpointId);
  });

  test('a host name that resolves to 127.0.0.1 is refused when connecting, and delivered once allowed', async () => {
    const endpointId = await endpointAt(`http://localhost:${port}/hooks`);
    await earnPoints();
    expect(await dispatch()).toMatchObject({ attempted: 1 });
    expect(receiver.received).toHaveLength(0);
    const refused = await onlyDelivery(endpointId);
    // Retrying cannot change the answer: dead at once, with the reason in the delivery log.
    expect(refused).toMatchObject({ status: 'dead', attemptCount: 1, lastStatusCode: null });
    expect(refused.lastError).toMatch(
      /^connection refused by the address guard: localhost resolves to (127\.0\.0\.1|::1), which is not a public address \(loopback\).*JIFEN_WEBHOOK_ALLOW_PRIVATE=true/,
    );
    expect(refused.attempts).toEqual([
      expect.objectContaining({ attempt: 1, ok: false, statusCode: null, error: refused.lastError }),
    ]);

    // The operator turns the setting on; the integrator replays.
    expect((await api.call('POST', `/v1/webhook-deliveries/${refused.id}/replay`)).status).toBe(202);
    expect(await dispatch(true)).toMatchObject({ attempted: 1 });
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]?.headers['jifen-message-id']).toBe(refused.messageId);
    expect(await onlyDelivery(endpointId)).toMatchObject({ status: 'delivered', attemptCount: 2 });
    await disable(endpointId);
  });

  test('a literal private address is accepted at creation and refused when sending by default', async () => {
    // The API cannot know the sending servers' setting: the send decides, visibly.
    const endpointId = await endpointAt(`http://127.1:${port}/hooks`);
    await earnPoints();
    await dispatch(false);
    const refused = await onlyDelivery(endpointId);
    expect(refused.status).toBe('dead');
    expect(refused.lastError).toBe(
      'webhook URL host 127.0.0.1 is not a public address (loopback): allowed only when the server runs with JIFEN_WEBHOOK_ALLOW_PRIVATE=true',
    );
    expect(receiver.received).toHaveLength(1);
    await disable(endpointId);
  });
});

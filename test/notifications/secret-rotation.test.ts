import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { verifyWebhookSignature } from '../../src/notifications/channels/webhook-signature.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';
import { createMember, credit, dispatch, startReceiver } from './notification-kit.ts';

/**
 * Rotating a webhook secret keeps the old one signing next to the new for a while, so a receiver
 * can switch at any time within that window without rejecting a delivery.
 */
describe.each(ENGINES)('webhook secret rotation (%s)', (engine) => {
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

  const lastDelivery = () => receiver.received.at(-1)!;
  const verifies = (secret: string) => {
    const request = lastDelivery();
    return verifyWebhookSignature({
      secret,
      header: String(request.headers['jifen-signature']),
      timestamp: String(request.headers['jifen-timestamp']),
      body: request.body,
    });
  };

  test('both secrets sign during the overlap; only the new one after it, or at once with overlap 0', async () => {
    const created = await api.call('POST', '/v1/webhooks', { url: receiver.url, types: ['points.earned'] });
    expect(created.status).toBe(201);
    const { id, secret: first } = created.body;
    const rotated = await api.call('POST', `/v1/webhooks/${id}/rotate-secret`, { overlapSeconds: 3600 });
    expect(rotated.status).toBe(200);
    expect(rotated.body.previousSecretUntil).toBe('2026-11-24T03:00:00.000Z');
    const second = rotated.body.secret;

    await credit(api, 'm-1', { points: 10, reason: 'during the overlap' });
    await dispatch(api);
    expect(String(lastDelivery().headers['jifen-signature']).split(',')).toHaveLength(2);
    expect(verifies(first)).toBe(true);
    expect(verifies(second)).toBe(true);

    api.clock.advance(3_600_000);
    await credit(api, 'm-1', { points: 10, reason: 'after the overlap' });
    await dispatch(api);
    expect(verifies(first)).toBe(false);
    expect(verifies(second)).toBe(true);

    const third = (await api.call('POST', `/v1/webhooks/${id}/rotate-secret`, { overlapSeconds: 0 })).body;
    expect(third.previousSecretUntil).toBeNull();
    await credit(api, 'm-1', { points: 10, reason: 'no overlap' });
    await dispatch(api);
    expect(verifies(second)).toBe(false);
    expect(verifies(third.secret)).toBe(true);
  });
});

import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { verifyWebhookSignature } from '../../src/notifications/channels/webhook-signature.ts';
import { fanOutMessages } from '../../src/notifications/dispatch/fan-out.ts';
import { RETRY_WINDOW_MS, retryDelayMs } from '../../src/notifications/dispatch/retry-schedule.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';
import {
  addEndpoint,
  attemptsOf,
  createMember,
  credit,
  deliveriesOf,
  dispatch,
  outboxOf,
  setEndpointStatus,
  startReceiver,
} from './notification-kit.ts';

/**
 * Webhooks against a real HTTP receiver on loopback (SPEC §3.6): signed, retried with exponential
 * backoff on the clock, at least once with a stable message id, dead-lettered after a day,
 * filtered by type, and once per endpoint however many dispatchers run.
 */
/** The timeout of the test that lets a request hang; the others allow for a loaded machine. */
const TIMEOUT_MS = 1_000;
const RELAXED_TIMEOUT_MS = 10_000;
type Receiver = Awaited<ReturnType<typeof startReceiver>>;

describe.each(ENGINES)('webhook delivery (%s)', (engine) => {
  let api: TestApi;
  const receivers: Receiver[] = [];
  let endpoints = 0;
  let members = 0;
  const receiver = async (answer?: Parameters<typeof startReceiver>[0]) => {
    const started = await startReceiver(answer);
    receivers.push(started);
    return started;
  };
  const endpoint = async (url: string, options: { types?: string[] } = {}) => {
    const id = `whk_${engine}_${++endpoints}`;
    await addEndpoint(api, { id, url: `${url}/hooks/jifen`, secret: `whsec_secret_${id}`, ...options });
    return id;
  };
  const member = async () => {
    const memberId = `wh-${++members}`;
    await createMember(api, memberId);
    return memberId;
  };
  const pass = (webhookTimeoutMs = RELAXED_TIMEOUT_MS) => dispatch(api, { webhookTimeoutMs });

  beforeAll(async () => {
    api = await openTestApi(engine, '2026-05-01T02:00:00Z', { maxConnections: 20 });
  });
  afterEach(async () => {
    // Each test's endpoints and deliveries end here, so the next test sees only its own.
    await pass();
    await api.db.query('delete from webhook_endpoints where program_id = $1', [api.programId]);
    await api.db.query(`update deliveries set status = 'dead' where program_id = $1 and status = 'pending'`, [
      api.programId,
    ]);
  });
  afterAll(async () => {
    for (const started of receivers) await started.close();
    await api?.close();
  });

  test('a receiver that fails, then hangs, then answers gets every message, signed, with one stable id', async () => {
    // Per message: 500, 500, no answer (past the timeout, though the request arrived), then 204.
    const flaky = await receiver((_id, seen) => (seen <= 2 ? 500 : seen === 3 ? 'hang' : 204));
    const endpointId = await endpoint(flaky.url);
    const memberId = await member();
    for (const points of [100, 200, 300]) await credit(api, memberId, { points, reason: `gift ${points}` });
    const messageIds = (await outboxOf(api, memberId)).map((message) => message.id);
    expect(messageIds).toHaveLength(3);

    const created = api.clock.now().getTime();
    expect(await pass(TIMEOUT_MS)).toEqual({ fannedOut: 3, attempted: 3 });
    for (let attempt = 1; attempt <= 3; attempt++) {
      // Not a moment before the backoff is over...
      api.clock.advance(retryDelayMs(attempt) - 1000);
      expect((await pass(TIMEOUT_MS)).attempted).toBe(0);
      // ...and at once when it is.
      api.clock.advance(1000);
      expect((await pass(TIMEOUT_MS)).attempted).toBe(3);
    }
    expect(flaky.processed).toEqual(new Set(messageIds));

    const deliveries = await deliveriesOf(api, { endpointId });
    expect(deliveries.map((d) => [d.status, d.attempts])).toEqual([
      ['delivered', 4],
      ['delivered', 4],
      ['delivered', 4],
    ]);
    for (const delivery of deliveries) {
      expect(new Date(delivery.delivered_at!).getTime()).toBe(
        created + retryDelayMs(1) + retryDelayMs(2) + retryDelayMs(3),
      );
      // The delivery log: every attempt, what the receiver answered or why there was no answer.
      const attempts = await attemptsOf(api, delivery.id);
      expect(attempts.map((a) => [a.attempt, a.ok, a.status_code, a.error])).toEqual([
        [1, false, 500, 'HTTP 500'],
        [2, false, 500, 'HTTP 500'],
        [3, false, null, `timeout after ${TIMEOUT_MS} ms`],
        [4, true, 204, null],
      ]);
      expect(attempts[2]!.duration_ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
    }

    // Twelve requests arrived for three messages: each id four times, always the same id and body.
    expect(flaky.received).toHaveLength(12);
    for (const messageId of messageIds) {
      const requests = flaky.received.filter((r) => r.headers['jifen-message-id'] === messageId);
      expect(requests.map((r) => r.headers['jifen-attempt'])).toEqual(['1', '2', '3', '4']);
      expect(new Set(requests.map((r) => r.body)).size).toBe(1);
    }
    for (const request of flaky.received) {
      expect(request.method).toBe('POST');
      expect(request.path).toBe('/hooks/jifen');
      const body = JSON.parse(request.body);
      expect(body.id).toBe(request.headers['jifen-message-id']);
      expect(body).toMatchObject({ type: 'points.earned', programId: api.programId, memberId });
      expect(request.headers['jifen-event-type']).toBe('points.earned');
      const signed = {
        header: String(request.headers['jifen-signature']),
        timestamp: String(request.headers['jifen-timestamp']),
        body: request.body,
      };
      expect(verifyWebhookSignature({ ...signed, secret: `whsec_secret_${endpointId}` })).toBe(true);
      expect(verifyWebhookSignature({ ...signed, secret: 'whsec_someone_else' })).toBe(false);
      expect(
        verifyWebhookSignature({ ...signed, secret: `whsec_secret_${endpointId}`, body: `${request.body} ` }),
      ).toBe(false);
    }
    // Each message's body carries its own points.
    const points = flaky.received
      .filter((r) => r.headers['jifen-attempt'] === '4')
      .map((r) => JSON.parse(r.body).data.points)
      .sort((a: number, b: number) => a - b);
    expect(points).toEqual([100, 200, 300]);
  });

  test('an endpoint that never answers 2xx is dead after the day of retries, its last attempt at 24 h or later', async () => {
    const down = await receiver(() => 503);
    const endpointId = await endpoint(down.url);
    const memberId = await member();
    await credit(api, memberId, { points: 5, reason: 'gift' });
    const created = api.clock.now().getTime();
    const attemptTimes: number[] = [];
    for (let guard = 0; guard < 100; guard++) {
      attemptTimes.push(api.clock.now().getTime());
      expect((await pass()).attempted).toBe(1);
      const [delivery] = await deliveriesOf(api, { endpointId });
      if (delivery!.status !== 'pending') break;
      api.clock.set(delivery!.next_attempt_at);
    }
    const [delivery] = await deliveriesOf(api, { endpointId });
    expect(delivery!.status).toBe('dead');
    expect(delivery!.delivered_at).toBeNull();
    expect(delivery!.last_status_code).toBe(503);
    expect(new Date(delivery!.retry_until).getTime()).toBe(created + RETRY_WINDOW_MS);
    const last = attemptTimes.at(-1)!;
    expect(last).toBeGreaterThanOrEqual(created + RETRY_WINDOW_MS);
    expect(new Date(delivery!.last_attempt_at!).getTime()).toBe(last);
    // Exponential backoff from 30 s, doubling to at most 2 h between attempts.
    const waits = attemptTimes.slice(1).map((at, index) => at - attemptTimes[index]!);
    expect(waits.slice(0, 4)).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(Math.max(...waits)).toBe(2 * 3_600_000);
    // Every attempt reached the receiver and is in the log; nothing is tried after death.
    expect(down.received).toHaveLength(attemptTimes.length);
    const attempts = await attemptsOf(api, delivery!.id);
    expect(attempts.map((a) => a.attempt)).toEqual(attemptTimes.map((_, index) => index + 1));
    expect(attempts.every((a) => !a.ok && a.status_code === 503)).toBe(true);
    api.clock.advanceDays(3);
    expect((await pass()).attempted).toBe(0);
    expect(down.received).toHaveLength(attemptTimes.length);
  });

  test('a disabled endpoint gets nothing: its pending delivery goes dead without a request', async () => {
    const hooks = await receiver();
    const endpointId = await endpoint(hooks.url);
    const memberId = await member();
    await credit(api, memberId, { points: 8, reason: 'gift' });
    // Fanned out while enabled, then disabled before anything was sent.
    expect(await fanOutMessages(api.db, api.clock, { emailConfigured: false })).toBe(1);
    await setEndpointStatus(api, endpointId, 'disabled');
    expect((await pass()).attempted).toBe(1);
    const [delivery] = await deliveriesOf(api, { endpointId });
    expect(delivery).toMatchObject({ status: 'dead', attempts: 1, last_status_code: null });
    expect(delivery!.last_error).toMatch(/disabled/);
    // A message after the endpoint was disabled is not even queued for it.
    await credit(api, memberId, { points: 9, reason: 'gift' });
    expect((await pass()).fannedOut).toBe(1);
    expect(await deliveriesOf(api, { endpointId })).toHaveLength(1);
    api.clock.advanceDays(2);
    expect((await pass()).attempted).toBe(0);
    expect(hooks.received).toHaveLength(0);
  });

  test('event-type filters: an endpoint gets only the types it asked for', async () => {
    const spentHooks = await receiver();
    const allHooks = await receiver();
    await endpoint(spentHooks.url, { types: ['points.spent', 'tier.changed'] });
    await endpoint(allHooks.url);
    const memberId = await member();
    await credit(api, memberId, { points: 100, reason: 'gift' });
    expect(
      (await api.call('POST', `/v1/members/${memberId}/debits`, { points: 40, reason: 'tea' })).status,
    ).toBe(201);
    await pass();
    const types = (hooks: Receiver) => hooks.received.map((r) => r.headers['jifen-event-type']).sort();
    expect(types(spentHooks)).toEqual(['points.spent']);
    expect(types(allHooks)).toEqual(['points.earned', 'points.spent']);
  });

  test('two dispatchers side by side deliver each message once per endpoint', async () => {
    const first = await receiver();
    const second = await receiver();
    const endpointIds = [await endpoint(first.url), await endpoint(second.url)];
    const memberIds = await Promise.all(Array.from({ length: 6 }, () => member()));
    for (const memberId of memberIds)
      for (let n = 1; n <= 5; n++) await credit(api, memberId, { points: n, reason: `gift ${n}` });
    const messageIds = (await outboxOf(api)).filter((m) => memberIds.includes(m.member_id!)).map((m) => m.id);
    expect(messageIds).toHaveLength(30);

    const options = { webhookTimeoutMs: 5_000, batchSize: 7, fanOutBatchSize: 4, concurrency: 4 };
    const results = await Promise.all([dispatch(api, options), dispatch(api, options)]);
    expect(results.reduce((sum, r) => sum + r.fannedOut, 0)).toBe(30);
    expect(results.reduce((sum, r) => sum + r.attempted, 0)).toBe(60);
    for (const hooks of [first, second]) {
      expect(hooks.received).toHaveLength(30);
      expect([...hooks.hits().values()].every((count) => count === 1)).toBe(true);
      expect(new Set(hooks.ids())).toEqual(new Set(messageIds));
    }
    for (const endpointId of endpointIds) {
      const deliveries = await deliveriesOf(api, { endpointId });
      expect(deliveries).toHaveLength(30);
      expect(deliveries.every((d) => d.status === 'delivered' && d.attempts === 1)).toBe(true);
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JifenMetrics } from '../../src/observability/metrics.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';
import { parsePrometheus, type Sample, sampleValue } from './prometheus-text.ts';

const order = (id: string, memberId: string) => ({
  id,
  type: 'order.paid',
  memberId,
  occurredAt: '2026-02-27T06:30:00Z',
  attributes: { orderId: `o-${id}`, amountMinor: 1_000, currency: 'CNY' },
});

describe.each(ENGINES)('GET /metrics (%s)', (engine) => {
  let api: TestApi;
  let metrics: JifenMetrics;
  beforeAll(async () => {
    api = await openTestApi(engine, undefined, {
      app: (db, clock) => {
        metrics = new JifenMetrics(db, clock);
        return { metrics };
      },
    });
  });
  afterAll(async () => {
    metrics.close();
    await api.close();
  });

  const scrape = async (): Promise<Sample[]> => {
    const reply = await api.app.inject({ method: 'GET', url: '/metrics' });
    expect(reply.statusCode).toBe(200);
    expect(reply.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return parsePrometheus(reply.body);
  };

  it('is public (no API key) and counts requests per route pattern and status', async () => {
    const before = await scrape();
    await api.call('PUT', '/v1/members/ann', {});
    await api.call('GET', '/v1/members/ann');
    await api.call('GET', '/v1/members/bob');
    await api.call('GET', '/v1/members/ann', undefined, { authorization: 'Bearer nope' });
    const after = await scrape();
    const moved = (labels: Record<string, string>) =>
      sampleValue(after, 'jifen_http_requests_total', labels) -
      sampleValue(before, 'jifen_http_requests_total', labels);
    expect(moved({ method: 'GET', route: '/v1/members/:memberId', status: '200' })).toBe(1);
    expect(moved({ method: 'GET', route: '/v1/members/:memberId', status: '404' })).toBe(1);
    expect(moved({ method: 'GET', route: '/v1/members/:memberId', status: '401' })).toBe(1);
    expect(after.some((sample) => sample.labels.route?.includes('ann'))).toBe(false);
    const bucket = after.find(
      (sample) =>
        sample.name === 'jifen_http_request_duration_seconds_count' &&
        sample.labels.route === '/v1/members/:memberId' &&
        sample.labels.status === '200',
    );
    expect(bucket?.value).toBe(1);
  });

  it('counts ledger entries by type and the points issued and spent', async () => {
    const before = await scrape();
    await api.call('PUT', '/v1/members/cat', {});
    expect((await api.call('POST', '/v1/members/cat/credits', { points: 100, reason: 'a' })).status).toBe(
      201,
    );
    expect((await api.call('POST', '/v1/members/cat/credits', { points: 50, reason: 'b' })).status).toBe(201);
    expect((await api.call('POST', '/v1/members/cat/debits', { points: 30, reason: 'c' })).status).toBe(201);
    // Refused: nothing is written, so nothing is counted.
    expect((await api.call('POST', '/v1/members/cat/debits', { points: 999, reason: 'd' })).status).toBe(422);
    const after = await scrape();
    const moved = (name: string, labels: Record<string, string> = {}) =>
      sampleValue(after, name, labels) - sampleValue(before, name, labels);
    expect(moved('jifen_ledger_entries_total', { type: 'earn' })).toBe(2);
    expect(moved('jifen_ledger_entries_total', { type: 'spend' })).toBe(1);
    expect(moved('jifen_points_issued_total')).toBe(150);
    expect(moved('jifen_points_spent_total')).toBe(30);
    expect(moved('jifen_http_requests_total', { route: '/v1/members/:memberId/debits', status: '422' })).toBe(
      1,
    );
  });

  it('counts expired points once the sweep ran', async () => {
    await api.call('PUT', '/v1/members/dan', {});
    const credit = await api.call('POST', '/v1/members/dan/credits', {
      points: 40,
      reason: 'short-lived',
      expiresAt: '2026-03-05T00:00:00Z',
    });
    expect(credit.status).toBe(201);
    const before = await scrape();
    api.clock.set('2026-03-06T00:00:00Z');
    expect(sampleValue(await scrape(), 'jifen_sweep_lag_seconds', { sweep: 'expiry' })).toBeGreaterThan(
      86_000,
    );
    const { runSweep } = await import('../../src/sweeps/sweeper.ts');
    await runSweep(api.db, api.clock, 'expiry');
    const after = await scrape();
    expect(
      sampleValue(after, 'jifen_points_expired_total') - sampleValue(before, 'jifen_points_expired_total'),
    ).toBe(40);
    expect(sampleValue(after, 'jifen_sweep_lag_seconds', { sweep: 'expiry' })).toBe(0);
  });

  it('counts event intake outcomes: accepted, replayed, refused by code', async () => {
    const before = await scrape();
    expect((await api.call('POST', '/v1/events', order('e1', 'eve'))).status).toBe(201);
    expect((await api.call('POST', '/v1/events', order('e1', 'eve'))).status).toBe(201);
    const batch = await api.call('POST', '/v1/events/batch', {
      events: [order('e2', 'eve'), order('e3', 'eve'), { ...order('e1', 'eve'), memberId: 'fay' }],
    });
    expect(batch.status).toBe(200);
    const after = await scrape();
    const moved = (labels: Record<string, string>) =>
      sampleValue(after, 'jifen_events_total', labels) - sampleValue(before, 'jifen_events_total', labels);
    expect(moved({ outcome: 'accepted' })).toBe(3);
    expect(moved({ outcome: 'replayed' })).toBe(1);
    expect(moved({ outcome: 'refused', code: 'event_id_reused' })).toBe(1);
  });

  it('reports the outbox backlog and the database connections', async () => {
    const samples = await scrape();
    expect(sampleValue(samples, 'jifen_outbox_undispatched')).toBeGreaterThan(0);
    const [{ count }] = (await api.db.query<{ count: number }>(
      'select count(*)::int as count from outbox where dispatched_at is null',
    )) as [{ count: number }];
    expect(sampleValue(samples, 'jifen_outbox_undispatched')).toBe(count);
    expect(sampleValue(samples, 'jifen_db_connections', { state: 'total' })).toBeGreaterThanOrEqual(1);
    expect(samples.some((sample) => sample.name === 'jifen_process_cpu_seconds_total')).toBe(true);
  });
});

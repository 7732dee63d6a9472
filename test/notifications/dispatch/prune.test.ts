import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createLogSmsAdapter } from '../../../src/notifications/channels/log-sms-adapter.ts';
import { runDispatchPass } from '../../../src/notifications/dispatch/dispatcher.ts';
import { pruneNotifications } from '../../../src/notifications/dispatch/prune-notifications.ts';
import { openTestApi, type TestApi } from '../../support/test-api.ts';
import { ENGINES } from '../../support/test-database.ts';

describe.each(ENGINES)('pruning old notifications (%s)', (engine) => {
  let api: TestApi;
  const count = async (table: string) =>
    Number((await api.db.query<{ n: string }>(`select count(*) as n from ${table}`))[0]!.n);
  beforeAll(async () => {
    api = await openTestApi(engine, '2026-11-01T02:00:00Z');
    // An endpoint nobody listens on: its delivery fails and stays pending for a day.
    await api.db.query(
      `insert into webhook_endpoints (program_id, id, url, secret, types, status, created_at, updated_at)
       values ($1, 'whk_down', 'http://127.0.0.1:9/down', 'whsec_x', '{points.spent}', 'enabled', now(), now())`,
      [api.programId],
    );
    await api.call('PUT', '/v1/members/m-1', {});
    expect((await api.call('POST', '/v1/members/m-1/credits', { points: 100, reason: 'gift' })).status).toBe(
      201,
    );
    expect((await api.call('POST', '/v1/members/m-1/debits', { points: 10, reason: 'coffee' })).status).toBe(
      201,
    );
    await runDispatchPass(api.db, api.clock, {
      email: null,
      sms: createLogSmsAdapter(() => {}),
      webhookAllowPrivateNetworks: true,
    });
  });
  afterAll(async () => api?.close());

  test('messages older than the retention go with their deliveries; pending ones and the inbox stay', async () => {
    expect(await count('outbox')).toBe(2);
    expect(await pruneNotifications(api.db, new Date('2026-10-01T00:00:00Z'))).toBe(0);
    const deleted = await pruneNotifications(api.db, new Date('2026-12-01T00:00:00Z'));
    // points.earned had no pending delivery; points.spent's webhook delivery is still being retried.
    expect(deleted).toBe(1);
    const left = await api.db.query<{ type: string }>('select type from outbox');
    expect(left.map((row) => row.type)).toEqual(['points.spent']);
    expect(await count('deliveries')).toBe(1);
    expect(await count('delivery_attempts')).toBe(1);
    expect(await count('inbox_messages')).toBe(2);
  });
});

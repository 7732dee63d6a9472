import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createLogSmsAdapter } from '../../../src/notifications/channels/log-sms-adapter.ts';
import { verifyWebhookSignature } from '../../../src/notifications/channels/webhook-signature.ts';
import { runDispatchPass } from '../../../src/notifications/dispatch/dispatcher.ts';
import { openInboxText } from '../../../src/notifications/inbox/inbox-store.ts';
import { openTestApi, type TestApi } from '../../support/test-api.ts';
import { ENGINES } from '../../support/test-database.ts';
import { outboxOf } from '../notification-kit.ts';

describe.each(ENGINES)('outbox to inbox and webhook (%s)', (engine) => {
  let api: TestApi;
  let server: Server;
  const received: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
  const smsLines: string[] = [];
  beforeAll(async () => {
    api = await openTestApi(engine, '2026-11-20T02:00:00Z');
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        received.push({ headers: request.headers, body });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    await api.db.query(
      `insert into webhook_endpoints (program_id, id, url, secret, types, status, created_at, updated_at)
       values ($1, 'whk_test', $2, 'whsec_test', '{points.earned}', 'enabled', now(), now())`,
      [api.programId, url],
    );
    await api.call('PUT', '/v1/members/m-1', {});
    await api.db.query(
      `insert into member_notification_preferences (program_id, member_key, phone, updated_at)
       select $1, member_key, '13800138000', now() from members where program_id = $1 and member_id = 'm-1'`,
      [api.programId],
    );
  });
  afterAll(async () => {
    server?.close();
    await api?.close();
  });

  test('a credit reaches the inbox and a signed webhook; a shipment reaches SMS outside quiet hours', async () => {
    const credit = await api.call('POST', '/v1/members/m-1/credits', {
      points: 1200,
      reason: { 'zh-CN': '开卡礼', en: 'Welcome gift' },
    });
    expect(credit.status).toBe(201);
    const [outbox] = await outboxOf(api);
    // The row keeps {zh, en}, as rows written before webhooks said zh-CN did.
    expect(outbox).toMatchObject({
      type: 'points.earned',
      data: { points: 1200, reason: { zh: '开卡礼', en: 'Welcome gift' } },
    });
    const result = await runDispatchPass(api.db, api.clock, {
      email: null,
      sms: createLogSmsAdapter((l) => smsLines.push(l)),
      webhookAllowPrivateNetworks: true,
    });
    expect(result).toEqual({ fannedOut: 1, attempted: 1 });
    expect(received).toHaveLength(1);
    const [delivery] = received;
    const envelope = JSON.parse(delivery!.body);
    expect(envelope).toMatchObject({
      type: 'points.earned',
      memberId: 'm-1',
      data: { points: 1200, reason: { 'zh-CN': '开卡礼', en: 'Welcome gift' } },
    });
    expect(
      verifyWebhookSignature({
        secret: 'whsec_test',
        header: String(delivery!.headers['jifen-signature']),
        timestamp: Number(delivery!.headers['jifen-timestamp']),
        body: delivery!.body,
        nowSeconds: Math.floor(Date.now() / 1000),
      }),
    ).toBe(true);
    const inbox = await api.db.query<{ subject: string; body: string }>(
      `select i.subject, i.body from inbox_messages i join members m using (program_id, member_key)
        where i.program_id = $1 and m.member_id = $2`,
      [api.programId, 'm-1'],
    );
    expect(inbox).toHaveLength(1);
    // Stored sealed (issue 17), opened as the inbox API opens it.
    expect((await openInboxText(api.db, api.programId, inbox[0]!)).body).toContain('1,200');
    const [state] = await api.db.query<{ status: string }>('select status from deliveries');
    expect(state!.status).toBe('delivered');
  });
});

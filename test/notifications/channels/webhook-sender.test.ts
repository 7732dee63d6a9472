import { afterEach, describe, expect, test } from 'vitest';
import type { WebhookMessage } from '../../../src/notifications/channels/webhook-body.ts';
import { publishedData, webhookBody } from '../../../src/notifications/channels/webhook-body.ts';
import { sendWebhook, validateWebhookUrl } from '../../../src/notifications/channels/webhook-sender.ts';
import { verifyWebhookSignature } from '../../../src/notifications/channels/webhook-signature.ts';
import { type LoopbackServer, refusedPort, startHttpServer } from './loopback-http.ts';

const secret = 'whsec_endpoint';
const timestampSeconds = Math.floor(Date.now() / 1000);
const message: WebhookMessage & { type: 'risk.case.opened' } = {
  id: 'msg_01',
  programId: 'prg_1',
  memberId: 'mbr_1',
  type: 'risk.case.opened',
  data: {
    memberId: 'mbr_1',
    caseId: 'rsk_1',
    rule: 'velocity',
    severity: 'high',
    summary: { zh: '一小时内 12 笔订单', en: '12 orders within an hour' },
    occurredAt: '2026-03-20T02:00:00.000Z',
  },
  createdAt: new Date('2026-03-20T02:00:01Z'),
};
const body = webhookBody(message);
const delivery = (url: string, change: Partial<Parameters<typeof sendWebhook>[0]> = {}) =>
  sendWebhook({
    url,
    secret,
    messageId: message.id,
    type: message.type,
    body,
    timestampSeconds,
    timeoutMs: 5_000,
    attempt: 1,
    // The receivers here listen on 127.0.0.1.
    allowPrivateNetworks: true,
    ...change,
  });

let server: LoopbackServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('sendWebhook', () => {
  test('POSTs the body with Jifen headers and a signature the receiver can verify', async () => {
    server = await startHttpServer((_request, response) => response.writeHead(204).end());
    const outcome = await delivery(`${server.url}/hooks/jifen?shop=1`, { attempt: 3 });
    expect(outcome).toMatchObject({ ok: true, retryable: false, statusCode: 204, error: null });
    expect(server.received).toHaveLength(1);
    const [request] = server.received;
    expect(request).toMatchObject({ method: 'POST', path: '/hooks/jifen?shop=1', body });
    expect(request?.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'Jifen-Webhooks/1',
      'jifen-message-id': 'msg_01',
      'jifen-event-type': 'risk.case.opened',
      'jifen-timestamp': String(timestampSeconds),
      'jifen-attempt': '3',
    });
    const verified = verifyWebhookSignature({
      secret,
      header: String(request?.headers['jifen-signature']),
      timestamp: String(request?.headers['jifen-timestamp']),
      body: request?.body ?? '',
    });
    expect(verified).toBe(true);
  });

  test('the body is the documented envelope, dates as ISO strings, localized text as {zh-CN, en}', () => {
    expect(JSON.parse(body)).toEqual({
      id: 'msg_01',
      type: 'risk.case.opened',
      programId: 'prg_1',
      memberId: 'mbr_1',
      createdAt: '2026-03-20T02:00:01.000Z',
      data: { ...message.data, summary: { 'zh-CN': '一小时内 12 笔订单', en: '12 orders within an hour' } },
    });
  });

  test('stored {zh, en} text is published as {zh-CN, en} at any depth; nothing else changes', () => {
    const stored = {
      reason: { zh: '兑换 马克杯 ×1', en: 'Redeemed Mug ×1' },
      tiers: [{ name: { zh: '金卡', en: 'Gold' } }, null, 3],
      source: { kind: 'order', ref: 'o-1' },
      // Not localized text: a third field, or values that are not both strings.
      attributes: { zh: 'x', en: 'y', city: 'Shanghai' },
      counts: { zh: 1, en: 2 },
      already: { 'zh-CN': '已是', en: 'Already' },
    };
    expect(publishedData(stored)).toEqual({
      reason: { 'zh-CN': '兑换 马克杯 ×1', en: 'Redeemed Mug ×1' },
      tiers: [{ name: { 'zh-CN': '金卡', en: 'Gold' } }, null, 3],
      source: { kind: 'order', ref: 'o-1' },
      attributes: { zh: 'x', en: 'y', city: 'Shanghai' },
      counts: { zh: 1, en: 2 },
      already: { 'zh-CN': '已是', en: 'Already' },
    });
    expect(stored.reason).toEqual({ zh: '兑换 马克杯 ×1', en: 'Redeemed Mug ×1' });
  });

  test('with two live secrets, receivers holding either one can verify', async () => {
    server = await startHttpServer((_request, response) => response.writeHead(200).end());
    await delivery(server.url, { secret: ['whsec_old', 'whsec_new'] });
    const request = server.received[0];
    for (const held of ['whsec_old', 'whsec_new']) {
      const header = String(request?.headers['jifen-signature']);
      const verified = verifyWebhookSignature({ secret: held, header, timestamp: timestampSeconds, body });
      expect(verified).toBe(true);
    }
  });

  test('a 500 is a retryable failure that keeps the start of the answer', async () => {
    server = await startHttpServer((_request, response) => response.writeHead(500).end('database is down'));
    const outcome = await delivery(server.url);
    expect(outcome).toMatchObject({
      ok: false,
      retryable: true,
      statusCode: 500,
      error: 'HTTP 500',
      responseExcerpt: 'database is down',
    });
  });

  test('a redirect is a retryable failure and is not followed', async () => {
    server = await startHttpServer((request, response) => {
      if (request.path === '/moved') response.writeHead(302, { location: '/elsewhere' }).end();
      else response.writeHead(200).end();
    });
    const outcome = await delivery(`${server.url}/moved`);
    expect(outcome).toMatchObject({ ok: false, retryable: true, statusCode: 302 });
    expect(outcome.error).toMatch(/^HTTP 302/);
    expect(server.received.map((request) => request.path)).toEqual(['/moved']);
  });

  test('an endpoint that never answers fails with a timeout soon after timeoutMs', async () => {
    server = await startHttpServer(() => {});
    const outcome = await delivery(server.url, { timeoutMs: 300 });
    expect(outcome).toMatchObject({
      ok: false,
      retryable: true,
      statusCode: null,
      error: 'timeout after 300 ms',
    });
    expect(outcome.durationMs).toBeGreaterThanOrEqual(250);
    expect(outcome.durationMs).toBeLessThan(1_500);
  });

  test('a refused connection is a retryable failure named by its cause', async () => {
    const outcome = await delivery(`http://127.0.0.1:${await refusedPort()}/`);
    expect(outcome).toMatchObject({ ok: false, retryable: true, statusCode: null, error: 'ECONNREFUSED' });
  });

  test('an endless body is cut to a 500-character excerpt without waiting for it', async () => {
    server = await startHttpServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      const chunk = '积'.repeat(1_000);
      const timer = setInterval(() => response.write(chunk), 5);
      response.on('close', () => clearInterval(timer));
    });
    const outcome = await delivery(server.url, { timeoutMs: 5_000 });
    expect(outcome).toMatchObject({ ok: true, statusCode: 200 });
    expect(outcome.responseExcerpt).toBe('积'.repeat(500));
    expect(outcome.durationMs).toBeLessThan(2_000);
  });

  test('a 2xx whose body stalls still counts, and the deadline bounds the wait for the excerpt', async () => {
    server = await startHttpServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.write('accepted');
    });
    const outcome = await delivery(server.url, { timeoutMs: 300 });
    expect(outcome).toMatchObject({ ok: true, statusCode: 200, responseExcerpt: 'accepted' });
    expect(outcome.durationMs).toBeLessThan(1_500);
  });

  test('an unusable URL is refused before sending and is not retryable', async () => {
    const outcome = await delivery('ftp://example.com/hooks');
    expect(outcome).toMatchObject({ ok: false, retryable: false, statusCode: null, durationMs: 0 });
    expect(outcome.error).toMatch(/http or https/);
  });
});

describe('validateWebhookUrl', () => {
  test.each([
    ['https://hooks.example.com/jifen', null],
    ['http://127.0.0.1:8080/hooks?x=1', null],
    ['https://例子.测试/hooks', null],
    ['not a url', 'not a valid absolute URL'],
    ['/relative/path', 'not a valid absolute URL'],
    ['ftp://example.com/hooks', 'must use http or https, not ftp'],
    ['javascript:alert(1)', 'must use http or https, not javascript'],
    ['https://user:secret@example.com/hooks', 'must not contain credentials'],
    ['https://user@example.com/hooks', 'must not contain credentials'],
    [`https://example.com/${'a'.repeat(2_029)}`, 'longer than 2048 characters'],
    ['http://10.1.2.3/erp', null],
    ['http://169.254.169.254/latest/meta-data', 'link-local'],
    ['http://[fe80::1]/hooks', 'link-local'],
  ])('%s', (url, problem) => {
    const error = validateWebhookUrl(url, true);
    if (problem === null) expect(error).toBeNull();
    else expect(error).toContain(problem);
  });

  test('2048 characters is still allowed', () => {
    const url = `https://example.com/${'a'.repeat(2_028)}`;
    expect(url).toHaveLength(2_048);
    expect(validateWebhookUrl(url, false)).toBeNull();
  });
});

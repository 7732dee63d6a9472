import { afterEach, describe, expect, test } from 'vitest';
import { createHttpSmsAdapter } from '../../../src/notifications/channels/http-sms-adapter.ts';
import { createLogSmsAdapter, maskPhoneNumber } from '../../../src/notifications/channels/log-sms-adapter.ts';
import { validatePhoneNumber } from '../../../src/notifications/channels/sms-adapter.ts';
import { type LoopbackServer, refusedPort, startHttpServer } from './loopback-http.ts';

const sms = { to: '+8613800138000', text: '【积分商城】1,200 积分将于 2026-12-31 过期', messageId: 'msg_01' };

let provider: LoopbackServer | undefined;
afterEach(async () => {
  await provider?.close();
  provider = undefined;
});

/** A provider that answers every request with `status` and `reply`. */
async function startProvider(status: number, reply = '{"id":"provider-id"}') {
  provider = await startHttpServer((_request, response) =>
    response.writeHead(status, { 'content-type': 'application/json' }).end(reply),
  );
  return provider;
}

describe('HTTP SMS adapter', () => {
  test('POSTs the text with the bearer token and the message id as idempotency key', async () => {
    const server = await startProvider(200);
    const adapter = createHttpSmsAdapter({
      url: `${server.url}/sms`,
      token: 'tok_123',
      senderName: '积分商城',
    });
    const outcome = await adapter.send(sms);
    expect(outcome).toMatchObject({
      ok: true,
      retryable: false,
      statusCode: 200,
      error: null,
      responseExcerpt: '{"id":"provider-id"}',
    });
    expect(server.received).toHaveLength(1);
    const [request] = server.received;
    expect(request).toMatchObject({ method: 'POST', path: '/sms' });
    expect(request?.headers).toMatchObject({
      authorization: 'Bearer tok_123',
      'idempotency-key': 'msg_01',
      'content-type': 'application/json',
    });
    expect(JSON.parse(request?.body ?? '')).toEqual({ ...sms, senderName: '积分商城' });
  });

  test('a bare mainland number is sent in E.164, and a missing sender name as null', async () => {
    const server = await startProvider(202);
    const outcome = await createHttpSmsAdapter({ url: server.url, token: 't' }).send({
      ...sms,
      to: '13800138000',
    });
    expect(outcome.ok).toBe(true);
    expect(JSON.parse(server.received[0]?.body ?? '')).toMatchObject({
      to: '+8613800138000',
      senderName: null,
    });
  });

  test.each([
    [400, false],
    [422, false],
    [401, true],
    [403, true],
    [404, true],
    [408, true],
    [429, true],
    [500, true],
    [503, true],
  ])('a %i from the provider is retryable: %s', async (status, retryable) => {
    const server = await startProvider(status, '{"error":"refused"}');
    const outcome = await createHttpSmsAdapter({ url: server.url, token: 't' }).send(sms);
    expect(outcome).toMatchObject({
      ok: false,
      retryable,
      statusCode: status,
      error: `HTTP ${status}`,
      responseExcerpt: '{"error":"refused"}',
    });
  });

  test('an unreachable provider is retryable', async () => {
    const adapter = createHttpSmsAdapter({ url: `http://127.0.0.1:${await refusedPort()}/sms`, token: 't' });
    expect(await adapter.send(sms)).toMatchObject({ ok: false, retryable: true, error: 'ECONNREFUSED' });
  });

  test('a provider that never answers times out and is retryable', async () => {
    provider = await startHttpServer(() => {});
    const outcome = await createHttpSmsAdapter({ url: provider.url, token: 't', timeoutMs: 300 }).send(sms);
    expect(outcome).toMatchObject({ ok: false, retryable: true, error: 'timeout after 300 ms' });
    expect(outcome.durationMs).toBeLessThan(1_500);
  });

  test('a malformed number is refused without calling the provider and is not retryable', async () => {
    const server = await startProvider(200);
    const outcome = await createHttpSmsAdapter({ url: server.url, token: 't' }).send({
      ...sms,
      to: '138-0013-8000',
    });
    expect(outcome).toMatchObject({ ok: false, retryable: false, statusCode: null });
    expect(server.received).toHaveLength(0);
  });
});

describe('log SMS adapter', () => {
  test('writes one line with the number masked', async () => {
    const lines: string[] = [];
    const adapter = createLogSmsAdapter((line) => lines.push(line));
    expect(adapter.name).toBe('log');
    const outcome = await adapter.send({ ...sms, text: '第一行\n第二行' });
    expect(outcome).toMatchObject({ ok: true, retryable: false, error: null });
    await adapter.send({ ...sms, to: '13800138000', messageId: 'msg_02', text: 'hi' });
    expect(lines).toEqual([
      'sms to +86138****8000 [msg_01]: 第一行\\n第二行',
      'sms to +86138****8000 [msg_02]: hi',
    ]);
  });

  test('a malformed number is refused and nothing is logged', async () => {
    const lines: string[] = [];
    const outcome = await createLogSmsAdapter((line) => lines.push(line)).send({ ...sms, to: '12345' });
    expect(outcome).toMatchObject({ ok: false, retryable: false });
    expect(lines).toEqual([]);
  });

  test.each([
    ['+8613800138000', '+86138****8000'],
    ['+14155550123', '+141****0123'],
    ['+85291234567', '+852****4567'],
  ])('masks %s as %s', (number, masked) => {
    expect(maskPhoneNumber(number)).toBe(masked);
  });
});

describe('validatePhoneNumber', () => {
  test.each([
    ['+8613800138000', true],
    ['13800138000', true],
    ['19912345678', true],
    ['+14155550123', true],
    ['+85291234567', true],
    ['12800138000', false],
    ['1380013800', false],
    ['138001380000', false],
    ['8613800138000', false],
    ['+0613800138000', false],
    ['+86 138 0013 8000', false],
    ['+1234567', false],
    ['+1234567890123456', false],
    ['', false],
  ])('%s is valid: %s', (number, valid) => {
    expect(validatePhoneNumber(number) === null).toBe(valid);
  });
});

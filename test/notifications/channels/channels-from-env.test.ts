import { afterEach, describe, expect, test } from 'vitest';
import {
  smsAdapterFromEnv,
  smtpSenderFromEnv,
} from '../../../src/notifications/channels/channels-from-env.ts';
import { type LoopbackServer, startHttpServer } from './loopback-http.ts';

const ignore = () => {};
let provider: LoopbackServer | undefined;
afterEach(async () => {
  await provider?.close();
  provider = undefined;
});

describe('smsAdapterFromEnv', () => {
  test('logs texts when no provider is configured', async () => {
    const lines: string[] = [];
    const adapter = smsAdapterFromEnv({}, (line) => lines.push(line));
    expect(adapter.name).toBe('log');
    await adapter.send({ to: '13800138000', text: 'hi', messageId: 'msg_1' });
    expect(lines).toHaveLength(1);
  });

  test('sends through the HTTP provider with the token and sender from the environment', async () => {
    provider = await startHttpServer((_request, response) => response.writeHead(200).end('{}'));
    const adapter = smsAdapterFromEnv(
      { JIFEN_SMS_URL: provider.url, JIFEN_SMS_TOKEN: 'tok_env', JIFEN_SMS_SENDER: '积分商城' },
      ignore,
    );
    expect(adapter.name).toBe('http');
    expect((await adapter.send({ to: '13800138000', text: 'hi', messageId: 'msg_1' })).ok).toBe(true);
    expect(provider.received[0]?.headers.authorization).toBe('Bearer tok_env');
    expect(JSON.parse(provider.received[0]?.body ?? '')).toMatchObject({ senderName: '积分商城' });
  });

  test('a provider URL without a token, or not http(s), stops startup', () => {
    expect(() => smsAdapterFromEnv({ JIFEN_SMS_URL: 'http://127.0.0.1:1/sms' }, ignore)).toThrow(
      /JIFEN_SMS_TOKEN/,
    );
    expect(() => smsAdapterFromEnv({ JIFEN_SMS_URL: 'smtp://x', JIFEN_SMS_TOKEN: 't' }, ignore)).toThrow(
      /JIFEN_SMS_URL/,
    );
  });
});

describe('smtpSenderFromEnv', () => {
  test('email is off unless JIFEN_SMTP_URL is set', () => {
    expect(smtpSenderFromEnv({})).toBeNull();
    expect(smtpSenderFromEnv({ JIFEN_SMTP_URL: '' })).toBeNull();
  });

  test('builds a sender from JIFEN_SMTP_URL', () => {
    const sender = smtpSenderFromEnv({ JIFEN_SMTP_URL: 'smtp://127.0.0.1:2525', JIFEN_EMAIL_FROM: 'a@b.cn' });
    expect(sender).not.toBeNull();
    sender?.close();
  });
});

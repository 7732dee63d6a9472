import type { LookupAddress } from 'node:dns';
import { fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  AddressRefusedError,
  createGuardedDispatcher,
} from '../../src/notifications/channels/guarded-dispatcher.ts';
import { createHttpSmsAdapter } from '../../src/notifications/channels/http-sms-adapter.ts';
import { type LoopbackServer, startHttpServer } from '../notifications/channels/loopback-http.ts';

/**
 * The connection-time half of the guard: a host name is judged by what it resolves to, right
 * before connecting. The resolver is replaced by a table (as a hostile DNS server would answer);
 * the connections themselves are real, to a receiver on 127.0.0.1.
 */

let receiver: LoopbackServer;
let port = 0;
beforeAll(async () => {
  receiver = await startHttpServer((_request, response) => response.writeHead(204).end());
  port = Number(new URL(receiver.url).port);
});
afterAll(() => receiver.close());

const dns: Record<string, string[]> = {
  'rebound.example': ['127.0.0.1'],
  'metadata.example': ['169.254.169.254'],
  'mapped-metadata.example': ['::ffff:169.254.169.254'],
  'mixed.example': ['127.0.0.1', '169.254.169.254'],
};
const resolve = (
  hostname: string,
  _options: unknown,
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => {
  const addresses = dns[hostname];
  if (!addresses) return callback(Object.assign(new Error('not found'), { code: 'ENOTFOUND' }), []);
  callback(
    null,
    addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
  );
};

async function post(host: string, allowPrivateNetworks: boolean): Promise<number | Error> {
  const dispatcher = createGuardedDispatcher({ allowPrivateNetworks, resolve });
  try {
    const response = await fetch(`http://${host}:${port}/hooks`, { method: 'POST', body: '{}', dispatcher });
    await response.body?.cancel();
    return response.status;
  } catch (error) {
    return (error as Error).cause as Error;
  } finally {
    await dispatcher.close();
  }
}

describe('the guarded dispatcher', () => {
  test('a name that resolves to loopback is refused at connect time by default', async () => {
    const before = receiver.received.length;
    const outcome = await post('rebound.example', false);
    expect(outcome).toBeInstanceOf(AddressRefusedError);
    expect((outcome as Error).message).toBe(
      'rebound.example resolves to 127.0.0.1, which is not a public address (loopback): allowed only when the server runs with JIFEN_WEBHOOK_ALLOW_PRIVATE=true',
    );
    expect(receiver.received.length).toBe(before);
  });

  test('and connected when private networks are allowed', async () => {
    const before = receiver.received.length;
    expect(await post('rebound.example', true)).toBe(204);
    expect(receiver.received.length).toBe(before + 1);
  });

  test.each(['metadata.example', 'mapped-metadata.example', 'mixed.example'])(
    '%s (metadata among its addresses) is refused even when private networks are allowed',
    async (host) => {
      const outcome = await post(host, true);
      expect(outcome).toBeInstanceOf(AddressRefusedError);
      expect((outcome as Error).message).toMatch(/169\.254\.169\.254.*never allowed/);
    },
  );

  test('an IP literal, which never reaches a lookup, is checked as it is', async () => {
    expect(await post('127.0.0.1', false)).toBeInstanceOf(AddressRefusedError);
    expect(await post('[::ffff:7f00:1]', false)).toBeInstanceOf(AddressRefusedError);
    expect(await post('127.0.0.1', true)).toBe(204);
  });

  test('a resolution failure stays what it was', async () => {
    const outcome = await post('nowhere.example', true);
    expect(outcome).not.toBeInstanceOf(AddressRefusedError);
    expect((outcome as NodeJS.ErrnoException).code).toBe('ENOTFOUND');
  });
});

describe('the HTTP SMS provider', () => {
  test('may be on a private network, but never on a metadata address', async () => {
    const sms = { to: '+8613800138000', text: '积分到账', messageId: 'msg_sms_1' };
    const before = receiver.received.length;
    const nearby = createHttpSmsAdapter({ url: `${receiver.url}/sms`, token: 't' });
    expect(await nearby.send(sms)).toMatchObject({ ok: true });
    expect(receiver.received.length).toBe(before + 1);

    const metadata = createHttpSmsAdapter({ url: 'http://[::ffff:169.254.169.254]/sms', token: 't' });
    const outcome = await metadata.send(sms);
    expect(outcome).toMatchObject({ ok: false, retryable: false, statusCode: null });
    expect(outcome.error).toMatch(/address guard: .*169\.254\.169\.254.* never allowed/);
  });
});

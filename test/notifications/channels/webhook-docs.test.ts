import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, expect, test } from 'vitest';
import { sendWebhook } from '../../../src/notifications/channels/webhook-sender.ts';
import { startHttpServer } from './loopback-http.ts';

/** docs/webhooks.md is what integrators build receivers from: its example and header table must be true. */
const docs = readFileSync(new URL('../../../docs/webhooks.md', import.meta.url), 'utf8');
const scratch = mkdtempSync(join(tmpdir(), 'jifen-webhook-docs-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

type Verify = (secret: string, headers: Record<string, unknown>, rawBody: string) => boolean;

async function loadDocumentedVerifier(): Promise<Verify> {
  const block = /<!-- verify-example:[^>]*-->\s*```js\n([\s\S]*?)```/.exec(docs)?.[1];
  expect(block, 'the verify-example block in docs/webhooks.md').toBeDefined();
  const file = join(scratch, 'verify.mjs');
  writeFileSync(file, block ?? '');
  const module = (await import(pathToFileURL(file).href)) as { verifyJifenWebhook: Verify };
  return module.verifyJifenWebhook;
}

test('the documented Node example verifies a real delivery, and refuses a tampered one', async () => {
  const verify = await loadDocumentedVerifier();
  const server = await startHttpServer((_request, response) => response.writeHead(200).end());
  try {
    const body = JSON.stringify({ id: 'msg_1', type: 'points.earned', data: { note: '积分 ✓' } });
    const outcome = await sendWebhook({
      url: server.url,
      secret: ['whsec_old', 'whsec_new'],
      messageId: 'msg_1',
      type: 'points.earned',
      body,
      timestampSeconds: Math.floor(Date.now() / 1000),
      timeoutMs: 5_000,
      attempt: 1,
      allowPrivateNetworks: true,
    });
    expect(outcome.ok).toBe(true);
    const request = server.received[0]!;
    expect(verify('whsec_new', request.headers, request.body)).toBe(true);
    expect(verify('whsec_old', request.headers, request.body)).toBe(true);
    expect(verify('whsec_other', request.headers, request.body)).toBe(false);
    expect(verify('whsec_new', request.headers, request.body.replace('✓', '✗'))).toBe(false);
    const stale = { ...request.headers, 'jifen-timestamp': String(Math.floor(Date.now() / 1000) - 600) };
    expect(verify('whsec_new', stale, request.body)).toBe(false);
  } finally {
    await server.close();
  }
});

test('the header table lists exactly the Jifen- headers a delivery carries', async () => {
  const server = await startHttpServer((_request, response) => response.writeHead(200).end());
  try {
    await sendWebhook({
      url: server.url,
      secret: 'whsec_x',
      messageId: 'msg_1',
      type: 'points.earned',
      body: '{}',
      timestampSeconds: 1,
      timeoutMs: 5_000,
      attempt: 1,
      allowPrivateNetworks: true,
    });
    const sent = Object.keys(server.received[0]?.headers ?? {}).filter((name) => name.startsWith('jifen-'));
    const documented = [...docs.matchAll(/^\| `(Jifen-[A-Za-z-]+)`/gm)].map((match) =>
      match[1]?.toLowerCase(),
    );
    expect(documented.sort()).toEqual(sent.sort());
  } finally {
    await server.close();
  }
});

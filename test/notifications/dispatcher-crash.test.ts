import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import { migrate } from '../../src/db/migrate.ts';
import { openDatabase } from '../../src/db/open-database.ts';
import { verifyWebhookSignature } from '../../src/notifications/channels/webhook-signature.ts';
import { bootstrap } from '../../src/programs/bootstrap.ts';
import {
  freshProcessStore,
  killAllChildren,
  type ServerProcess,
  startServer,
} from '../support/jifen-process.ts';
import { ENGINES, type Engine } from '../support/test-database.ts';
import { type LoopbackServer, startHttpServer } from './channels/loopback-http.ts';

/**
 * kill -9 of a real `jifen serve` while its webhook requests are in flight (SPEC §3.6, §5): the
 * restarted server sends them again once their lease is over. Afterwards every message reached
 * the receiver at least once, every delivery is `delivered`, and none is `delivered` unless the
 * receiver answered it.
 */
const KEY = 'jf_dispatch_crash_owner_key_0123456789abcdef';
const SECRET = 'whsec_dispatch_crash';
const MESSAGES = 12;
/** The receiver answers this many requests before the crash and holds the others open. */
const ANSWERED_BEFORE_CRASH = 3;
const SERVER_ENV = {
  JIFEN_BOOTSTRAP_KEY: KEY,
  JIFEN_DELIVERY_LEASE_MS: '1500',
  // Longer than the test: only the crash ends the held requests.
  JIFEN_WEBHOOK_TIMEOUT_MS: '120000',
  // The receiver is on 127.0.0.1: allowed explicitly, as an operator would for a receiver nearby.
  JIFEN_WEBHOOK_ALLOW_PRIVATE: 'true',
};

async function waitFor(what: string, done: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe.each(ENGINES)('kill -9 while webhooks are in flight (%s)', (engine: Engine) => {
  let store: Awaited<ReturnType<typeof freshProcessStore>>;
  let receiver: LoopbackServer;
  let server: ServerProcess | undefined;
  /** false until the crash: requests past the first few are held open, never answered. */
  let answering = false;
  const answered = new Map<string, number>();
  const held: ServerResponse[] = [];
  /** When each request arrived (Date.now()), in the order of receiver.received. */
  const arrivals: number[] = [];

  /** The store opened directly, as the server would (for PGlite only while no server runs). */
  const withStore = async <T>(work: (db: Database) => Promise<T>): Promise<T> => {
    const db = await openDatabase(
      store.dataDir ? { dataDir: store.dataDir } : { databaseUrl: store.args[1]!, maxConnections: 2 },
    );
    try {
      return await work(db);
    } finally {
      await db.close();
    }
  };
  const start = () =>
    startServer(store.args, { env: SERVER_ENV, extraArgs: ['--dispatch-interval-ms', '50'] });
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${server!.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(body ?? {}),
      signal: AbortSignal.timeout(15_000),
    });
    return { status: response.status, body: await response.json() };
  };

  beforeAll(async () => {
    store = await freshProcessStore(engine);
    receiver = await startHttpServer((request, response) => {
      arrivals.push(Date.now());
      const messageId = String(request.headers['jifen-message-id']);
      if (!answering && receiver.received.length > ANSWERED_BEFORE_CRASH) {
        held.push(response);
        return;
      }
      answered.set(messageId, (answered.get(messageId) ?? 0) + 1);
      response.writeHead(204).end();
    });
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
    killAllChildren();
    await receiver?.close();
    await store?.remove();
  });

  test('every message arrives at least once and only what was answered is delivered', async () => {
    // The database as `jifen serve` would create it, with the endpoint written before any server runs.
    const programId = await withStore(async (db) => {
      await migrate(db);
      const created = await bootstrap(db, new Date(), KEY);
      await db.query(
        `insert into webhook_endpoints (program_id, id, url, secret, types, status, created_at, updated_at)
         values ($1, 'whk_crash', $2, $3, '{}', 'enabled', now(), now())`,
        [created!.programId, `${receiver.url}/hooks`, SECRET],
      );
      return created!.programId;
    });

    server = await start();
    const memberIds = Array.from({ length: MESSAGES }, (_, i) => `crash-${i}`);
    for (const memberId of memberIds) expect((await call('PUT', `/v1/members/${memberId}`)).status).toBe(201);
    // One transaction, so one fan-out and one claim put every delivery in flight at once.
    const batch = await call('POST', '/v1/credits/batch', {
      items: memberIds.map((memberId, i) => ({
        idempotencyKey: `k-${i}`,
        memberId,
        points: 10 + i,
        reason: 'gift',
      })),
    });
    expect(batch.status).toBe(200);
    await waitFor('every message in flight', () => receiver.received.length >= MESSAGES);
    expect(answered.size).toBe(ANSWERED_BEFORE_CRASH);
    expect(held).toHaveLength(MESSAGES - ANSWERED_BEFORE_CRASH);

    await server.stop('SIGKILL');
    answering = true;
    server = await start();
    await waitFor('every message answered', () => answered.size === MESSAGES);
    // Sent again, but only once the crashed server's lease (1.5 s from its claim) ran out.
    expect(receiver.received.length).toBeGreaterThanOrEqual(2 * MESSAGES);
    expect(arrivals[MESSAGES]! - arrivals[0]!).toBeGreaterThanOrEqual(1400);
    await server.stop('SIGTERM');
    server = undefined;

    const { deliveries, messages, attempts } = await withStore(async (db) => ({
      deliveries: await db.query<{ message_id: string; status: string; attempts: number }>(
        `select message_id, status, attempts from deliveries where program_id = $1 and channel = 'webhook'`,
        [programId],
      ),
      messages: await db.query<{ id: string }>(`select id from outbox where program_id = $1`, [programId]),
      attempts: await db.query<{ attempt: number; ok: boolean; error: string | null }>(
        `select a.attempt, a.ok, a.error from delivery_attempts a
           join deliveries d on d.program_id = a.program_id and d.id = a.delivery_id
          where a.program_id = $1 and d.channel = 'webhook' order by a.attempt`,
        [programId],
      ),
    }));
    const messageIds = new Set(messages.map((m) => m.id));
    expect(messageIds.size).toBe(MESSAGES);
    // Every message reached the receiver, some twice: the ones answered before the crash were never
    // recorded as delivered (the server died first), so they went again, with the same id.
    const receivedIds = receiver.received.map((r) => String(r.headers['jifen-message-id']));
    expect(new Set(receivedIds)).toEqual(messageIds);
    expect([...answered.values()].filter((count) => count >= 2)).toHaveLength(ANSWERED_BEFORE_CRASH);
    // Every delivery is delivered, and only for messages the receiver answered with a 2xx.
    expect(deliveries).toHaveLength(MESSAGES);
    for (const delivery of deliveries) {
      expect(delivery.status).toBe('delivered');
      expect(answered.has(delivery.message_id)).toBe(true);
      expect(delivery.attempts).toBe(2);
    }
    // The delivery log shows both attempts of each: the one the crash cut short, and the one after.
    expect(
      attempts.filter((a) => a.attempt === 1 && !a.ok && /server stopped/.test(a.error ?? '')),
    ).toHaveLength(MESSAGES);
    expect(attempts.filter((a) => a.attempt === 2 && a.ok)).toHaveLength(MESSAGES);
    for (const request of receiver.received) {
      expect(
        verifyWebhookSignature({
          secret: SECRET,
          header: String(request.headers['jifen-signature']),
          timestamp: String(request.headers['jifen-timestamp']),
          body: request.body,
        }),
      ).toBe(true);
    }
  }, 120_000);
});

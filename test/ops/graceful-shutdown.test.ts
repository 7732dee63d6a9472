import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, describe, expect, test } from 'vitest';
import {
  availablePoints,
  createMembers,
  creditRequest,
  pointsByMember,
  startCreditLoad,
  waitUntil,
} from '../support/credit-load.ts';
import { freshProcessStore, killAllChildren, runJifen, startServer } from '../support/jifen-process.ts';
import { ENGINES, type Engine } from '../support/test-database.ts';

/**
 * `jifen serve` gets SIGTERM while clients credit as fast as they can: it must exit 0 within its
 * deadline, every credit it answered 2xx must be committed, and every other one must have happened
 * once or not at all (resending it with the same Idempotency-Key after a restart makes exactly one).
 */

/** Real processes start slowly on a busy machine (PGlite compiles WebAssembly on every start). */
const START_MS = 120_000;
const jifen = (args: readonly string[]) => runJifen(args, { timeoutMs: 120_000 });

const KEY = 'jf_shutdown_test_owner_key_0123456789ab';
const CLIENTS = 6;
const DEADLINE_MS = 10_000;

describe.each(ENGINES)('graceful shutdown (%s)', (engine: Engine) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    killAllChildren();
    for (const cleanup of cleanups) await cleanup();
  });

  test('SIGTERM under write load: exit 0, answered writes committed, the rest once or never', async () => {
    const store = await freshProcessStore(engine);
    cleanups.push(store.remove);
    const env = { JIFEN_BOOTSTRAP_KEY: KEY, JIFEN_SHUTDOWN_TIMEOUT_MS: String(DEADLINE_MS) };
    const server = await startServer(store.args, { env, startTimeoutMs: START_MS });
    const members = Array.from({ length: CLIENTS }, (_, client) => `shutdown-${engine}-c${client}`);
    await createMembers(server.url, KEY, members);

    const load = startCreditLoad(server.url, KEY, members);
    await waitUntil(() => load.answered() >= 150, 40_000, '150 answered credits');
    const answeredBeforeSignal = load.answered();
    const signalledAt = Date.now();
    server.child.kill('SIGTERM');
    const exit = await server.exited;
    const stoppedInMs = Date.now() - signalledAt;
    await load.done; // each client ends at its first request that gets no answer

    expect(exit).toEqual({ code: 0, signal: null });
    expect(stoppedInMs).toBeLessThan(DEADLINE_MS);
    expect(server.output()).toMatch(/SIGTERM: shutting down/);
    expect(server.output()).toMatch(/stopped cleanly/);
    const outcomes = load.records.map((record) => record.outcome?.kind);
    expect(outcomes.every((kind) => kind !== undefined)).toBe(true);
    expect(load.answered()).toBeGreaterThanOrEqual(answeredBeforeSignal);
    if (store.dataDir) {
      expect(existsSync(join(store.dataDir, 'jifen.lock'))).toBe(false);
      expect(existsSync(join(store.dataDir, 'control.sock'))).toBe(false);
    }

    // Nothing half-done, before anything else touches the data.
    const verify = await jifen(['verify', ...store.args]);
    expect(verify.stdout + verify.stderr).toMatch(/all \d+ invariants hold/);
    expect(verify.code).toBe(0);

    // Restart and resend every credit with its key: answered ones replay, refused ones were never
    // done, unanswered ones either; in the end each counts exactly once.
    const restarted = await startServer(store.args, { env, startTimeoutMs: START_MS });
    const problems: string[] = [];
    for (const { write, outcome } of load.records) {
      const response = await creditRequest(restarted.url, KEY, write);
      const body = await response.json();
      const replayed = response.headers.get('idempotent-replayed') === 'true';
      if (response.status !== 201) problems.push(`${write.key}: resend answered ${response.status}`);
      if (outcome?.kind === 'ok' && !(replayed && isDeepStrictEqual(body, outcome.body)))
        problems.push(`${write.key}: answered 2xx before SIGTERM, but not committed as answered`);
      if (outcome?.kind === 'refused' && replayed)
        problems.push(`${write.key}: refused with 503 shutting_down, yet it had been done`);
    }
    expect(problems).toEqual([]);
    const expected = pointsByMember(load.records.map((record) => record.write));
    for (const memberId of members) {
      expect({ memberId, available: await availablePoints(restarted.url, KEY, memberId) }).toEqual({
        memberId,
        available: expected.get(memberId),
      });
    }
    expect((await restarted.stop('SIGTERM')).code).toBe(0);
  }, 400_000);

  test('a request in flight at SIGTERM is answered; one arriving after it is refused with 503 problem+json', async () => {
    const store = await freshProcessStore(engine);
    cleanups.push(store.remove);
    const server = await startServer(store.args, {
      env: { JIFEN_BOOTSTRAP_KEY: KEY },
      startTimeoutMs: START_MS,
    });
    await createMembers(server.url, KEY, ['late']);
    const credit = (key: string, body: string) =>
      `POST /v1/members/late/credits HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${KEY}\r\nContent-Type: application/json\r\nIdempotency-Key: ${key}\r\nContent-Length: ${body.length}\r\n\r\n`;
    const first = '{"points":7,"reason":"in flight"}';
    const second = '{"points":11,"reason":"too late"}';
    const socket = connect(Number(new URL(server.url).port), '127.0.0.1');
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk;
    });
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    // The first credit's headers and half its body: it is in flight when SIGTERM comes.
    socket.write(credit('late-1', first) + first.slice(0, 10));
    await new Promise((resolve) => setTimeout(resolve, 300));
    server.child.kill('SIGTERM');
    await waitUntil(() => server.output().includes('shutting down'), 10_000, 'the shutdown to begin');
    // The rest of it, and on the same connection a second credit, which arrives while closing.
    socket.write(first.slice(10) + credit('late-2', second) + second);
    await closed;
    expect((await server.exited).code).toBe(0);
    const [answerToFirst, answerToSecond] = received.split(/(?=HTTP\/1\.1 )/);
    expect(answerToFirst).toMatch(/^HTTP\/1\.1 201/);
    expect(answerToSecond).toMatch(/^HTTP\/1\.1 503/);
    expect(answerToSecond).toMatch(/content-type: application\/problem\+json/i);
    expect(answerToSecond).toMatch(/retry-after: 1/i);
    expect(answerToSecond).toMatch(/connection: close/i);
    expect(answerToSecond).toMatch(/"code":"shutting_down"/);

    const restarted = await startServer(store.args, {
      env: { JIFEN_BOOTSTRAP_KEY: KEY },
      startTimeoutMs: START_MS,
    });
    expect(await availablePoints(restarted.url, KEY, 'late')).toBe(7);
    expect((await restarted.stop('SIGTERM')).code).toBe(0);
  }, 300_000);

  test('past the deadline it names what it cut short and exits 1', async () => {
    const store = await freshProcessStore(engine);
    cleanups.push(store.remove);
    const server = await startServer(store.args, {
      env: { JIFEN_BOOTSTRAP_KEY: KEY, JIFEN_SHUTDOWN_TIMEOUT_MS: '1500' },
      startTimeoutMs: START_MS,
    });
    // A client that sends headers and never the body it announced keeps one request in flight.
    const port = Number(new URL(server.url).port);
    const slow = connect(port, '127.0.0.1');
    slow.on('error', () => {});
    await new Promise<void>((resolve) => slow.once('connect', () => resolve()));
    slow.write(
      `POST /v1/members/slow/credits HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${KEY}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"po`,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const signalledAt = Date.now();
    server.child.kill('SIGTERM');
    const exit = await server.exited;
    slow.destroy();
    expect(exit.code).toBe(1);
    // The deadline, then at most CLOSE_GRACE_MS (2 s) for the database, then exit (slack for a busy machine).
    expect(Date.now() - signalledAt).toBeLessThan(1_500 + 2_000 + 6_000);
    expect(server.output()).toMatch(
      /deadline of 1500 ms passed; cutting short: HTTP server \(1 request\(s\) in flight\)/,
    );
    // The database still closed: the lock is released and the ledger verifies.
    if (store.dataDir) expect(existsSync(join(store.dataDir, 'jifen.lock'))).toBe(false);
    const verify = await jifen(['verify', ...store.args]);
    expect(verify.code).toBe(0);
  }, 300_000);
});

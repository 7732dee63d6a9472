import http from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import { buildApp } from '../../src/http/app.ts';
import type { TypedApp } from '../../src/http/route-deps.ts';
import { bootstrap } from '../../src/programs/bootstrap.ts';
import { ENGINES, openTestDatabase } from '../support/test-database.ts';

const TIMEOUT_MS = 2_000;
const SLOW_CLIENTS = 200;
const TRICKLE_EVERY_MS = 300;
/** Node checks request timeouts on a timer (a tenth of the timeout here); allow that and some load. */
const LATE_BY_AT_MOST_MS = 2_000;

interface RawAnswer {
  status: number;
  headers: string;
  body: string;
  /** Milliseconds from the first byte sent to the answer. */
  afterMs: number;
}

function parseAnswer(text: string, afterMs: number): RawAnswer {
  const [head = '', body = ''] = text.split('\r\n\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
  return { status, headers: head, body, afterMs };
}

/**
 * A raw client that sends `head` at once, then `trickle` one byte every TRICKLE_EVERY_MS, and
 * resolves with what the server answered when it closes the connection (bounded by `giveUpMs`).
 */
function rawClient(port: number, head: string, trickle: string, giveUpMs: number): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const startedAt = performance.now();
    let received = '';
    let answeredAt = 0;
    let sent = 0;
    const timer = setInterval(() => {
      if (sent < trickle.length && socket.writable) socket.write(trickle[sent++]!);
    }, TRICKLE_EVERY_MS);
    const giveUp = setTimeout(() => socket.destroy(new Error(`no answer in ${giveUpMs} ms`)), giveUpMs);
    socket.on('connect', () => socket.write(head));
    socket.on('data', (chunk) => {
      if (answeredAt === 0) answeredAt = performance.now();
      received += chunk.toString('utf8');
    });
    socket.on('error', (error) => {
      // A reset after the answer arrived is the server closing a half-read request: fine.
      if (received === '') reject(error);
    });
    socket.on('close', () => {
      clearInterval(timer);
      clearTimeout(giveUp);
      if (received !== '') resolve(parseAnswer(received, answeredAt - startedAt));
      else reject(new Error('closed without an answer'));
    });
  });
}

function postJson(port: number, path: string, key: string, body: unknown): Promise<{ status: number }> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path,
        agent: false,
        headers: {
          authorization: `Bearer ${key}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
        },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve({ status: response.statusCode ?? 0 }));
      },
    );
    request.setTimeout(5_000, () => request.destroy(new Error('no answer in 5 s')));
    request.on('error', reject);
    request.end(payload);
  });
}

describe.each(ENGINES)('slow and broken clients on a listening server (%s)', (engine) => {
  let db: Database;
  let app: TypedApp;
  let port: number;
  let key: string;

  beforeAll(async () => {
    db = await openTestDatabase(engine);
    const created = await bootstrap(db, new Date());
    if (!created) throw new Error('bootstrap did nothing');
    key = created.secret;
    app = await buildApp({
      db,
      timeouts: { requestTimeoutMs: TIMEOUT_MS, headersTimeoutMs: TIMEOUT_MS },
    });
    for (const memberId of ['slow', 'fast']) {
      await app.inject({
        method: 'PUT',
        url: `/v1/members/${memberId}`,
        headers: { authorization: `Bearer ${key}` },
        payload: {},
      });
    }
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  test(`${SLOW_CLIENTS} clients trickling bodies each get 408 within the timeout, while a credit answers at once`, async () => {
    const body = JSON.stringify({ points: 5, reason: 'trickled' });
    const head =
      'POST /v1/members/slow/credits HTTP/1.1\r\nHost: localhost\r\n' +
      `Authorization: Bearer ${key}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${body.length}\r\n\r\n`;
    const slow = Array.from({ length: SLOW_CLIENTS }, () => rawClient(port, head, body, TIMEOUT_MS + 5_000));
    // The body would take 300 ms × ~40 bytes = 12 s to arrive; let the clients get going.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const startedAt = performance.now();
    const credit = await postJson(port, '/v1/members/fast/credits', key, { points: 7, reason: 'fast' });
    const creditMs = performance.now() - startedAt;
    expect(credit.status).toBe(201);
    expect(creditMs).toBeLessThan(1_000);

    const answers = await Promise.all(slow);
    for (const answer of answers) {
      expect(answer.status).toBe(408);
      expect(answer.headers).toMatch(/content-type: application\/problem\+json/i);
      expect(JSON.parse(answer.body)).toMatchObject({ status: 408, code: 'request_timeout' });
      expect(answer.afterMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
      expect(answer.afterMs).toBeLessThan(TIMEOUT_MS + LATE_BY_AT_MOST_MS);
    }
    // None of the trickled credits happened; the fast one did.
    const [slowMember] = await db.query<{ n: number }>(
      "select count(*)::int as n from entries e join members m using (program_id, member_key) where m.member_id = 'slow'",
    );
    expect(slowMember?.n).toBe(0);
  }, 30_000);

  test('headers trickled past the timeout get 408 problem+json too', async () => {
    const answer = await rawClient(
      port,
      'GET /v1/members/m HTTP/1.1\r\n',
      'X-Slow: ' + 'a'.repeat(40),
      8_000,
    );
    expect(answer.status).toBe(408);
    expect(JSON.parse(answer.body).code).toBe('request_timeout');
    expect(answer.afterMs).toBeLessThan(TIMEOUT_MS + LATE_BY_AT_MOST_MS);
  }, 15_000);

  test('oversized headers get 431 problem+json with a stable code', async () => {
    const head = `GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`;
    const answer = await rawClient(port, head, '', 5_000);
    expect(answer.status).toBe(431);
    expect(answer.headers).toMatch(/content-type: application\/problem\+json/i);
    expect(JSON.parse(answer.body)).toMatchObject({ status: 431, code: 'headers_too_large' });
  });

  test('a request that is not HTTP gets 400 problem+json', async () => {
    const answer = await rawClient(port, 'HELLO THERE\r\n\r\n', '', 5_000);
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).code).toBe('malformed_request');
  });
});

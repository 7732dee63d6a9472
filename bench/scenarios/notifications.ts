// Scenarios dispatch and dispatch-lag (issue 6): webhook delivery to a receiver on loopback, by a
// real `jifen serve` on PostgreSQL.
//  - dispatch: --ops (default 20,000) points.earned messages are recorded by an API-only server,
//    then a worker-only server fans them out (webhook delivery + inbox message each) and delivers
//    them; throughput is messages received per second from the first arrival to the last.
//  - dispatch-lag: --clients clients credit points for --seconds against a server that also
//    dispatches (default --dispatch-interval-ms 100); each sample is the time from the message's
//    creation in the credit's transaction to its arrival at the receiver.
import { randomBytes } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src/db/open-database.ts';
import { freshPostgres } from '../databases.ts';
import { closedLoop, limitsFrom } from '../loop.ts';
import type { ScenarioResult } from '../report.ts';
import { nowMs, Samples } from '../stats.ts';
import { type BenchContext, NOT_COMPARED, resultOf, seconds } from './common.ts';
import { Client, freePort, startServer } from './http.ts';

const MEMBERS = 1_000;
/** The receiver listens on 127.0.0.1, which webhooks reach only when the server allows private networks. */
const RECEIVER_ON_LOOPBACK = { JIFEN_WEBHOOK_ALLOW_PRIVATE: 'true' };

interface Receiver {
  url: string;
  ids: Set<string>;
  hits: number;
  firstAt: number | null;
  lastAt: number | null;
  lag: Samples;
  close(): Promise<void>;
}

/** Answers 204 at once; records each message id, and the lag from the message's creation. */
async function startReceiver(): Promise<Receiver> {
  const receiver = {
    ids: new Set<string>(),
    hits: 0,
    firstAt: null as number | null,
    lastAt: null as number | null,
    lag: new Samples(),
  };
  const server: HttpServer = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const arrived = Date.now();
      const message = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: string; createdAt: string };
      receiver.hits++;
      if (!receiver.ids.has(message.id)) {
        receiver.ids.add(message.id);
        receiver.lag.add(arrived - Date.parse(message.createdAt));
      }
      receiver.firstAt ??= nowMs();
      receiver.lastAt = nowMs();
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jifen`;
  return {
    ...receiver,
    get ids() {
      return receiver.ids;
    },
    get hits() {
      return receiver.hits;
    },
    get firstAt() {
      return receiver.firstAt;
    },
    get lastAt() {
      return receiver.lastAt;
    },
    url,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function registerEndpoint(databaseUrl: string, url: string): Promise<void> {
  const db = await openDatabase({ databaseUrl });
  try {
    await db.query(
      `insert into webhook_endpoints (program_id, id, url, secret, types, status, created_at, updated_at)
       select id, 'whk_bench', $1, 'whsec_bench', '{}', 'enabled', now(), now() from programs`,
      [url],
    );
  } finally {
    await db.close();
  }
}

async function createMembers(client: Client, count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, (_, index) => `n-${index}`);
  for (const memberId of ids) {
    const put = await client.send('PUT', `/v1/members/${memberId}`, {});
    if (put.status !== 201) throw new Error(`member: ${put.status} ${put.text}`);
  }
  return ids;
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = nowMs() + timeoutMs;
  while (!condition()) {
    if (nowMs() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

async function deliveryStates(databaseUrl: string): Promise<Record<string, number>> {
  const db = await openDatabase({ databaseUrl });
  try {
    const rows = await db.query<{ status: string; n: string }>(
      'select status, count(*)::int8 as n from deliveries group by status',
    );
    return Object.fromEntries(rows.map((row) => [row.status, Number(row.n)]));
  } finally {
    await db.close();
  }
}

export async function runDispatchThroughput(context: BenchContext): Promise<ScenarioResult> {
  const { options, log } = context;
  const messages = options.ops ?? 20_000;
  const database = await freshPostgres(options.databaseUrl, 'dispatch');
  const key = `jf_bench_${randomBytes(16).toString('hex')}`;
  const receiver = await startReceiver();
  try {
    let started = nowMs();
    const apiPort = await freePort();
    const api = await startServer(['--database-url', database.url, '--role', 'api'], key, apiPort, null);
    const client = new Client(apiPort, key, 4);
    const members = await createMembers(client, MEMBERS);
    for (let done = 0; done < messages; done += MEMBERS) {
      const items = members.slice(0, Math.min(MEMBERS, messages - done)).map((memberId) => ({
        idempotencyKey: `seed-${done}-${memberId}`,
        memberId,
        points: 100,
        reason: 'bench',
      }));
      const reply = await client.send('POST', '/v1/credits/batch', { items });
      if (reply.status !== 200) throw new Error(`credits: ${reply.status} ${reply.text}`);
    }
    client.close();
    await api.stop();
    await registerEndpoint(database.url, receiver.url);
    const setupSeconds = seconds(nowMs() - started);
    log(`  ${messages} messages in the outbox in ${setupSeconds}s; starting a worker`);

    started = nowMs();
    const profileDir = options.profile ? join(tmpdir(), `jifen-bench-profile-dispatch-${Date.now()}`) : null;
    const worker = await startServer(
      ['--database-url', database.url, '--role', 'worker', '--dispatch-interval-ms', '20'],
      key,
      await freePort(),
      profileDir,
      { waitForHealth: false, env: RECEIVER_ON_LOOPBACK },
    );
    const complete = await waitFor(() => receiver.ids.size >= messages, 600_000);
    await worker.stop();
    if (profileDir) log(`  worker CPU profile written to ${profileDir}`);
    if (!complete)
      context.failures.push(`dispatch: only ${receiver.ids.size} of ${messages} messages arrived`);
    const states = await deliveryStates(database.url);
    if ((states.delivered ?? 0) !== messages)
      context.failures.push(
        `dispatch: deliveries by status ${JSON.stringify(states)}, expected ${messages} delivered`,
      );
    const spanMs = (receiver.lastAt ?? 0) - (receiver.firstAt ?? 0);
    const perSecond = (receiver.ids.size - 1) / (spanMs / 1000);
    const latency = receiver.lag.summary();
    return {
      id: 'dispatch',
      name: 'webhook dispatch, outbox to receiver',
      engine: 'postgres',
      unit: 'messages',
      latencyOf: 'request',
      clients: 1,
      batchSize: 500,
      measuredSeconds: seconds(spanMs),
      ops: receiver.ids.size,
      perSecond,
      errors: receiver.hits - receiver.ids.size,
      latencyMs: latency,
      kinds: {},
      setup: { messages, members: MEMBERS, setupSeconds, workerSeconds: seconds(nowMs() - started) },
      ...NOT_COMPARED,
      notes: [
        'one worker server: fan-out (a webhook delivery and an inbox message per message), then signed POSTs, 32 in flight',
        'errors = messages received more than once',
      ],
    };
  } finally {
    await receiver.close();
    await database.drop();
  }
}

export async function runDispatchLag(context: BenchContext): Promise<ScenarioResult> {
  const { options, log } = context;
  const database = await freshPostgres(options.databaseUrl, 'dispatch_lag');
  const key = `jf_bench_${randomBytes(16).toString('hex')}`;
  const receiver = await startReceiver();
  try {
    const started = nowMs();
    // The endpoint must exist before the credits; the schema exists once a server has migrated.
    const setupServer = await startServer(
      ['--database-url', database.url, '--role', 'api'],
      key,
      await freePort(),
      null,
    );
    await setupServer.stop();
    await registerEndpoint(database.url, receiver.url);
    const port = await freePort();
    const server = await startServer(['--database-url', database.url], key, port, null, {
      env: RECEIVER_ON_LOOPBACK,
    });
    const client = new Client(port, key, options.clients);
    const members = await createMembers(client, 200);
    const setupSeconds = seconds(nowMs() - started);
    log(
      `  server with a webhook endpoint and ${members.length} members in ${setupSeconds}s; ${options.clients} clients`,
    );
    const run = randomBytes(4).toString('hex');
    let sequence = 0;
    const loop = await closedLoop(
      limitsFrom(options, options.clients),
      'credit',
      async (_client, recorder) => {
        const memberId = members[Math.floor(Math.random() * members.length)]!;
        const startedAt = nowMs();
        const reply = await client.send(
          'POST',
          `/v1/members/${memberId}/credits`,
          { points: 10, reason: 'bench' },
          { 'idempotency-key': `lag-${run}-${++sequence}` },
        );
        recorder.record('credit', startedAt, reply.status === 201);
      },
    );
    const [outbox] = await (async () => {
      const db = await openDatabase({ databaseUrl: database.url });
      try {
        return await db.query<{ n: string }>(
          "select count(*)::int8 as n from outbox where type = 'points.earned'",
        );
      } finally {
        await db.close();
      }
    })();
    const expected = Number(outbox?.n ?? 0);
    const complete = await waitFor(() => receiver.ids.size >= expected, 60_000);
    client.close();
    await server.stop();
    if (!complete)
      context.failures.push(`dispatch-lag: ${receiver.ids.size} of ${expected} messages arrived`);
    const result = resultOf(
      {
        id: 'dispatch-lag',
        name: 'commit to webhook delivery under load',
        engine: 'postgres',
        unit: 'credits',
        latencyOf: 'request',
        clients: options.clients,
        batchSize: null,
      },
      loop,
      {
        setup: { members: members.length, setupSeconds, messages: expected },
        verify: null,
        cpu: null,
        notes: [
          'latency = arrival at the receiver minus the message time (set in the credit transaction, before commit)',
          'one server doing both the API and the dispatcher: woken after each answered write, else polling every 100 ms',
        ],
      },
    );
    return { ...result, latencyMs: receiver.lag.summary() };
  } finally {
    await receiver.close();
    await database.drop();
  }
}

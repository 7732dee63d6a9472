// Scenarios (a) and (c-http): single durable credits over HTTP against the real server, spawned as
// `node bin/jifen.js serve`, with N closed-loop keep-alive clients, each credit with its own
// Idempotency-Key. With --holds, a share of the operations are an authorize + capture pair.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { verifyStore } from '../check.ts';
import { cpuBetween, cpuSnapshot, describeCpu } from '../cpu.ts';
import { freshPostgres, freshTempDir, onCleanup } from '../databases.ts';
import { closedLoop, limitsFrom } from '../loop.ts';
import type { ScenarioResult } from '../report.ts';
import { nowMs } from '../stats.ts';
import { Workload } from '../workload.ts';
import { type BenchContext, resultOf, seconds } from './common.ts';

const BIN = fileURLToPath(new URL('../../bin/jifen.js', import.meta.url));
const START_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 15_000;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

interface Reply {
  status: number;
  text: string;
}

export class Client {
  private readonly agent: http.Agent;

  constructor(
    private readonly port: number,
    private readonly key: string,
    sockets: number,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
  }

  send(method: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Reply> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const request = http.request(
        {
          host: '127.0.0.1',
          port: this.port,
          method,
          path,
          agent: this.agent,
          headers: {
            authorization: `Bearer ${this.key}`,
            ...(payload === undefined
              ? {}
              : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
            ...headers,
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
          );
          response.on('error', reject);
        },
      );
      request.setTimeout(30_000, () => request.destroy(new Error(`${method} ${path} timed out after 30 s`)));
      request.on('error', reject);
      request.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

export interface Server {
  child: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

/** The highest peak RSS (VmHWM) of the servers stopped since the last call, in MB; null for none. */
let peakRssMb: number | null = null;
export function takeServersPeakRssMb(): number | null {
  const peak = peakRssMb;
  peakRssMb = null;
  return peak;
}

function readPeakRssMb(pid: number | undefined): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmHWM:\s+(\d+) kB/m.exec(status)?.[1];
    return kb === undefined ? null : Math.round(Number(kb) / 1024);
  } catch {
    return null; // not Linux, or the process is gone
  }
}

export async function startServer(
  args: string[],
  key: string,
  port: number,
  profileDir: string | null,
  options: { waitForHealth?: boolean; env?: Record<string, string> } = {},
): Promise<Server> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env, JIFEN_BOOTSTRAP_KEY: key };
  delete env.DATABASE_URL;
  delete env.JIFEN_DATA_DIR;
  const nodeArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const child = spawn(
    process.execPath,
    [...nodeArgs, BIN, 'serve', '--host', '127.0.0.1', '--port', String(port), ...args],
    {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = onCleanup(`server pid ${child.pid}`, async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const peak = readPeakRssMb(child.pid);
    if (peak !== null) peakRssMb = Math.max(peakRssMb ?? 0, peak);
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  });
  // A worker-only server (--role worker) has no API to ask.
  if (options.waitForHealth === false) return { child, output: () => output, stop };
  const deadline = nowMs() + START_TIMEOUT_MS;
  const probe = new Client(port, key, 1);
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}):\n${output}`);
      if (nowMs() > deadline) throw new Error(`the server did not answer /health in 90 s:\n${output}`);
      try {
        if ((await probe.send('GET', '/health', undefined)).status === 200) break;
      } catch {
        // Not listening yet.
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } catch (error) {
    await stop();
    throw error;
  } finally {
    probe.close();
  }
  return { child, output: () => output, stop };
}

/** Runs `count` jobs on `workers` concurrent workers; stops at the first failure. */
export async function pool(
  count: number,
  workers: number,
  job: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed = false;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (!failed && next < count) {
        const index = next++;
        try {
          await job(index);
        } catch (error) {
          failed = true;
          throw error;
        }
      }
    }),
  );
}

export async function runHttp(context: BenchContext, engine: 'postgres' | 'pglite'): Promise<ScenarioResult> {
  const { options, data, log } = context;
  const id = engine === 'postgres' ? 'a' : 'c-http';
  const database = engine === 'postgres' ? await freshPostgres(options.databaseUrl, 'http') : null;
  const dataDir = engine === 'pglite' ? freshTempDir('http') : null;
  const location = database ? ['--database-url', database.url] : ['--data', dataDir!.path];
  const profileDir = options.profile ? join(tmpdir(), `jifen-bench-profile-${Date.now()}`) : null;
  const key = `jf_bench_${randomBytes(16).toString('hex')}`;
  const port = await freePort();
  const notes: string[] = [
    `server: node bin/jifen.js serve ${engine === 'postgres' ? '--database-url <fresh database>' : '--data <temp dir>'} (role both, pool 24)`,
  ];
  try {
    let started = nowMs();
    const server = await startServer([...location, ...(context.serverArgs ?? [])], key, port, profileDir);
    const startSeconds = seconds(nowMs() - started);
    log(`  server up in ${startSeconds}s (${engine}); creating ${options.members} members over HTTP`);
    const client = new Client(port, key, options.clients);
    const workload = new Workload(data, options);

    started = nowMs();
    await pool(options.members, options.clients, async (k) => {
      const reply = await client.send('PUT', `/v1/members/${encodeURIComponent(workload.memberId(k))}`, {});
      if (reply.status !== 201 && reply.status !== 200)
        throw new Error(`PUT member ${workload.memberId(k)}: ${reply.status} ${reply.text}`);
    });
    const membersSeconds = seconds(nowMs() - started);
    log(
      `  ${options.members} members in ${membersSeconds}s; ${options.clients} clients for ${options.ops ?? `${options.seconds}s`} after ${options.warmup}s warm-up`,
    );

    // What the bench saw credited and not yet held, per member: holds only take points a member has.
    const spendable = new Int32Array(options.members);
    let creditedPoints = 0;
    let capturedPoints = 0;
    let sequence = 0;
    const run = randomBytes(4).toString('hex');
    const unexpected: string[] = [];
    let cpuStart: ReturnType<typeof cpuSnapshot> = null;
    const loop = await closedLoop(
      limitsFrom(options, options.clients),
      'credit',
      async (_client, recorder) => {
        const draw = workload.next();
        const memberId = workload.memberId(draw.member);
        const path = `/v1/members/${encodeURIComponent(memberId)}`;
        const wantsHold = options.holds && workload.roll() < options.holdShare;
        const holdPoints = Math.min(draw.points, spendable[draw.member]!);
        if (wantsHold && holdPoints > 0) {
          spendable[draw.member]! -= holdPoints;
          let startedAt = nowMs();
          const authorized = await client.send(
            'POST',
            '/v1/holds',
            { memberId, points: holdPoints, reason: `bench hold ${draw.invoiceNo}` },
            { 'idempotency-key': `bench-${run}-h${++sequence}` },
          );
          recorder.record('authorize', startedAt, authorized.status === 201);
          if (authorized.status !== 201) {
            spendable[draw.member]! += holdPoints;
            if (unexpected.length < 5) unexpected.push(`authorize ${authorized.status} ${authorized.text}`);
            return;
          }
          const holdId = (JSON.parse(authorized.text) as { hold: { id: string } }).hold.id;
          startedAt = nowMs();
          const captured = await client.send(
            'POST',
            `/v1/holds/${encodeURIComponent(holdId)}/capture`,
            {},
            { 'idempotency-key': `bench-${run}-c${++sequence}` },
          );
          recorder.record('capture', startedAt, captured.status === 200);
          if (captured.status === 200) {
            capturedPoints += holdPoints;
          } else if (unexpected.length < 5) unexpected.push(`capture ${captured.status} ${captured.text}`);
          return;
        }
        const startedAt = nowMs();
        const reply = await client.send(
          'POST',
          `${path}/credits`,
          { points: draw.points, reason: `retail invoice ${draw.invoiceNo}` },
          { 'idempotency-key': `bench-${run}-${++sequence}` },
        );
        const ok = reply.status === 201;
        recorder.record('credit', startedAt, ok);
        if (ok) {
          creditedPoints += draw.points;
          spendable[draw.member] = Math.min(2 ** 31 - 1, spendable[draw.member]! + draw.points);
        } else if (unexpected.length < 5) unexpected.push(`credit ${reply.status} ${reply.text}`);
      },
      async () => {
        await database?.analyze();
        cpuStart = cpuSnapshot(server.child.pid);
      },
    );
    const cpu = cpuBetween(cpuStart, cpuSnapshot(server.child.pid), loop.primary.units, true);
    log(`  ${describeCpu(cpu)}`);
    client.close();
    for (const message of unexpected) log(`  unexpected answer: ${message}`);
    if (loop.primary.errors > 0 || Object.values(loop.kinds).some((kind) => kind.errors > 0))
      context.failures.push(
        `${id}: ${unexpected.length} kind(s) of unexpected answers, e.g. ${unexpected[0]}`,
      );

    await server.stop();
    if (profileDir) {
      notes.push(`server CPU profile in ${profileDir}`);
      log(`  server CPU profile written to ${profileDir}`);
    }

    let verify = null;
    if (options.verify) {
      const { openDatabase } = await import('../../src/db/open-database.ts');
      const db = await openDatabase(database ? { databaseUrl: database.url } : { dataDir: dataDir!.path });
      try {
        // Hold entries count in held_points until captured, so they are part of what members hold.
        const checked = await verifyStore(db, id, creditedPoints - capturedPoints);
        verify = checked.figures;
        if (checked.failure) context.failures.push(checked.failure);
      } finally {
        await db.close();
      }
    }
    return resultOf(
      {
        id,
        name: options.holds ? 'http credits + holds' : 'http single credits',
        engine,
        unit: 'credits',
        latencyOf: 'request',
        clients: options.clients,
        batchSize: null,
      },
      loop,
      {
        setup: { serverStartSeconds: startSeconds, members: options.members, membersSeconds },
        verify,
        cpu,
        notes,
      },
    );
  } finally {
    await database?.drop();
    await dataDir?.remove();
  }
}

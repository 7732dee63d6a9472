import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { POSTGRES_URL } from './test-database.ts';

/** Runs the real `jifen` command line as child processes, the way an operator would. */

export const JIFEN_BIN = fileURLToPath(new URL('../../bin/jifen.js', import.meta.url));

/** Variables the suite's own environment might carry that would point a child somewhere else. */
const INHERITED_SETTINGS = [
  'DATABASE_URL',
  'JIFEN_DATA_DIR',
  'JIFEN_PORT',
  'JIFEN_HOST',
  'JIFEN_ROLE',
  'JIFEN_BOOTSTRAP_KEY',
  'JIFEN_ADMIN_KEY',
  'JIFEN_REDIS_URL',
  'JIFEN_RATE_LIMIT_PER_MINUTE',
  'JIFEN_AUTH_FAILURE_LIMIT_PER_MINUTE',
  'JIFEN_LOG_LEVEL',
  'JIFEN_METRICS',
  'JIFEN_METRICS_PORT',
  'JIFEN_METRICS_HOST',
];

function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of INHERITED_SETTINGS) delete env[name];
  // The tests run the TypeScript sources, whatever dist/ holds (CI smoke-tests the compiled CLI).
  return { ...env, JIFEN_RUN_SOURCES: '1', ...extra };
}

/** Every child started here, so afterAll can make sure none outlives the test file. */
const children = new Set<ChildProcess>();

export function killAllChildren(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  children.clear();
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** `node bin/jifen.js ...args`, to completion (killed after `timeoutMs`). */
export function runJifen(
  args: readonly string[],
  options: { env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [JIFEN_BIN, ...args], {
      cwd: options.cwd ?? tmpdir(),
      env: childEnv(options.env ?? {}),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

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

export interface ServerProcess {
  child: ChildProcess;
  pid: number;
  url: string;
  output(): string;
  /** Resolves with the exit code / signal once the process has gone. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM (graceful: releases the data-directory lock) or SIGKILL (a crash). */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `jifen serve` on a free port; resolves once GET /health answers 200. */
export async function startServer(
  databaseArgs: readonly string[],
  options: { env?: Record<string, string>; extraArgs?: readonly string[]; startTimeoutMs?: number } = {},
): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [JIFEN_BIN, 'serve', '--port', String(port), ...databaseArgs, ...(options.extraArgs ?? [])],
    { cwd: tmpdir(), env: childEnv(options.env ?? {}), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.add(child);
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    });
  });
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.startTimeoutMs ?? 45_000);
  for (;;) {
    if (gone) throw new Error(`jifen serve exited before it was healthy:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`jifen serve was not healthy in time:\n${output}`);
    }
    try {
      const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1_000) });
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    child,
    pid: child.pid!,
    url,
    output: () => output,
    exited,
    async stop(signal = 'SIGTERM') {
      if (!gone) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
}

export function tempDataDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'jifen-test-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A whole fresh PostgreSQL database (jifen_t_<random>) for tests that run separate processes. */
export async function createTestPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  if (!POSTGRES_URL) throw new Error('JIFEN_TEST_DATABASE_URL is not set');
  const name = `jifen_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const dropper = new pg.Client({ connectionString: POSTGRES_URL });
      await dropper.connect();
      try {
        await dropper.query(`drop database if exists ${name} with (force)`);
      } finally {
        await dropper.end();
      }
    },
  };
}

/** A fresh store for a server process: its CLI arguments, and how to throw it away afterwards. */
export async function freshProcessStore(
  engine: 'pglite' | 'postgres',
): Promise<{ args: string[]; dataDir: string | null; remove(): Promise<void> }> {
  if (engine === 'pglite') {
    const data = tempDataDir();
    return { args: ['--data', data.dir], dataDir: data.dir, remove: async () => data.remove() };
  }
  const database = await createTestPostgresDatabase();
  return { args: ['--database-url', database.url], dataDir: null, remove: database.drop };
}

/**
 * For a describe block whose tests run `jifen serve` as a process on a fresh store: the store is
 * made before the tests and thrown away after them, and whatever server a test left in `server`
 * is killed.
 */
export function processStoreForSuite(engine: 'pglite' | 'postgres'): {
  args: string[];
  server: ServerProcess | undefined;
} {
  const suite: { args: string[]; server: ServerProcess | undefined } = { args: [], server: undefined };
  let remove: () => Promise<void> = async () => {};
  beforeAll(async () => {
    const store = await freshProcessStore(engine);
    suite.args = store.args;
    remove = store.remove;
  });
  afterAll(async () => {
    await suite.server?.stop('SIGKILL');
    killAllChildren();
    await remove();
  });
  return suite;
}

// Scenario `demo`: `jifen demo` as a new user runs it (the built CLI when npm install made it), on
// a fresh embedded data directory: its wall time (target: under 20 s on 2 cores), its peak RSS, the
// data directory it leaves, and how soon a `jifen serve` restarted on that directory answers /health.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freshTempDir } from '../databases.ts';
import type { ScenarioResult } from '../report.ts';
import { nowMs } from '../stats.ts';
import { type BenchContext, oneKindLoop, oneRunLatency, resultOf, seconds } from './common.ts';
import { freePort } from './http.ts';

const BIN = fileURLToPath(new URL('../../bin/jifen.js', import.meta.url));

function directoryBytes(path: string): number {
  let total = 0;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const inner = join(path, entry.name);
    total += entry.isDirectory() ? directoryBytes(inner) : statSync(inner).size;
  }
  return total;
}

function peakRssMb(pid: number | undefined): number | null {
  try {
    const kb = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? null : Math.round(Number(kb) / 1024);
  } catch {
    return null; // not Linux, or the process is gone
  }
}

/**
 * Runs `jifen ...args` to completion; its peak RSS is read just before it exits (the child holds
 * still on a pipe that the harness closes once it has looked).
 */
export async function runJifen(
  args: string[],
): Promise<{ code: number | null; ms: number; rssMb: number | null; output: string }> {
  const started = nowMs();
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let rssMb: number | null = null;
  const sample = setInterval(() => {
    const now = peakRssMb(child.pid);
    if (now !== null) rssMb = Math.max(rssMb ?? 0, now);
  }, 100);
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  const code = await new Promise<number | null>((resolve) =>
    child.on('exit', (exitCode) => resolve(exitCode)),
  );
  clearInterval(sample);
  return { code, ms: nowMs() - started, rssMb, output };
}

/** Starts `jifen serve` on the directory and times it to the first 200 of /health. */
async function restartToHealth(dataDir: string): Promise<{ ms: number; idleRssMb: number | null }> {
  const port = await freePort();
  const started = nowMs();
  const child = spawn(
    process.execPath,
    [BIN, 'serve', '--data', dataDir, '--port', String(port), '--log-level', 'warn'],
    { stdio: 'ignore' },
  );
  try {
    for (;;) {
      if (child.exitCode !== null)
        throw new Error(`serve exited with ${child.exitCode} before /health answered`);
      const ok = await fetch(`http://127.0.0.1:${port}/health`)
        .then((response) => response.ok)
        .catch(() => false);
      if (ok) break;
      if (nowMs() - started > 300_000) throw new Error('serve did not answer /health within 300 s');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const ms = nowMs() - started;
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
    return { ms, idleRssMb: kb === undefined ? null : Math.round(Number(kb) / 1024) };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

export async function runDemo(context: BenchContext): Promise<ScenarioResult> {
  const { log } = context;
  const dir = freshTempDir('demo');
  const dataDir = join(dir.path, 'data');
  try {
    const run = await runJifen(['demo', '--data', dataDir]);
    if (run.code !== 0) throw new Error(`jifen demo exited with ${run.code}:\n${run.output.slice(-2000)}`);
    const events = Number(
      /demo: ([\d,]+)\/[\d,]+ events \(100%\)/.exec(run.output)?.[1]?.replaceAll(',', '') ?? 0,
    );
    const dataDirMb = Math.round(directoryBytes(dataDir) / 1_048_576);
    const walMb = Math.round(directoryBytes(join(dataDir, 'pgdata', 'pg_wal')) / 1_048_576);
    log(
      `  jifen demo: ${events} events in ${seconds(run.ms)} s, peak RSS ${run.rssMb ?? '?'} MB; data directory ${dataDirMb} MB (WAL ${walMb} MB)`,
    );
    const restart = await restartToHealth(dataDir);
    log(
      `  serve restarted on it: /health after ${seconds(restart.ms)} s, ${restart.idleRssMb ?? '?'} MB RSS idle`,
    );
    const units = Math.max(events, 1);
    const latencyMs = oneRunLatency(run.ms);
    const loop = oneKindLoop(
      'demo',
      { count: 1, units, unitsPerSecond: units / (run.ms / 1000), latencyMs },
      seconds(run.ms),
    );
    return resultOf(
      {
        id: 'demo',
        name: 'jifen demo (the retail year, embedded)',
        engine: 'pglite',
        unit: 'events',
        latencyOf: 'transaction',
        clients: 1,
        batchSize: null,
      },
      loop,
      {
        setup: {
          demoPeakRssMb: run.rssMb ?? 'unknown',
          dataDirMb,
          walMb,
          restartToHealthSeconds: seconds(restart.ms),
          servedIdleRssMb: restart.idleRssMb ?? 'unknown',
        },
        verify: null,
        cpu: null,
      },
    );
  } finally {
    await dir.remove();
  }
}

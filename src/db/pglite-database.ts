import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { beginTransaction, discardAfterCommit, runAfterCommit } from './after-commit.ts';
import type { Database, Queryable } from './database.ts';
import { type Priority, PriorityGate } from './priority-gate.ts';

/**
 * PostgreSQL settings for the embedded database (README, "Memory and disk"). PGlite's defaults
 * (128 MB of shared buffers, WAL kept up to 1 GB) cost a single store 900 MB of memory and a
 * 600 MB data directory: PGlite runs as one process, its shared buffers sit in the WebAssembly
 * memory beside the OS's own page cache of the same files, and with no checkpointer process WAL
 * piles up until the next checkpoint, which a restart then replays. Smaller buffers and a small
 * WAL budget keep both bounded; a checkpoint at close makes the next start replay nothing.
 */
export const PGLITE_SETTINGS = [
  'shared_buffers=16MB',
  'wal_buffers=512kB',
  'work_mem=4MB',
  'maintenance_work_mem=32MB',
  'temp_buffers=8MB',
  'max_wal_size=32MB',
  'min_wal_size=32MB',
];

function startParams(): string[] {
  return [...PGlite.defaultStartParams, ...PGLITE_SETTINGS.flatMap((setting) => ['-c', setting])];
}

/**
 * A fresh data directory made once at build time (`scripts/build.mjs`: initdb, then the
 * migrations), copied instead of running initdb at first start: initdb alone takes 7–10 s and
 * leaves 600 MB of WebAssembly memory behind. Used only when it was made by the PGlite installed.
 */
export const TEMPLATE_DIRS = [
  fileURLToPath(new URL('../pgdata-template/', import.meta.url)),
  fileURLToPath(new URL('../../dist/pgdata-template/', import.meta.url)),
];
const TEMPLATE_STAMP = 'jifen-template.json';

export function pgliteVersion(): string {
  // The package exports no ./package.json: read it beside its entry point (dist/index.cjs).
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const manifest = join(dirname(entry), '..', 'package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

function copyTemplate(dataDir: string): boolean {
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0) return false;
  const version = pgliteVersion();
  for (const template of TEMPLATE_DIRS) {
    const stamp = join(template, TEMPLATE_STAMP);
    if (!existsSync(stamp)) continue;
    if ((JSON.parse(readFileSync(stamp, 'utf8')) as { pglite: string }).pglite !== version) continue;
    cpSync(template, dataDir, { recursive: true, filter: (source) => !source.endsWith(TEMPLATE_STAMP) });
    return true;
  }
  return false;
}

/** Marks a data directory as a template for `copyTemplate` (the build makes one). */
export function stampTemplate(dataDir: string): void {
  writeFileSync(join(dataDir, TEMPLATE_STAMP), `${JSON.stringify({ pglite: pgliteVersion() })}\n`);
}

/**
 * PGlite runs PostgreSQL in-process (WebAssembly). It has a single connection, so transactions are
 * serialised — by the priority gate, which lets the API go ahead of background work; `dataDir`
 * undefined means in memory (tests).
 */
export async function openPglite(dataDir?: string): Promise<Database> {
  if (dataDir) copyTemplate(dataDir);
  const options = { startParams: startParams() };
  const pglite = dataDir ? new PGlite(dataDir, options) : new PGlite(options);
  await pglite.waitReady;
  const gate = new PriorityGate();
  const view = (priority: Priority): Database => ({
    engine: 'pglite',
    async query<Row>(sql: string, params: readonly unknown[] = []) {
      const result = await gate.run(priority, () => pglite.query<Row>(sql, params as unknown[]));
      return result.rows;
    },
    async exec(sql: string) {
      await gate.run(priority, () => pglite.exec(sql));
    },
    async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
      let tx: Queryable | undefined;
      try {
        const value = await gate.run(priority, () =>
          pglite.transaction(async (inner) => {
            tx = {
              async query<Row>(sql: string, params: readonly unknown[] = []) {
                const result = await inner.query<Row>(sql, params as unknown[]);
                return result.rows;
              },
              async exec(sql: string) {
                await inner.exec(sql);
              },
            };
            beginTransaction(tx);
            return work(tx);
          }),
        );
        if (tx) runAfterCommit(tx);
        return value;
      } catch (error) {
        if (tx) discardAfterCommit(tx);
        throw error;
      }
    },
    background: () => background,
    poolUsage() {
      const queued = gate.queued;
      return { total: 1, idle: queued === 0 ? 1 : 0, waiting: Math.max(0, queued - 1) };
    },
    async close() {
      // Everything written is in the data files: the next start replays no WAL, and what WAL
      // there is can be recycled.
      if (dataDir) {
        await gate.run('foreground', () => pglite.exec('checkpoint')).catch(() => {});
      }
      await pglite.close();
    },
    async snapshotDataDir() {
      // A checkpoint first, so the copy needs little WAL replay when it is opened. Then the copy is
      // taken while holding the mutex every query and transaction takes: no transaction is open.
      await gate.run(priority, async () => {
        await pglite.exec('checkpoint');
      });
      const tarball = await gate.run(priority, () =>
        pglite._runExclusiveTransaction(() => pglite.dumpDataDir('gzip')),
      );
      return new Uint8Array(await tarball.arrayBuffer());
    },
  });
  const foreground = view('foreground');
  const background = view('background');
  return foreground;
}

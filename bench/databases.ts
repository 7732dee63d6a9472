import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** Everything to undo at the end, also on Ctrl-C: fresh databases to drop, temp dirs to remove. */
const cleanups: Array<{ name: string; run: () => Promise<void> }> = [];

export function onCleanup(name: string, run: () => Promise<void>): () => Promise<void> {
  const entry = { name, run };
  cleanups.push(entry);
  return async () => {
    const index = cleanups.indexOf(entry);
    if (index < 0) return;
    cleanups.splice(index, 1);
    await run();
  };
}

export async function cleanupAll(): Promise<void> {
  while (cleanups.length > 0) {
    const entry = cleanups.pop()!;
    try {
      await entry.run();
    } catch (error) {
      console.error(`bench: cleanup of ${entry.name} failed: ${(error as Error).message}`);
    }
  }
}

async function withAdmin<T>(adminUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function postgresVersion(adminUrl: string): Promise<string | null> {
  try {
    return await withAdmin(adminUrl, async (client) => {
      const result = await client.query<{ version: string }>('select version()');
      return result.rows[0]?.version ?? null;
    });
  } catch {
    return null;
  }
}

export interface FreshDatabase {
  name: string;
  url: string;
  /**
   * ANALYZE the whole database. Scenarios call it when their warm-up ends: a database that runs for
   * longer than a bench has statistics (autovacuum analyzes a table within a minute of its growth),
   * and without them the planner reads a fresh table's few pages as "small" and scans it whole.
   */
  analyze(): Promise<void>;
  drop(): Promise<void>;
}

let counter = 0;
export const RUN_STAMP = new Date()
  .toISOString()
  .replace(/[-:T.Z]/g, '')
  .slice(0, 14);

/** CREATE DATABASE jifen_bench_<timestamp>_<label>; dropped by drop() or at the end of the run. */
export async function freshPostgres(adminUrl: string, label: string): Promise<FreshDatabase> {
  const name = `jifen_bench_${RUN_STAMP}_${label}_${++counter}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  await withAdmin(adminUrl, (client) => client.query(`create database "${name}"`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const drop = onCleanup(`database ${name}`, async () => {
    await withAdmin(adminUrl, (client) => client.query(`drop database if exists "${name}" with (force)`));
  });
  const analyze = async () => {
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    try {
      await client.query('analyze');
    } finally {
      await client.end();
    }
  };
  return { name, url: url.toString(), analyze, drop };
}

export interface TempDir {
  path: string;
  remove(): Promise<void>;
}

export function freshTempDir(label: string): TempDir {
  const path = mkdtempSync(join(tmpdir(), `jifen-bench-${label}-`));
  const remove = onCleanup(`directory ${path}`, async () => rmSync(path, { recursive: true, force: true }));
  return { path, remove };
}

import { PGlite } from '@electric-sql/pglite';
import type { Database, Queryable } from './database.ts';

/**
 * PGlite runs PostgreSQL in-process (WebAssembly). It has a single connection, so transactions are
 * serialised by PGlite itself; `dataDir` undefined means in memory (tests).
 */
export async function openPglite(dataDir?: string): Promise<Database> {
  const db = dataDir ? new PGlite(dataDir) : new PGlite();
  await db.waitReady;
  return {
    engine: 'pglite',
    async query<Row>(sql: string, params: readonly unknown[] = []) {
      const result = await db.query<Row>(sql, params as unknown[]);
      return result.rows;
    },
    async exec(sql: string) {
      await db.exec(sql);
    },
    async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
      return db.transaction(async (inner) => {
        const tx: Queryable = {
          async query<Row>(sql: string, params: readonly unknown[] = []) {
            const result = await inner.query<Row>(sql, params as unknown[]);
            return result.rows;
          },
          async exec(sql: string) {
            await inner.exec(sql);
          },
        };
        return work(tx);
      });
    },
    async close() {
      await db.close();
    },
    async snapshotDataDir() {
      // A checkpoint first, so the copy needs little WAL replay when it is opened. Then the copy is
      // taken while holding the mutex every query and transaction takes: no transaction is open.
      await db.exec('checkpoint');
      const tarball = await db._runExclusiveTransaction(() => db.dumpDataDir('gzip'));
      return new Uint8Array(await tarball.arrayBuffer());
    },
  };
}

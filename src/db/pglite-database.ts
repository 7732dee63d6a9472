import { PGlite } from '@electric-sql/pglite';
import { beginTransaction, discardAfterCommit, runAfterCommit } from './after-commit.ts';
import type { Database, Queryable } from './database.ts';

/**
 * PGlite runs PostgreSQL in-process (WebAssembly). It has a single connection, so transactions are
 * serialised by PGlite itself; `dataDir` undefined means in memory (tests).
 */
export async function openPglite(dataDir?: string): Promise<Database> {
  const db = dataDir ? new PGlite(dataDir) : new PGlite();
  await db.waitReady;
  // Operations handed to the one connection and not yet finished (the rest of them wait).
  let inFlight = 0;
  const counted = async <T>(operation: () => Promise<T>): Promise<T> => {
    inFlight++;
    try {
      return await operation();
    } finally {
      inFlight--;
    }
  };
  return {
    engine: 'pglite',
    async query<Row>(sql: string, params: readonly unknown[] = []) {
      const result = await counted(() => db.query<Row>(sql, params as unknown[]));
      return result.rows;
    },
    async exec(sql: string) {
      await counted(() => db.exec(sql));
    },
    async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
      let tx: Queryable | undefined;
      try {
        const value = await counted(() =>
          db.transaction(async (inner) => {
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
    poolUsage() {
      return { total: 1, idle: inFlight === 0 ? 1 : 0, waiting: Math.max(0, inFlight - 1) };
    },
    async close() {
      await db.close();
    },
  };
}

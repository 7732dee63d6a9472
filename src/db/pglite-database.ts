import { PGlite } from '@electric-sql/pglite';
import { beginTransaction, discardAfterCommit, runAfterCommit } from './after-commit.ts';
import type { Database, Queryable } from './database.ts';
import { type Priority, PriorityGate } from './priority-gate.ts';

/**
 * PGlite runs PostgreSQL in-process (WebAssembly). It has a single connection, so transactions are
 * serialised — by the priority gate, which lets the API go ahead of background work; `dataDir`
 * undefined means in memory (tests).
 */
export async function openPglite(dataDir?: string): Promise<Database> {
  const pglite = dataDir ? new PGlite(dataDir) : new PGlite();
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

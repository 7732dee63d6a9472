import type { Queryable } from './database.ts';

/**
 * Statements a transaction has sent and waits for only when it commits. On PostgreSQL a round trip
 * costs both processes a system call each way (about 0.1 ms of CPU apiece on a small VM), so the
 * last write of a transaction does not wait for its answer before COMMIT is sent: COMMIT follows it
 * on the wire, and the transaction awaits both. When the write fails, PostgreSQL answers the COMMIT
 * with ROLLBACK and the transaction fails with the write's error, as if it had been awaited.
 * A `Queryable` that is not such a transaction (PGlite, autocommit) waits at once.
 */
const sent = new WeakMap<Queryable, Promise<unknown>[]>();

export function openCommitPipeline(tx: Queryable): void {
  sent.set(tx, []);
}

/** Waits for `running` when the transaction commits (or at once, see above). */
export async function awaitAtCommit(tx: Queryable, running: Promise<unknown>): Promise<void> {
  const list = sent.get(tx);
  if (!list) {
    await running;
    return;
  }
  running.catch(() => {}); // settled by `settleCommitPipeline`
  list.push(running);
}

/**
 * Waits for every statement sent with `awaitAtCommit` and closes the pipeline; answers the first
 * one's error, which is the cause of anything that failed after it (every later statement of the
 * transaction fails with "current transaction is aborted").
 */
export async function settleCommitPipeline(tx: Queryable): Promise<unknown> {
  const list = sent.get(tx) ?? [];
  sent.delete(tx);
  for (const settled of await Promise.allSettled(list)) {
    if (settled.status === 'rejected') return settled.reason;
  }
  return undefined;
}

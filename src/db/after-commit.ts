import type { Queryable } from './database.ts';

/**
 * Work to run once a transaction has committed (never when it rolls back), keyed by the
 * transaction's `Queryable`. Both engines open a transaction with `beginTransaction` and, after
 * COMMIT succeeded, call `runAfterCommit`. A `Queryable` that is not a transaction (autocommit)
 * runs the work at once: its statement has already committed when the caller gets here.
 */
const pending = new WeakMap<Queryable, Array<() => void>>();

export function afterCommit(tx: Queryable, work: () => void): void {
  const queue = pending.get(tx);
  if (queue) queue.push(work);
  else work();
}

export function beginTransaction(tx: Queryable): void {
  pending.set(tx, []);
}

export function runAfterCommit(tx: Queryable): void {
  const queue = pending.get(tx) ?? [];
  pending.delete(tx);
  for (const work of queue) {
    try {
      work();
    } catch {
      // The transaction has committed: nothing that runs after it may make it look failed.
    }
  }
}

export function discardAfterCommit(tx: Queryable): void {
  pending.delete(tx);
}

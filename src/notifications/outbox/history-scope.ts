import { AsyncLocalStorage } from 'node:async_hooks';

const scope = new AsyncLocalStorage<true>();

/**
 * Runs `work` as recorded history: an import applying a merchant's past (and its undo). The
 * movements and tier changes it writes are no news — a member told today of points earned on a
 * three-year-old order, or of a tier the old system gave long ago, would be misled — so they record
 * no outbox message (no inbox, e-mail, SMS nor per-movement webhook). The import tells integrators
 * once instead (`import.committed`, `import.undone`). Live activity running beside it in the same
 * process is not affected: the scope follows `work`'s own asynchronous calls only.
 */
export function recordAsHistory<T>(work: () => Promise<T>): Promise<T> {
  return scope.run(true, work);
}

/** Whether the code running now records history (see `recordAsHistory`): its changes send no messages. */
export function recordingHistory(): boolean {
  return scope.getStore() === true;
}

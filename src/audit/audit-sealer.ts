import type { Database } from '../db/database.ts';
import type { Clock } from '../shared/clock.ts';
import { sealAudit } from './seal-audit.ts';
import { chainHeads } from './verify-audit.ts';

export const SEAL_INTERVAL_MS = 10_000;
export const HEAD_LOG_INTERVAL_MS = 60 * 60 * 1000;

/** A chain's head as written to the log, so that a copy exists outside the database. */
export interface ChainHeadLine {
  programId: string;
  seq: number;
  hash: string;
}

/**
 * `jifen serve`'s sealer: seals what is final every `sealEveryMs`, and writes every chain's head
 * to the log every `headEveryMs` (and once at start). Stopping waits for the pass in progress.
 */
export function startAuditSealer(
  db: Database,
  clock: Clock,
  log: { head(heads: ChainHeadLine[]): void; error(message: string): void },
  options: { sealEveryMs?: number; headEveryMs?: number } = {},
): () => Promise<void> {
  const sealEveryMs = options.sealEveryMs ?? SEAL_INTERVAL_MS;
  const headEveryMs = options.headEveryMs ?? HEAD_LOG_INTERVAL_MS;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let headDueAt = 0;
  const tick = () => {
    running = sealAudit(db, clock.now())
      .then(async () => {
        if (Date.now() < headDueAt) return;
        headDueAt = Date.now() + headEveryMs;
        log.head(await chainHeads(db));
      })
      .catch((error: unknown) =>
        log.error(`sealing the audit log failed, will retry: ${(error as Error).message}`),
      )
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, sealEveryMs);
      });
  };
  timer = setTimeout(tick, sealEveryMs);
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await running;
  };
}

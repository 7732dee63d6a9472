import type { Database } from '../../db/database.ts';
import type { Clock } from '../../shared/clock.ts';
import { type DeliverOptions, type DeliveryChannels, deliverDue } from './deliver-due.ts';
import { fanOutMessages } from './fan-out.ts';

export interface DispatchOptions extends DeliverOptions {
  fanOutBatchSize?: number;
  onMessageError?: (messageId: string, error: Error) => void;
  /** Stop a pass after this many batches of each kind, so one pass never runs unbounded. */
  maxBatches?: number;
  /** Once aborted, the pass ends after the batch in progress (serve shutting down). */
  signal?: AbortSignal;
}

export interface DispatchResult {
  fannedOut: number;
  attempted: number;
}

const FAN_OUT_BATCH_SIZE = 500;

/** One pass: fan out what the outbox holds, then attempt every delivery that is due. */
export async function runDispatchPass(
  db: Database,
  clock: Clock,
  channels: DeliveryChannels,
  options: DispatchOptions = {},
): Promise<DispatchResult> {
  const result: DispatchResult = { fannedOut: 0, attempted: 0 };
  const maxBatches = options.maxBatches ?? 20;
  const batchSize = options.fanOutBatchSize ?? FAN_OUT_BATCH_SIZE;
  for (let batch = 0; batch < maxBatches && !options.signal?.aborted; batch++) {
    const fanned = await fanOutMessages(db, clock, {
      batchSize,
      emailConfigured: channels.email !== null,
      onMessageError: options.onMessageError,
    });
    result.fannedOut += fanned;
    // A batch that was not full took everything there was (but what other servers hold).
    if (fanned < batchSize) break;
  }
  for (let batch = 0; batch < maxBatches && !options.signal?.aborted; batch++) {
    const attempted = await deliverDue(db, () => clock.now(), channels, options);
    result.attempted += attempted;
    if (attempted === 0) break;
  }
  return result;
}

export interface RunningDispatcher {
  /** Something was committed: run a pass now instead of at the next poll (if idle). */
  nudge(): void;
  /** Stops the loop after the batch in progress. */
  stop(): Promise<void>;
}

/**
 * Runs dispatch passes while there is work, and every `idleMs` when there is none (messages
 * written by other servers). A write of this server's API nudges it: the next pass starts
 * `gatherMs` later (default 20 ms), so under load one pass takes the messages of many commits
 * instead of each commit costing a fan-out transaction of its own; at rest a message waits those
 * milliseconds and no more.
 */
export function startDispatcher(
  db: Database,
  clock: Clock,
  channels: DeliveryChannels,
  options: DispatchOptions & { idleMs: number; gatherMs?: number; log: (message: string) => void },
): RunningDispatcher {
  const gatherMs = options.gatherMs ?? 20;
  let stopped = false;
  const stopping = new AbortController();
  let idle: NodeJS.Timeout | undefined;
  /** When the scheduled pass starts (ms since the epoch). */
  let nextPassAt = 0;
  let inPass = false;
  let nudged = false;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    idle = undefined;
    inPass = true;
    nudged = false;
    running = runDispatchPass(db, clock, channels, { ...options, signal: stopping.signal })
      .then((result) => result.fannedOut + result.attempted > 0)
      .catch((error: unknown) => {
        options.log(`notification dispatch failed, will retry: ${(error as Error).message}`);
        return false;
      })
      .then((busy) => {
        inPass = false;
        if (!stopped) schedule(busy || nudged ? gatherMs : options.idleMs);
      });
  };
  const schedule = (delayMs: number) => {
    nextPassAt = Date.now() + delayMs;
    idle = setTimeout(tick, delayMs);
  };
  tick();
  return {
    nudge() {
      if (stopped) return;
      if (inPass) {
        nudged = true;
      } else if (idle !== undefined && nextPassAt > Date.now() + gatherMs) {
        clearTimeout(idle);
        schedule(gatherMs);
      }
    },
    async stop() {
      stopped = true;
      stopping.abort();
      clearTimeout(idle);
      await running;
    },
  };
}

import type { Database } from '../db/database.ts';
import type { Clock } from '../shared/clock.ts';
import { type BatchCreditItem, type BatchItemResult, creditBatch } from './commands/credit-batch.ts';

interface Waiting {
  item: BatchCreditItem;
  resolve: (result: BatchItemResult) => void;
  reject: (error: unknown) => void;
}

export interface CoalescerOptions {
  /** Most credits in one transaction. */
  maxBatch: number;
  /** Transactions in flight at once; arrivals meanwhile wait and go together in the next one. */
  maxInFlight: number;
}

/**
 * Group commit for single credits. Each POST .../credits waits for a transaction that has
 * committed its credit, exactly as if it ran alone — same answer, same idempotency — but credits
 * that arrive while earlier ones are being written share the next transaction through the batch
 * path. At low load every credit goes alone at once (no added latency); under load a credit costs
 * a fraction of a transaction, which is where the single-credit throughput comes from.
 */
export class CreditCoalescer {
  private readonly queues = new Map<string, Waiting[]>();
  private inFlight = 0;
  private pumpScheduled = false;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly options: CoalescerOptions,
  ) {}

  credit(programId: string, item: BatchCreditItem): Promise<BatchItemResult> {
    return new Promise((resolve, reject) => {
      const queue = this.queues.get(programId) ?? [];
      queue.push({ item, resolve, reject });
      this.queues.set(programId, queue);
      this.schedulePump();
    });
  }

  /**
   * Starts batches on the next turn of the event loop, after pending I/O: requests that arrived
   * together (and, with the embedded engine, whose transactions run without yielding to I/O,
   * requests that queued up during the previous batch) are read first and then share a batch.
   */
  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.options.maxInFlight) {
      const next = this.takeBatch();
      if (!next) return;
      this.inFlight++;
      void this.run(next.programId, next.waiting).finally(() => {
        this.inFlight--;
        this.schedulePump();
      });
    }
  }

  /** The next program's waiting credits, programs taking turns (a program goes to the back). */
  private takeBatch(): { programId: string; waiting: Waiting[] } | null {
    for (const [programId, queue] of this.queues) {
      this.queues.delete(programId);
      const waiting = queue.splice(0, this.options.maxBatch);
      if (queue.length > 0) this.queues.set(programId, queue);
      if (waiting.length > 0) return { programId, waiting };
    }
    return null;
  }

  private async run(programId: string, waiting: Waiting[]): Promise<void> {
    try {
      const results = await creditBatch(
        this.db,
        { programId, now: this.clock.now(), source: { kind: 'api' } },
        waiting.map((entry) => entry.item),
      );
      for (const [index, result] of results.entries()) waiting[index]!.resolve(result);
    } catch (error) {
      if (waiting.length === 1) {
        waiting[0]!.reject(error);
        return;
      }
      // An unexpected failure must not fail the neighbours of the credit that caused it: retry
      // each one alone, so only that credit gets the error.
      await Promise.all(waiting.map((entry) => this.run(programId, [entry])));
    }
  }
}

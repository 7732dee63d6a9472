interface Waiting<Item, Result> {
  item: Item;
  resolve: (result: Result) => void;
  reject: (error: unknown) => void;
}

export interface GroupCommitOptions {
  /** Most items in one transaction. */
  maxBatch: number;
  /** Transactions in flight at once; arrivals meanwhile wait and go together in the next one. */
  maxInFlight: number;
}

/**
 * Group commit. Each caller waits for a transaction that has committed its item, exactly as if it
 * ran alone — same answer, same idempotency — but items that arrive while earlier ones are being
 * written share the next transaction through a batch path. At low load every item goes alone at
 * once (no added latency); under load an item costs a fraction of a transaction. Items are grouped
 * by a key (e.g. program, or program and API key) and keys take turns.
 */
export class GroupCommit<Item, Result> {
  private readonly queues = new Map<string, Waiting<Item, Result>[]>();
  private inFlight = 0;
  private pumpScheduled = false;

  constructor(
    private readonly runBatch: (key: string, items: Item[]) => Promise<Result[]>,
    private readonly options: GroupCommitOptions,
  ) {}

  submit(key: string, item: Item): Promise<Result> {
    return new Promise((resolve, reject) => {
      const queue = this.queues.get(key) ?? [];
      queue.push({ item, resolve, reject });
      this.queues.set(key, queue);
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
      void this.run(next.key, next.waiting).finally(() => {
        this.inFlight--;
        this.schedulePump();
      });
    }
  }

  /** The next key's waiting items, keys taking turns (a key goes to the back). */
  private takeBatch(): { key: string; waiting: Waiting<Item, Result>[] } | null {
    for (const [key, queue] of this.queues) {
      this.queues.delete(key);
      const waiting = queue.splice(0, this.options.maxBatch);
      if (queue.length > 0) this.queues.set(key, queue);
      if (waiting.length > 0) return { key, waiting };
    }
    return null;
  }

  private async run(key: string, waiting: Waiting<Item, Result>[]): Promise<void> {
    try {
      const results = await this.runBatch(
        key,
        waiting.map((entry) => entry.item),
      );
      for (const [index, result] of results.entries()) waiting[index]!.resolve(result);
    } catch (error) {
      if (waiting.length === 1) {
        waiting[0]!.reject(error);
        return;
      }
      // An unexpected failure must not fail the neighbours of the item that caused it: retry each
      // one alone, so only that item gets the error.
      await Promise.all(waiting.map((entry) => this.run(key, [entry])));
    }
  }
}

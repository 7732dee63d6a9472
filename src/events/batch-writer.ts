import { WriteStatement } from '../db/combined-statements.ts';
import { awaitAtCommit } from '../db/commit-pipeline.ts';
import type { Queryable } from '../db/database.ts';
import { prepareDraftCommit } from '../ledger/commit-hooks.ts';
import type { LedgerDraft } from '../ledger/ledger-draft.ts';
import { addDraftWrites } from '../ledger/ledger-store.ts';
import type { EventOutcome } from './event-outcome.ts';
import { addEventInserts } from './event-rows.ts';
import type { Candidate, IngestContext } from './intake-types.ts';
import { addOrderWrites } from './order-store.ts';
import type { Order } from './orders.ts';
import type { RuleUsageTracker } from './rule-usage.ts';

export interface DecidedEvent {
  candidate: Candidate;
  outcome: EventOutcome;
}

/**
 * Writes what a batch decided, in parts while the rest is decided: each part is one statement (the
 * ledger draft's changes with their outbox rows, the events, the orders, the limits used) sent
 * without waiting for it, so PostgreSQL writes one part as the next is judged, on the other core.
 * Everything stays one transaction; a failed part fails it when `finish` awaits the writes.
 */
export class BatchWriter {
  readonly decided: DecidedEvent[] = [];
  private written = 0;
  private readonly writes: Promise<void>[] = [];
  private readonly storedOrders: Set<string>;

  constructor(
    private readonly tx: Queryable,
    private readonly context: IngestContext,
    private readonly state: {
      draft: LedgerDraft;
      tracker: RuleUsageTracker;
      /** The batch's orders by id, as decided so far; those in `storedOrderIds` are in the table. */
      orders: ReadonlyMap<string, Order>;
      storedOrderIds: Iterable<string>;
    },
    /** Events decided between two parts (all of them: one part). */
    private readonly writeEvery: number,
  ) {
    this.storedOrders = new Set(state.storedOrderIds);
  }

  /** Records a decided event; writes a part when one is due. */
  async add(event: DecidedEvent): Promise<void> {
    this.decided.push(event);
    if (this.decided.length - this.written < this.writeEvery) return;
    await prepareDraftCommit(this.tx, this.context.programId);
    this.writePart();
    // Lets the driver send the write (and the previous one's reply in) before deciding on.
    await new Promise(setImmediate);
  }

  /** Writes the last part; the transaction awaits every part when it commits (`awaitAtCommit`). */
  async finish(): Promise<void> {
    await prepareDraftCommit(this.tx, this.context.programId);
    this.writePart();
    await awaitAtCommit(this.tx, Promise.all(this.writes));
  }

  private writePart(): void {
    const part = this.decided.slice(this.written);
    this.written = this.decided.length;
    const { draft, tracker, orders } = this.state;
    const write = new WriteStatement(this.context.programId);
    addDraftWrites(this.tx, write, draft);
    addEventInserts(write, this.context, part, (memberId) => draft.keyOf(memberId));
    this.addOrders(write, part, orders);
    tracker.addWrites(write);
    const running = write.run(this.tx);
    running.catch(() => {}); // awaited by `finish`
    this.writes.push(running);
  }

  /**
   * New orders are inserted, never merged: two members paying one order id at once (they do not
   * share a lock) collide on the key, and the loser's batch is redone and finds the order paid.
   * An order an earlier part inserted is updated.
   */
  private addOrders(
    write: WriteStatement,
    part: readonly DecidedEvent[],
    orders: ReadonlyMap<string, Order>,
  ) {
    const touched = [
      ...new Set(part.flatMap(({ outcome }) => (outcome.order ? [outcome.order.orderId] : []))),
    ].map((orderId) => orders.get(orderId)!);
    addOrderWrites(
      write,
      {
        inserted: touched.filter((order) => !this.storedOrders.has(order.orderId)),
        updated: touched.filter((order) => this.storedOrders.has(order.orderId)),
      },
      this.context.now,
    );
    for (const order of touched) this.storedOrders.add(order.orderId);
  }
}

import { WriteStatement } from '../db/combined-statements.ts';
import { awaitAtCommit } from '../db/commit-pipeline.ts';
import type { Queryable } from '../db/database.ts';
import type { IdempotencyRecord } from '../idempotency/answer-book.ts';
import { draftCommitHooks, prepareDraftCommit } from './commit-hooks.ts';
import type { LedgerDraft } from './ledger-draft.ts';
import { addDraftWrites } from './ledger-store.ts';

/** Decisions between two parts of a large batch's write (see `DraftWriter`). */
export const DECISIONS_PER_PART = 200;

/**
 * Writes a draft, in parts while a large batch is still being decided: every `every` decisions the
 * draft's changes so far (with their idempotency records and outbox rows) go out as one statement
 * that is not waited for, so PostgreSQL writes one part while Node decides the next, each on its
 * own core. Everything stays one transaction; a failed part fails it at `finish`. With `every`
 * infinite (PGlite, which runs on Node's thread, or a single command) the draft is one statement.
 */
export class DraftWriter {
  private readonly writes: Promise<void>[] = [];
  private unwrittenDecisions = 0;
  private recordsWritten = 0;

  constructor(
    private readonly tx: Queryable,
    private readonly programId: string,
    private readonly draft: LedgerDraft,
    private readonly every: number = Number.POSITIVE_INFINITY,
  ) {}

  /** After each decision, with the batch's idempotency records so far; writes a part when one is due. */
  async decided(records: readonly IdempotencyRecord[]): Promise<void> {
    this.unwrittenDecisions += 1;
    if (this.unwrittenDecisions < this.every) return;
    await prepareDraftCommit(this.tx, this.programId);
    this.writePart(records);
    // Lets the driver send the part (and take the previous one's reply in) before deciding on.
    await new Promise(setImmediate);
  }

  /**
   * Waits for the parts written so far, runs the commit hooks (which see the draft whole; parts of
   * it may already be in the tables) and writes the rest, whose answer the transaction awaits when
   * it commits (`awaitAtCommit`).
   */
  async finish(records: readonly IdempotencyRecord[] = [], alongside?: AlongsideWrite): Promise<void> {
    await Promise.all(this.writes);
    for (const hooks of draftCommitHooks()) await hooks.beforeWrite?.(this.tx, this.programId, this.draft);
    await prepareDraftCommit(this.tx, this.programId);
    this.writePart(records, alongside);
    await awaitAtCommit(this.tx, Promise.all(this.writes));
  }

  private writePart(records: readonly IdempotencyRecord[], alongside?: AlongsideWrite): void {
    this.unwrittenDecisions = 0;
    const statement = new WriteStatement(this.programId);
    addDraftWrites(this.tx, statement, this.draft, records.slice(this.recordsWritten));
    alongside?.(statement);
    this.recordsWritten = records.length;
    const running = statement.run(this.tx);
    running.catch(() => {}); // awaited by `finish`
    this.writes.push(running);
  }
}

/** What the caller writes in the draft's last statement, e.g. the audit record of the request. */
export type AlongsideWrite = (statement: WriteStatement) => void;

/**
 * A command's draft, committed: what other areas do before it is written (the tier changes its
 * growth causes), then the draft with its idempotency records (and what the caller adds,
 * `alongside`), in one statement. Event intake, which judges tiers event by event inside its
 * decision, writes its draft with `addDraftWrites`.
 */
export async function commitDraft(
  tx: Queryable,
  programId: string,
  draft: LedgerDraft,
  idempotency: readonly IdempotencyRecord[] = [],
  alongside?: AlongsideWrite,
): Promise<void> {
  await new DraftWriter(tx, programId, draft).finish(idempotency, alongside);
}

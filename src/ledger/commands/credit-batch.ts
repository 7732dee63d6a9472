import { ReadStatement } from '../../db/combined-statements.ts';
import type { Database } from '../../db/database.ts';
import { inTransactionRetryingRaces } from '../../db/retrying-races.ts';
import { AnswerBook, insertIdempotencyRecords, type KeyedRequest } from '../../idempotency/answer-book.ts';
import { JifenError } from '../../shared/errors.ts';
import { problemBody } from '../../shared/problem.ts';
import { DECISIONS_PER_PART, DraftWriter } from '../draft-writer.ts';
import { ENTRY_ANSWERS } from '../entry-answers.ts';
import { LedgerDraft } from '../ledger-draft.ts';
import { readLockedAccounts } from '../ledger-store.ts';
import type { EntrySource } from '../ledger-types.ts';
import { entryView } from '../ledger-views.ts';
import type { CommandContext } from './command-context.ts';
import { type CreditInput, decideCredit } from './credit.ts';

export interface BatchCreditItem extends CreditInput {
  /** With a key, a retried item has one effect and gets the original answer. */
  idempotency?: KeyedRequest | undefined;
  /** Who asked, when items come from different callers (the credit coalescer). */
  source?: EntrySource;
}

export interface BatchItemResult {
  status: number;
  body: unknown;
  replayed: boolean;
}

/**
 * The ledger's batch path: many credits, many members, one transaction and a constant number of
 * statements — one that looks the idempotency keys up and locks every member (in key order), one
 * write. Each
 * item gets its own answer, the one it would have had alone; one bad item (unknown member, blocked
 * member) does not sink the rest. Event batches and the credit coalescer are built on this.
 */
export async function creditBatch(
  db: Database,
  context: CommandContext,
  items: readonly BatchCreditItem[],
  /** Decisions per written part (tests); by default DECISIONS_PER_PART on PostgreSQL, one part on PGlite. */
  options: { decisionsPerPart?: number } = {},
): Promise<BatchItemResult[]> {
  return inTransactionRetryingRaces(db, async (tx) => {
    // The keys and the members' locks in one statement (every item's member: a replay's too).
    const read = new ReadStatement(context.programId);
    const bookOf = AnswerBook.read(
      read,
      items.map((item) => item.idempotency),
      ENTRY_ANSWERS,
    );
    const stateOf = readLockedAccounts(
      read,
      items.map((item) => item.memberId),
    );
    await read.run(tx);
    const book = await bookOf(tx);
    const state = items.some((item) => book.prior(item.idempotency).kind === 'new') ? stateOf() : null;
    const draft = state ? new LedgerDraft(state.settings, context.now, state.accounts) : null;
    const known = new Set(state?.accounts.map((account) => account.memberId));

    // Items are answered in order, so a key repeated within the batch replays its first item. A
    // large batch is written in parts as it is decided (PostgreSQL; see DraftWriter).
    const every =
      options.decisionsPerPart ?? (db.engine === 'pglite' ? Number.POSITIVE_INFINITY : DECISIONS_PER_PART);
    const writer = draft ? new DraftWriter(tx, context.programId, draft, every) : null;
    const results: BatchItemResult[] = [];
    for (const item of items) {
      const prior = book.prior(item.idempotency);
      if (prior.kind === 'reused') results.push({ ...problem(prior.error), replayed: false });
      else if (prior.kind === 'replay') results.push({ ...prior.answer, replayed: true });
      else {
        // Each item is a decision of its own: a tier one item reaches is judged as if it came alone.
        draft?.beginDecision();
        const outcome = decideItem(draft, known, item, context);
        book.record(item.idempotency, outcome);
        results.push({ ...outcome, replayed: false });
        await writer?.decided(book.records);
      }
    }
    if (writer) await writer.finish(book.records);
    else await insertIdempotencyRecords(tx, context.programId, book.records, context.now);
    return results;
  });
}

function decideItem(
  draft: LedgerDraft | null,
  known: ReadonlySet<string>,
  item: BatchCreditItem,
  context: CommandContext,
): { status: number; body: unknown } {
  try {
    if (!draft || !known.has(item.memberId)) {
      throw new JifenError('member_not_found', {
        detail: `There is no member "${item.memberId}" in this program.`,
        extensions: { memberId: item.memberId },
      });
    }
    const entries = decideCredit(draft, item, item.source ? { ...context, source: item.source } : context);
    return { status: 201, body: { entries: entries.map(entryView) } };
  } catch (error) {
    if (!(error instanceof JifenError)) throw error;
    return problem(error);
  }
}

function problem(error: JifenError): { status: number; body: unknown } {
  return { status: error.status, body: problemBody(error) };
}

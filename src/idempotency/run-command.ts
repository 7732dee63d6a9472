import type { Database, Queryable } from '../db/database.ts';
import { constraintName, isRetryable, sqlState } from '../db/database.ts';
import type { LedgerDraft } from '../ledger/ledger-draft.ts';
import { persistDraft } from '../ledger/ledger-store.ts';
import { JifenError } from '../shared/errors.ts';
import { problemBody } from '../shared/problem.ts';
import { applyTierChanges } from '../tiers/tier-upgrades.ts';
import { AnswerBook, insertIdempotencyRecords, type KeyedRequest } from './answer-book.ts';

export interface CommandResult {
  status: number;
  body: unknown;
  /** What the command decided; persisted in the same transaction, with the idempotency record. */
  draft?: LedgerDraft;
  /** What a replay answers, when it must differ from `body` (e.g. without a secret shown once). */
  replayBody?: unknown;
}

export interface CommandScope {
  programId: string;
  now: Date;
  idempotency?: KeyedRequest | undefined;
}

export interface CommandOutcome {
  status: number;
  body: unknown;
  /** True when this answer is the stored answer to an earlier request with the same key. */
  replayed: boolean;
}

const MAX_ATTEMPTS = 8;

/** Constraint violations that mean "a concurrent transaction got there first": retry and re-read. */
const RACE_CONSTRAINTS = new Set([
  'idempotency_keys_pkey',
  'entries_reversed_once',
  'members_pkey',
  // One event id, or one order id, sent for different members at once: the members' locks do not
  // order them, the key does; the retry finds the winner's row.
  'events_pkey',
  'orders_pkey',
]);

function isRace(error: unknown): boolean {
  if (isRetryable(error)) return true;
  return sqlState(error) === '23505' && RACE_CONSTRAINTS.has(constraintName(error) ?? '');
}

/**
 * Runs one write command in one transaction: replays the stored answer when the idempotency key
 * was seen with the same request, rejects it when it was seen with a different one, and otherwise
 * executes, persisting the command's draft together with its answer. Two identical requests at the
 * same instant both end here; the loser's insert of the key fails, it retries, and it replays.
 * Expected failures are answers too: they are stored and replayed like successes.
 */
export async function runCommand(
  db: Database,
  scope: CommandScope,
  execute: (tx: Queryable) => Promise<CommandResult>,
): Promise<CommandOutcome> {
  return inTransactionRetryingRaces(db, (tx) => attemptCommand(tx, scope, execute));
}

/** Runs `work` in a transaction, again from the start when it lost a race (see RACE_CONSTRAINTS). */
export async function inTransactionRetryingRaces<T>(
  db: Database,
  work: (tx: Queryable) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction(work);
    } catch (error) {
      if (attempt < MAX_ATTEMPTS && isRace(error)) continue;
      throw error;
    }
  }
}

async function attemptCommand(
  tx: Queryable,
  scope: CommandScope,
  execute: (tx: Queryable) => Promise<CommandResult>,
): Promise<CommandOutcome> {
  const book = await AnswerBook.open(tx, scope.programId, [scope.idempotency]);
  const prior = book.prior(scope.idempotency);
  if (prior.kind === 'reused') throw prior.error;
  if (prior.kind === 'replay') return { ...prior.answer, replayed: true };
  let result: CommandResult;
  try {
    result = await execute(tx);
  } catch (error) {
    if (!(error instanceof JifenError)) throw error;
    result = { status: error.status, body: problemBody(error) };
  }
  book.record(scope.idempotency, result, result.replayBody);
  if (result.draft) {
    await applyTierChanges(tx, scope.programId, result.draft);
    await persistDraft(tx, scope.programId, result.draft, book.records);
  } else await insertIdempotencyRecords(tx, scope.programId, book.records, scope.now);
  return { status: result.status, body: result.body, replayed: false };
}

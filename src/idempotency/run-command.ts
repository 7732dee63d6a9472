import { WriteStatement } from '../db/combined-statements.ts';
import { awaitAtCommit } from '../db/commit-pipeline.ts';
import type { Database, Queryable } from '../db/database.ts';
import { inTransactionRetryingRaces } from '../db/retrying-races.ts';
import type { CommandResult } from '../ledger/commands/command-context.ts';
import { type AlongsideWrite, commitDraft } from '../ledger/draft-writer.ts';
import { ENTRY_ANSWERS } from '../ledger/entry-answers.ts';
import { JifenError } from '../shared/errors.ts';
import { problemBody } from '../shared/problem.ts';
import { AnswerBook, idempotencyInsertSql, type KeyedRequest } from './answer-book.ts';

export interface CommandScope {
  programId: string;
  now: Date;
  idempotency?: KeyedRequest | undefined;
  /**
   * Written in the command's transaction once its answer is decided (not for a replay), in the
   * same statement as the command's writes: the audit record of the request
   * (http/audit-hooks.ts), so the record commits with the change and costs no statement of its
   * own. Null when there is nothing to write for this answer.
   */
  alongside?:
    | ((tx: Queryable, result: { status: number; body: unknown }) => Promise<AlongsideWrite | null>)
    | undefined;
}

export interface CommandOutcome {
  status: number;
  body: unknown;
  /** True when this answer is the stored answer to an earlier request with the same key. */
  replayed: boolean;
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

async function attemptCommand(
  tx: Queryable,
  scope: CommandScope,
  execute: (tx: Queryable) => Promise<CommandResult>,
): Promise<CommandOutcome> {
  const book = await AnswerBook.open(tx, scope.programId, [scope.idempotency], ENTRY_ANSWERS);
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
  if (result.personalAnswer) {
    await book.recordSealed(tx, scope.programId, scope.idempotency, result, {
      replayBody: result.replayBody,
      memberId: result.personalAnswer.memberId,
    });
  } else book.record(scope.idempotency, result, result.replayBody);
  const alongside = (await scope.alongside?.(tx, result)) ?? undefined;
  if (result.draft) await commitDraft(tx, scope.programId, result.draft, book.records, alongside);
  else await writeAnswerOnly(tx, scope, book.records, alongside);
  return { status: result.status, body: result.body, replayed: false };
}

/** A command that changed no balance: its idempotency records and what goes alongside, one statement. */
async function writeAnswerOnly(
  tx: Queryable,
  scope: CommandScope,
  records: AnswerBook['records'],
  alongside: AlongsideWrite | undefined,
): Promise<void> {
  const statement = new WriteStatement(scope.programId);
  if (records.length > 0) statement.add(idempotencyInsertSql(records, statement.param, scope.now));
  alongside?.(statement);
  if (statement.size > 0) await awaitAtCommit(tx, statement.run(tx));
}

import type { LedgerDraft } from '../ledger-draft.ts';
import type { EntrySource } from '../ledger-types.ts';

/** What every ledger command knows besides its input: whose program, when, and on whose behalf. */
export interface CommandContext {
  programId: string;
  now: Date;
  source: EntrySource;
}

/** What a command answers, and the draft it decided (see `runCommand`). */
export interface CommandResult {
  status: number;
  body: unknown;
  /** What the command decided; persisted in the same transaction, with the idempotency record. */
  draft?: LedgerDraft;
  /** What a replay answers, when it must differ from `body` (e.g. without a secret shown once). */
  replayBody?: unknown;
  /**
   * The answer holds this member's personal data (a redemption's shipping address): the answer
   * kept for an Idempotency-Key replay is sealed by the vault (`AnswerBook.recordSealed`), never
   * plain, and names the member, so erasing the member erases it.
   */
  personalAnswer?: { memberId: string };
}

import type { Database } from '../../db/database.ts';
import { inTransactionRetryingRaces } from '../../idempotency/run-command.ts';
import { JifenError } from '../../shared/errors.ts';
import { problemBody } from '../../shared/problem.ts';
import { LedgerDraft } from '../ledger-draft.ts';
import {
  type IdempotencyRecord,
  insertIdempotencyRecords,
  persistDraft,
  tryLoadForUpdate,
} from '../ledger-store.ts';
import { entryView } from '../ledger-views.ts';
import type { CommandContext } from './command-context.ts';
import { type CreditInput, decideCredit } from './credit.ts';

export interface BatchCreditItem extends CreditInput {
  /** Required in a batch: a retried batch must not credit twice. */
  idempotencyKey: string;
  /** Fingerprint of the item (see requestHash), compared when the key was seen before. */
  requestHash: string;
}

export interface BatchItemResult {
  idempotencyKey: string;
  status: number;
  body: unknown;
  replayed: boolean;
}

/**
 * The ledger's batch path: many credits, many members, one transaction and a constant number of
 * statements — one idempotency look-up, one lock of every member (in id order), one write. Each
 * item gets its own answer; one bad item (unknown member, blocked member) does not sink the rest.
 * Event batches are built on this.
 */
export async function creditBatch(
  db: Database,
  context: CommandContext,
  items: readonly BatchCreditItem[],
): Promise<BatchItemResult[]> {
  return inTransactionRetryingRaces(db, async (tx) => {
    const stored = await tx.query<{
      key: string;
      request_hash: string;
      status_code: number;
      response: unknown;
    }>(
      `select key, request_hash, status_code, response from idempotency_keys
        where program_id = $1 and key = any($2::text[])`,
      [context.programId, items.map((item) => item.idempotencyKey)],
    );
    const seen = new Map(stored.map((row) => [row.key, row]));
    const fresh = items.filter((item) => !seen.has(item.idempotencyKey));
    const state = fresh.length
      ? await tryLoadForUpdate(tx, {
          programId: context.programId,
          memberIds: fresh.map((item) => item.memberId),
          allowMissing: true,
        })
      : null;
    const draft = state ? new LedgerDraft(state.settings, context.now, state.accounts) : null;
    const known = new Set(state?.accounts.map((account) => account.memberId));
    const decided = new Map<string, { status: number; body: unknown; requestHash: string }>();
    const results = items.map((item): BatchItemResult => {
      const previous = seen.get(item.idempotencyKey) ?? decided.get(item.idempotencyKey);
      if (previous) {
        const hash = 'request_hash' in previous ? previous.request_hash : previous.requestHash;
        if (hash !== item.requestHash) return answer(item, reused(item.idempotencyKey), false);
        const status = 'status_code' in previous ? previous.status_code : previous.status;
        const body = 'response' in previous ? previous.response : previous.body;
        return { idempotencyKey: item.idempotencyKey, status, body, replayed: true };
      }
      let outcome: { status: number; body: unknown };
      try {
        if (!draft || !known.has(item.memberId)) {
          throw new JifenError('member_not_found', {
            detail: `There is no member "${item.memberId}" in this program.`,
            extensions: { memberId: item.memberId },
          });
        }
        const entries = decideCredit(draft, item, context);
        outcome = { status: 201, body: { entries: entries.map(entryView) } };
      } catch (error) {
        if (!(error instanceof JifenError)) throw error;
        outcome = { status: error.status, body: problemBody(error) };
      }
      decided.set(item.idempotencyKey, { ...outcome, requestHash: item.requestHash });
      return { idempotencyKey: item.idempotencyKey, ...outcome, replayed: false };
    });
    const records: IdempotencyRecord[] = [...decided].map(([key, outcome]) => ({
      key,
      requestHash: outcome.requestHash,
      statusCode: outcome.status,
      response: outcome.body,
    }));
    if (draft) await persistDraft(tx, context.programId, draft, records);
    else if (records.length > 0) await insertIdempotencyRecords(tx, context.programId, records, context.now);
    return results;
  });
}

function reused(key: string): JifenError {
  return new JifenError('idempotency_key_reused', {
    detail: `The idempotency key "${key}" was already used for a different request.`,
  });
}

function answer(item: BatchCreditItem, error: JifenError, replayed: boolean): BatchItemResult {
  return { idempotencyKey: item.idempotencyKey, status: error.status, body: problemBody(error), replayed };
}

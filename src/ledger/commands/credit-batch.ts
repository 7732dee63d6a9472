import type { Database } from '../../db/database.ts';
import { inTransactionRetryingRaces } from '../../idempotency/run-command.ts';
import { JifenError } from '../../shared/errors.ts';
import { problemBody } from '../../shared/problem.ts';
import { applyTierChanges } from '../../tiers/tier-upgrades.ts';
import { LedgerDraft } from '../ledger-draft.ts';
import {
  type IdempotencyRecord,
  insertIdempotencyRecords,
  persistDraft,
  tryLoadForUpdate,
} from '../ledger-store.ts';
import type { EntrySource } from '../ledger-types.ts';
import { entryView } from '../ledger-views.ts';
import type { CommandContext } from './command-context.ts';
import { type CreditInput, decideCredit } from './credit.ts';

export interface BatchCreditItem extends CreditInput {
  /** With a key, a retried item has one effect and gets the original answer. */
  idempotency?: { key: string; requestHash: string } | undefined;
  /** Who asked, when items come from different callers (the credit coalescer). */
  source?: EntrySource;
}

export interface BatchItemResult {
  status: number;
  body: unknown;
  replayed: boolean;
}

interface Answer {
  status: number;
  body: unknown;
  requestHash: string;
}

/**
 * The ledger's batch path: many credits, many members, one transaction and a constant number of
 * statements — one idempotency look-up, one lock of every member (in id order), one write. Each
 * item gets its own answer, the one it would have had alone; one bad item (unknown member, blocked
 * member) does not sink the rest. Event batches and the credit coalescer are built on this.
 */
export async function creditBatch(
  db: Database,
  context: CommandContext,
  items: readonly BatchCreditItem[],
): Promise<BatchItemResult[]> {
  return inTransactionRetryingRaces(db, async (tx) => {
    const keys = items.flatMap((item) => (item.idempotency ? [item.idempotency.key] : []));
    const stored = keys.length
      ? await tx.query<{ key: string; request_hash: string; status_code: number; response: unknown }>(
          `select key, request_hash, status_code, response from idempotency_keys
            where program_id = $1 and key = any($2::text[])`,
          [context.programId, keys],
        )
      : [];
    const answered = new Map<string, Answer>(
      stored.map((row) => [
        row.key,
        { status: row.status_code, body: row.response, requestHash: row.request_hash },
      ]),
    );
    const fresh = items.filter((item) => !item.idempotency || !answered.has(item.idempotency.key));
    const state = fresh.length
      ? await tryLoadForUpdate(tx, {
          programId: context.programId,
          memberIds: fresh.map((item) => item.memberId),
          allowMissing: true,
        })
      : null;
    const draft = state ? new LedgerDraft(state.settings, context.now, state.accounts) : null;
    const known = new Set(state?.accounts.map((account) => account.memberId));
    const records: IdempotencyRecord[] = [];

    const results = items.map((item): BatchItemResult => {
      const previous = item.idempotency && answered.get(item.idempotency.key);
      if (item.idempotency && previous) {
        if (previous.requestHash !== item.idempotency.requestHash) {
          return { ...problem(reused(item.idempotency.key)), replayed: false };
        }
        return { status: previous.status, body: previous.body, replayed: true };
      }
      const outcome = decideItem(draft, known, item, context);
      if (item.idempotency) {
        const { key, requestHash } = item.idempotency;
        answered.set(key, { ...outcome, requestHash });
        records.push({ key, requestHash, statusCode: outcome.status, response: outcome.body });
      }
      return { ...outcome, replayed: false };
    });
    if (draft) {
      await applyTierChanges(tx, context.programId, draft);
      await persistDraft(tx, context.programId, draft, records);
    } else if (records.length > 0)
      await insertIdempotencyRecords(tx, context.programId, records, context.now);
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

function reused(key: string): JifenError {
  return new JifenError('idempotency_key_reused', {
    detail: `The Idempotency-Key "${key}" was already used for a different request.`,
  });
}

function problem(error: JifenError): { status: number; body: unknown } {
  return { status: error.status, body: problemBody(error) };
}

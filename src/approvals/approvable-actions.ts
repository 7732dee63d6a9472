import type { Database, Queryable } from '../db/database.ts';
import type { KeyedRequest } from '../idempotency/answer-book.ts';
import type { ImportCommitRunner } from '../imports/commit-runner.ts';
import { commitImportInBackground, undoImportCommand } from '../imports/import-commands.ts';
import { adjust } from '../ledger/commands/adjust.ts';
import type { CommandContext, CommandResult } from '../ledger/commands/command-context.ts';
import { credit } from '../ledger/commands/credit.ts';
import { creditBatch } from '../ledger/commands/credit-batch.ts';
import { debit } from '../ledger/commands/debit.ts';
import { reverse } from '../ledger/commands/reverse.ts';
import { transfer } from '../ledger/commands/transfer.ts';
import type { Reason } from '../ledger/ledger-types.ts';
import type { Permission } from '../staff/permissions.ts';
import { assignTier } from '../tiers/member-tier.ts';

/**
 * The actions maker–checker can hold back, each with its input as stored in an approval request
 * (JSON: dates as ISO strings) and the one function that executes it — the same function the
 * action's route runs when no approval is needed, so an approved request does exactly what the
 * maker's request would have done.
 */
export type Asked =
  | { action: 'credit'; payload: CreditPayload }
  | { action: 'debit'; payload: { memberId: string; points: number; reason: Reason } }
  | { action: 'adjustment'; payload: AdjustmentPayload }
  | { action: 'reversal'; payload: { entryId: string; reason?: Reason; operator?: string } }
  | {
      action: 'transfer';
      payload: { fromMemberId: string; toMemberId: string; points: number; reason: Reason };
    }
  | { action: 'tier_assignment'; payload: { memberId: string; tier: string; until: string; reason: string } }
  | { action: 'credit_batch'; payload: { items: BatchItemPayload[] } }
  | { action: 'import_commit'; payload: { importId: string; skipErrors?: boolean } }
  | { action: 'import_undo'; payload: { importId: string } };

export type ApprovableAction = Asked['action'];

export interface CreditPayload {
  memberId: string;
  points: number;
  reason: Reason;
  pendingDays?: number;
  expiresAt?: string;
  growth?: number;
}

export interface AdjustmentPayload {
  memberId: string;
  points: number;
  reason: Reason;
  operator: string;
  expiresAt?: string;
}

export interface BatchItemPayload extends CreditPayload {
  idempotency: KeyedRequest;
}

export const APPROVABLE_ACTIONS = [
  'credit',
  'debit',
  'adjustment',
  'reversal',
  'transfer',
  'tier_assignment',
  'credit_batch',
  'import_commit',
  'import_undo',
] as const satisfies readonly ApprovableAction[];

/** Bulk actions run outside the approval's transaction (they make their own), and are idempotent. */
export const BULK_ACTIONS: ReadonlySet<ApprovableAction> = new Set([
  'credit_batch',
  'import_commit',
  'import_undo',
]);

/** What the maker needed to ask, and must still hold when the request executes. */
export const ACTION_PERMISSIONS: Record<ApprovableAction, Permission> = {
  credit: 'ledger:credit',
  debit: 'ledger:debit',
  adjustment: 'ledger:adjust',
  reversal: 'ledger:reverse',
  transfer: 'ledger:transfer',
  tier_assignment: 'tiers:assign',
  credit_batch: 'ledger:credit_batch',
  import_commit: 'imports:write',
  import_undo: 'imports:write',
};

const dateOf = (value: string | undefined) => (value === undefined ? {} : { expiresAt: new Date(value) });

/** Executes a single-transaction action in `tx` (every action but the bulk ones). */
export function executeInTransaction(
  tx: Queryable,
  context: CommandContext,
  asked: Asked,
): Promise<CommandResult> {
  switch (asked.action) {
    case 'credit': {
      const { expiresAt, ...rest } = asked.payload;
      return credit(tx, context, { ...rest, ...dateOf(expiresAt) });
    }
    case 'debit':
      return debit(tx, context, asked.payload);
    case 'adjustment': {
      const { expiresAt, ...rest } = asked.payload;
      return adjust(tx, context, { ...rest, ...dateOf(expiresAt) });
    }
    case 'reversal':
      return reverse(tx, context, asked.payload);
    case 'transfer':
      return transfer(tx, context, asked.payload);
    case 'tier_assignment': {
      const { memberId, tier, until, reason } = asked.payload;
      return assignTier(tx, context, memberId, { tier, until: new Date(until), reason });
    }
    default:
      throw new Error(`${asked.action} is a bulk action: it runs with executeBulk`);
  }
}

export interface BulkDeps {
  db: Database;
  importCommits: ImportCommitRunner;
}

/** Executes a bulk action; each runs its own transactions and is idempotent if run again. */
export async function executeBulk(
  deps: BulkDeps,
  context: CommandContext,
  asked: Asked,
): Promise<{ status: number; body: unknown }> {
  switch (asked.action) {
    case 'credit_batch':
      return { status: 200, body: await runCreditBatch(deps.db, context, asked.payload.items) };
    case 'import_commit':
      return {
        status: 202,
        body: await commitImportInBackground(
          deps.db,
          deps.importCommits,
          context.programId,
          asked.payload.importId,
          {
            skipErrors: asked.payload.skipErrors,
            source: context.source,
          },
        ),
      };
    case 'import_undo':
      return {
        status: 200,
        body: await undoImportCommand(deps.db, context.programId, asked.payload.importId, {
          now: context.now,
          source: context.source,
        }),
      };
    default:
      throw new Error(`${asked.action} is not a bulk action`);
  }
}

/** A credit batch, each item answered with its idempotency key. */
export async function runCreditBatch(
  db: Database,
  context: CommandContext,
  items: readonly BatchItemPayload[],
) {
  const results = await creditBatch(
    db,
    context,
    items.map(({ expiresAt, ...item }) => ({ ...item, ...dateOf(expiresAt) })),
  );
  return {
    results: results.map((result, index) => ({ idempotencyKey: items[index]!.idempotency.key, ...result })),
  };
}

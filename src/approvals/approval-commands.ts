import type { Queryable } from '../db/database.ts';
import { inTransactionRetryingRaces } from '../db/retrying-races.ts';
import { findApiKey } from '../keys/api-keys.ts';
import type { CommandContext, CommandResult } from '../ledger/commands/command-context.ts';
import { commitDraft } from '../ledger/draft-writer.ts';
import { JifenError } from '../shared/errors.ts';
import { problemBody } from '../shared/problem.ts';
import { isBuiltInRole, permissionsOfRoleName, permissionsOfScopes } from '../staff/permissions.ts';
import { permissionsOfRole } from '../staff/role-store.ts';
import { addStaffNotices, staffHolding } from '../staff/staff-notices.ts';
import { findStaff } from '../staff/staff-store.ts';
import { forgetUncommittedDataKeys } from '../vault/vault-keys.ts';
import {
  ACTION_PERMISSIONS,
  type Asked,
  BULK_ACTIONS,
  type BulkDeps,
  executeBulk,
  executeInTransaction,
} from './approvable-actions.ts';
import type { ApprovalPolicy } from './approval-policy.ts';
import {
  type Actor,
  type ApprovalRow,
  type ApprovalView,
  approvalView,
  askedOf,
  type Decision,
  insertApproval,
  isExpired,
  lockApproval,
  recordDecision,
} from './approval-store.ts';
import { describeAsked } from './describe-asked.ts';

export interface ApprovalAsk {
  asked: Asked;
  points: number | null;
  memberKey: string | null;
  counterpartyKey: string | null;
  target: string | null;
  maker: Actor;
  store: string | null;
  policy: ApprovalPolicy;
}

/**
 * Stores the request as pending (nothing touches the ledger) and tells every other staff member
 * who may decide it. Answers 202 with the request: the maker follows it with GET /v1/approvals/{id}.
 */
export async function requestApproval(
  tx: Queryable,
  programId: string,
  ask: ApprovalAsk,
  now: Date,
): Promise<CommandResult> {
  const summary = describeAsked(ask.asked, ask.points);
  const row = await insertApproval(
    tx,
    programId,
    { ...ask, summary, expiresAt: new Date(now.getTime() + ask.policy.expiresAfterHours * 3_600_000) },
    now,
  );
  const checkers = (await staffHolding(tx, programId, 'approvals:decide')).filter(
    (checker) => !sameActor(ask.maker, { kind: 'staff', id: checker.staffId, accountId: checker.accountId }),
  );
  await addStaffNotices(
    tx,
    programId,
    checkers.map((checker) => ({
      staffId: checker.staffId,
      kind: 'approval_requested' as const,
      approvalId: row.id,
      text: `Waiting for your approval (${row.id}): ${summary}`,
    })),
    now,
  );
  return { status: 202, body: approvalView(row, now) };
}

/** The same person: the same key, the same staff member, or one person's staff memberships. */
function sameActor(a: Actor, b: Actor): boolean {
  if (a.kind === b.kind && a.id === b.id) return true;
  return a.accountId !== null && a.accountId === b.accountId;
}

function makerOf(row: ApprovalRow): Actor {
  return { kind: row.maker_kind, id: row.maker_id, accountId: row.maker_account_id };
}

/** A bulk request claimed so long ago that its run must have died with its process (a crash). */
export const STALLED_AFTER_MS = 10 * 60_000;

function stalled(row: ApprovalRow, now: Date): boolean {
  return (
    row.status === 'executing' &&
    row.decided_at !== null &&
    new Date(row.decided_at).getTime() + STALLED_AFTER_MS <= now.getTime()
  );
}

/** Refuses a decision the request cannot take: someone else's, still pending, in time. */
function assertDecidable(
  row: ApprovalRow,
  checker: Actor,
  now: Date,
  accept: 'pending' | 'pending_or_executing',
) {
  if (sameActor(makerOf(row), checker)) {
    throw new JifenError('approval_own_request', {
      detail: 'You made this request: a different staff member must decide it.',
      extensions: { approvalId: row.id },
    });
  }
  if (isExpired(row, now)) {
    throw new JifenError('approval_expired', {
      detail: `The request expired at ${new Date(row.expires_at).toISOString()} without a decision: ask again.`,
      extensions: { approvalId: row.id, expiresAt: new Date(row.expires_at).toISOString() },
    });
  }
  const open = row.status === 'pending' || (accept === 'pending_or_executing' && stalled(row, now));
  if (!open) {
    throw new JifenError('approval_not_pending', {
      detail: `The request is already ${row.status}: it cannot be decided again.`,
      extensions: { approvalId: row.id, approvalStatus: row.status },
    });
  }
}

/** Whom the executed request acts as: the maker, at the store they asked at, through this approval. */
function contextOf(row: ApprovalRow, programId: string, now: Date): CommandContext {
  return {
    programId,
    now,
    source: {
      kind: 'api',
      ...(row.maker_kind === 'staff' ? { staffId: row.maker_id } : { apiKeyId: row.maker_id }),
      ...(row.store !== null ? { store: row.store } : {}),
      approvalId: row.id,
    },
  };
}

/** The maker must still be allowed to do what they asked when it executes (not disabled, not revoked). */
async function assertMakerStillMay(tx: Queryable, programId: string, row: ApprovalRow): Promise<void> {
  const permission = ACTION_PERMISSIONS[row.action];
  let holds = false;
  if (row.maker_kind === 'staff') {
    const staff = await findStaff(tx, programId, row.maker_id);
    if (staff?.status === 'active') {
      const custom = isBuiltInRole(staff.role)
        ? null
        : await permissionsOfRole(tx, programId, staff.role).catch(() => []);
      holds = permissionsOfRoleName(staff.role, custom).includes(permission);
    }
  } else {
    const key = await findApiKey(tx, programId, row.maker_id);
    holds = key !== null && key.revokedAt === null && permissionsOfScopes(key.scopes).has(permission);
  }
  if (!holds) {
    throw new JifenError('approval_maker_not_allowed', {
      detail: `The maker (${row.maker_id}) no longer holds "${permission}" (disabled, revoked or a new role): the request was not executed.`,
      extensions: { approvalId: row.id, requiredPermission: permission },
    });
  }
}

async function tellMaker(tx: Queryable, programId: string, row: ApprovalRow, now: Date): Promise<void> {
  if (row.maker_kind !== 'staff') return;
  await addStaffNotices(
    tx,
    programId,
    [
      {
        staffId: row.maker_id,
        kind: 'approval_decided',
        approvalId: row.id,
        text: `Your request ${row.id} was ${row.status}: ${row.summary}`,
      },
    ],
    now,
  );
}

async function decide(
  tx: Queryable,
  programId: string,
  row: ApprovalRow,
  decision: Decision,
  now: Date,
): Promise<ApprovalRow> {
  const decided = await recordDecision(tx, programId, row.id, decision, now);
  if (decided.status !== 'executing') await tellMaker(tx, programId, decided, now);
  return decided;
}

/**
 * Approves a request and executes it exactly once. A single-transaction action runs in the
 * transaction that locks the request and marks it approved, so two checkers at once give one
 * execution (the second finds it decided). Its failure (e.g. the balance no longer suffices) marks
 * the request `failed` with the problem, and nothing of it stays. A bulk action is claimed
 * (`executing`) in that transaction and then run (its items are idempotent: approving an
 * `executing` request again, after a crash, finishes it without doing anything twice).
 */
export async function approveRequest(
  deps: BulkDeps,
  programId: string,
  approvalId: string,
  checker: Actor,
  comment: string | null,
  now: Date,
): Promise<ApprovalView> {
  const claimed = await inTransactionRetryingRaces(deps.db, async (tx) => {
    const row = await lockApproval(tx, programId, approvalId);
    assertDecidable(row, checker, now, BULK_ACTIONS.has(row.action) ? 'pending_or_executing' : 'pending');
    const asked = askedOf(row);
    await tx.query('savepoint approved_request');
    try {
      await assertMakerStillMay(tx, programId, row);
      if (BULK_ACTIONS.has(asked.action)) {
        return await decide(tx, programId, row, { status: 'executing', checker, comment }, now);
      }
      const result = await executeInTransaction(tx, contextOf(row, programId, now), asked);
      if (result.draft) await commitDraft(tx, programId, result.draft);
      const approved: Decision = {
        status: 'approved',
        checker,
        comment,
        result: { status: result.status, body: result.body },
      };
      return await decide(tx, programId, row, approved, now);
    } catch (error) {
      if (!(error instanceof JifenError)) throw error;
      // Nothing of the failed execution stays; the request records why it failed.
      await tx.query('rollback to savepoint approved_request');
      forgetUncommittedDataKeys(tx); // a data key the execution made is gone with it
      const failed: Decision = {
        status: 'failed',
        checker,
        comment,
        result: { status: error.status, body: problemBody(error) },
      };
      return await decide(tx, programId, row, failed, now);
    }
  });
  if (claimed.status !== 'executing') return approvalView(claimed, now);
  let result: { status: number; body: unknown };
  try {
    result = await executeBulk(deps, contextOf(claimed, programId, now), askedOf(claimed));
  } catch (error) {
    if (!(error instanceof JifenError)) throw error;
    result = { status: error.status, body: problemBody(error) };
  }
  const status = result.status >= 400 ? 'failed' : 'approved';
  const done = await inTransactionRetryingRaces(deps.db, (tx) =>
    decide(tx, programId, claimed, { status, result }, now),
  );
  return approvalView(done, now);
}

/** Rejects a pending request with the checker's comment; nothing is executed. */
export async function rejectRequest(
  db: BulkDeps['db'],
  programId: string,
  approvalId: string,
  checker: Actor,
  comment: string,
  now: Date,
): Promise<ApprovalView> {
  const row = await inTransactionRetryingRaces(db, async (tx) => {
    const locked = await lockApproval(tx, programId, approvalId);
    assertDecidable(locked, checker, now, 'pending');
    return decide(tx, programId, locked, { status: 'rejected', checker, comment }, now);
  });
  return approvalView(row, now);
}

/** The maker withdraws their own pending request. */
export async function cancelRequest(
  db: BulkDeps['db'],
  programId: string,
  approvalId: string,
  caller: Actor,
  now: Date,
): Promise<ApprovalView> {
  const row = await inTransactionRetryingRaces(db, async (tx) => {
    const locked = await lockApproval(tx, programId, approvalId);
    if (!sameActor(makerOf(locked), caller)) {
      throw new JifenError('approval_not_maker', {
        detail: 'Only the maker of a request can cancel it; a checker rejects it instead.',
        extensions: { approvalId },
      });
    }
    if (locked.status !== 'pending' || isExpired(locked, now)) {
      throw new JifenError('approval_not_pending', {
        detail: `The request is ${isExpired(locked, now) ? 'expired' : locked.status}: only a pending request can be cancelled.`,
        extensions: { approvalId, approvalStatus: isExpired(locked, now) ? 'expired' : locked.status },
      });
    }
    return recordDecision(tx, programId, approvalId, { status: 'cancelled' }, now);
  });
  return approvalView(row, now);
}

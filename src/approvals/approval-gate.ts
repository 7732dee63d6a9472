import type { Database, Queryable } from '../db/database.ts';
import { readImport } from '../imports/import-commands.ts';
import { getEntry } from '../ledger/ledger-queries.ts';
import type { Principal } from '../staff/principal.ts';
import { type Asked, BULK_ACTIONS } from './approvable-actions.ts';
import type { ApprovalAsk } from './approval-commands.ts';
import { type ApprovalPolicy, readApprovalPolicy } from './approval-policy.ts';
import type { Actor } from './approval-store.ts';

/**
 * Whether an action waits for a checker: always for staff when the program's policy says so; for
 * an API key only when the key was given the threshold (`requiresApproval`). Bulk actions wait
 * when the policy holds them all, tier assignments likewise, the rest when they move more points
 * than the threshold.
 */
export function needsApproval(policy: ApprovalPolicy, asked: Asked, points: number | null): boolean {
  if (BULK_ACTIONS.has(asked.action)) return policy.bulk;
  if (asked.action === 'tier_assignment') return policy.tierAssignments;
  return policy.pointsAbove !== null && points !== null && points > policy.pointsAbove;
}

/** Is the principal gated at all? Integration keys are not (no query on their hot path). */
export function gated(principal: Principal): boolean {
  return principal.kind === 'staff' || principal.requiresApproval;
}

export function actorOfPrincipal(principal: Principal): Actor {
  return principal.kind === 'staff'
    ? { kind: 'staff', id: principal.staffId, accountId: principal.accountId }
    : { kind: 'api_key', id: principal.keyId, accountId: null };
}

/**
 * What a request would move, and whom it is about. A reversal moves its entry's points (404 for
 * an entry the program does not have); an import must exist before anyone is asked to approve it.
 */
async function measure(
  db: Database,
  programId: string,
  asked: Asked,
): Promise<{ points: number | null; memberId: string | null; target: string | null }> {
  switch (asked.action) {
    case 'credit':
    case 'debit':
      return {
        points: asked.payload.points,
        memberId: asked.payload.memberId,
        target: asked.payload.memberId,
      };
    case 'adjustment':
      return {
        points: Math.abs(asked.payload.points),
        memberId: asked.payload.memberId,
        target: asked.payload.memberId,
      };
    case 'tier_assignment':
      return { points: null, memberId: asked.payload.memberId, target: asked.payload.memberId };
    case 'transfer':
      return {
        points: asked.payload.points,
        memberId: asked.payload.fromMemberId,
        target: asked.payload.toMemberId,
      };
    case 'reversal': {
      const entry = await getEntry(db, programId, asked.payload.entryId);
      return { points: Math.abs(entry.points), memberId: entry.memberId, target: entry.id };
    }
    case 'credit_batch':
      return {
        points: asked.payload.items.reduce((sum, item) => sum + item.points, 0),
        memberId: null,
        target: null,
      };
    case 'import_commit':
    case 'import_undo':
      await readImport(db, programId, asked.payload.importId);
      return { points: null, memberId: null, target: asked.payload.importId };
  }
}

/**
 * The approval to ask for instead of running the action now, or null when the action may run.
 * `store`: where the maker acts (already checked against their stores).
 */
export async function approvalToAsk(
  db: Database,
  principal: Principal,
  asked: Asked,
  store: string | undefined,
): Promise<ApprovalAsk | null> {
  if (!gated(principal)) return null;
  const policy = await readApprovalPolicy(db as Queryable, principal.programId);
  if (policy.pointsAbove === null && !policy.bulk && !policy.tierAssignments) return null;
  const measured = await measure(db, principal.programId, asked);
  if (!needsApproval(policy, asked, measured.points)) return null;
  return { asked, ...measured, maker: actorOfPrincipal(principal), store: store ?? null, policy };
}

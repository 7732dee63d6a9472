import type { Database, Queryable } from '../db/database.ts';
import { readImport } from '../imports/import-commands.ts';
import { getEntry } from '../ledger/ledger-queries.ts';
import { memberKeyOf } from '../members/member-store.ts';
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

interface Measured {
  points: number | null;
  memberKey: string | null;
  counterpartyKey: string | null;
  target: string | null;
}

/**
 * What a request would move, and whom it is about (by key: 404 member_not_found for a member the
 * program does not have, as the action itself would answer). A reversal moves its entry's points
 * (404 for an entry the program does not have); an import must exist before anyone is asked to
 * approve it.
 */
async function measure(db: Queryable, programId: string, asked: Asked): Promise<Measured> {
  const about = async (memberId: string, points: number | null): Promise<Measured> => ({
    points,
    memberKey: await memberKeyOf(db, programId, memberId),
    counterpartyKey: null,
    target: memberId,
  });
  switch (asked.action) {
    case 'credit':
    case 'debit':
      return about(asked.payload.memberId, asked.payload.points);
    case 'adjustment':
      return about(asked.payload.memberId, Math.abs(asked.payload.points));
    case 'tier_assignment':
      return about(asked.payload.memberId, null);
    case 'transfer':
      return {
        ...(await about(asked.payload.fromMemberId, asked.payload.points)),
        counterpartyKey: await memberKeyOf(db, programId, asked.payload.toMemberId),
        target: asked.payload.toMemberId,
      };
    case 'reversal': {
      const entry = await getEntry(db, programId, asked.payload.entryId);
      return { ...(await about(entry.memberId, Math.abs(entry.points))), target: entry.id };
    }
    case 'credit_batch': {
      const points = asked.payload.items.reduce((sum, item) => sum + item.points, 0);
      return { points, memberKey: null, counterpartyKey: null, target: null };
    }
    case 'import_commit':
    case 'import_undo':
      await readImport(db as Database, programId, asked.payload.importId);
      return { points: null, memberKey: null, counterpartyKey: null, target: asked.payload.importId };
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
  const policy = await readApprovalPolicy(db, principal.programId);
  if (policy.pointsAbove === null && !policy.bulk && !policy.tierAssignments) return null;
  const measured = await measure(db, principal.programId, asked);
  if (!needsApproval(policy, asked, measured.points)) return null;
  return { asked, ...measured, maker: actorOfPrincipal(principal), store: store ?? null, policy };
}

import type { Queryable } from '../db/database.ts';
import { memberIdOfKeySql, memberKeyOfIdSql } from '../members/member-store.ts';
import { JifenError } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import { cursorKey, type Page, toPage } from '../shared/pages.ts';
import type { ApprovableAction, Asked } from './approvable-actions.ts';

/** The approval requests table (`approval_requests`): what waits for a checker and what became of it. */

export type StoredStatus = 'pending' | 'executing' | 'approved' | 'rejected' | 'cancelled' | 'failed';
/** What the API shows: a pending request past its time is `expired`. */
export type ApprovalStatus = StoredStatus | 'expired';

export interface Actor {
  kind: 'staff' | 'api_key';
  id: string;
  /** The person behind a staff member (the same person is never their own checker). */
  accountId: string | null;
}

export interface ApprovalView {
  id: string;
  action: ApprovableAction;
  status: ApprovalStatus;
  summary: string;
  points: number | null;
  memberId: string | null;
  target: string | null;
  request: Asked['payload'];
  maker: { kind: Actor['kind']; id: string; store: string | null };
  createdAt: string;
  expiresAt: string;
  checker: { kind: Actor['kind']; id: string } | null;
  decidedAt: string | null;
  comment: string | null;
  result: { status: number; body: unknown } | null;
}

export interface ApprovalRow {
  id: string;
  action: ApprovableAction;
  payload: Asked['payload'];
  points: string | number | null;
  member_key: string | null;
  counterparty_key: string | null;
  /** The member's id now (members' ids can change while a request waits). */
  member_id: string | null;
  counterparty_id: string | null;
  target: string | null;
  summary: string;
  maker_kind: Actor['kind'];
  maker_id: string;
  maker_account_id: string | null;
  store: string | null;
  status: StoredStatus;
  created_at: Date;
  expires_at: Date;
  checker_kind: Actor['kind'] | null;
  checker_id: string | null;
  decided_at: Date | null;
  comment: string | null;
  result_status: number | null;
  result: unknown;
}

const iso = (date: Date | null) => (date ? new Date(date).toISOString() : null);

/**
 * What to execute: the stored request, about the members it was asked for as they are known now
 * (a member whose id changed meanwhile keeps the request; another member given the old id never
 * gets it).
 */
export function askedOf(row: ApprovalRow): Asked {
  const asked = { action: row.action, payload: { ...row.payload } } as Asked;
  const payload = asked.payload as Record<string, unknown>;
  if (row.member_key !== null && row.member_id !== null) {
    if ('fromMemberId' in payload) payload.fromMemberId = row.member_id;
    else if ('memberId' in payload) payload.memberId = row.member_id;
  }
  if (row.counterparty_key !== null && row.counterparty_id !== null && 'toMemberId' in payload) {
    payload.toMemberId = row.counterparty_id;
  }
  return asked;
}

/** Every column, with the members' ids as they are now. */
const SELECT = `select r.*, ${memberIdOfKeySql('r.member_key', 'r.program_id')} as member_id,
  ${memberIdOfKeySql('r.counterparty_key', 'r.program_id')} as counterparty_id
  from approval_requests r`;

export function isExpired(row: Pick<ApprovalRow, 'status' | 'expires_at'>, now: Date): boolean {
  return row.status === 'pending' && new Date(row.expires_at).getTime() <= now.getTime();
}

export function approvalView(row: ApprovalRow, now: Date): ApprovalView {
  return {
    id: row.id,
    action: row.action,
    status: isExpired(row, now) ? 'expired' : row.status,
    summary: row.summary,
    points: row.points === null ? null : Number(row.points),
    memberId: row.member_id,
    target: row.target,
    request: row.payload,
    maker: { kind: row.maker_kind, id: row.maker_id, store: row.store },
    createdAt: iso(row.created_at)!,
    expiresAt: iso(row.expires_at)!,
    checker: row.checker_kind && row.checker_id ? { kind: row.checker_kind, id: row.checker_id } : null,
    decidedAt: iso(row.decided_at),
    comment: row.comment,
    result: row.result_status === null ? null : { status: row.result_status, body: row.result },
  };
}

export interface NewApproval {
  asked: Asked;
  points: number | null;
  memberKey: string | null;
  counterpartyKey: string | null;
  target: string | null;
  summary: string;
  maker: Actor;
  store: string | null;
  expiresAt: Date;
}

export async function insertApproval(
  db: Queryable,
  programId: string,
  input: NewApproval,
  now: Date,
): Promise<ApprovalRow> {
  const id = newId('apr', now.getTime());
  await db.query(
    `insert into approval_requests
       (program_id, id, action, payload, points, member_key, counterparty_key, target, summary, maker_kind,
        maker_id, maker_account_id, store, status, created_at, expires_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'pending', $14, $15)`,
    [
      programId,
      id,
      input.asked.action,
      JSON.stringify(input.asked.payload),
      input.points,
      input.memberKey,
      input.counterpartyKey,
      input.target,
      input.summary,
      input.maker.kind,
      input.maker.id,
      input.maker.accountId,
      input.store,
      now.toISOString(),
      input.expiresAt.toISOString(),
    ],
  );
  return getApproval(db, programId, id);
}

function notFound(approvalId: string): JifenError {
  return new JifenError('approval_not_found', {
    detail: `There is no approval request "${approvalId}" in this program.`,
    extensions: { approvalId },
  });
}

export async function getApproval(
  db: Queryable,
  programId: string,
  approvalId: string,
): Promise<ApprovalRow> {
  const [row] = await db.query<ApprovalRow>(`${SELECT} where r.program_id = $1 and r.id = $2`, [
    programId,
    approvalId,
  ]);
  if (!row) throw notFound(approvalId);
  return row;
}

/** The request, locked until the transaction ends: one decision at a time. */
export async function lockApproval(
  db: Queryable,
  programId: string,
  approvalId: string,
): Promise<ApprovalRow> {
  const [row] = await db.query<ApprovalRow>(
    `${SELECT} where r.program_id = $1 and r.id = $2 for update of r`,
    [programId, approvalId],
  );
  if (!row) throw notFound(approvalId);
  return row;
}

export interface Decision {
  status: StoredStatus;
  checker?: Actor;
  comment?: string | null;
  result?: { status: number; body: unknown };
}

export async function recordDecision(
  db: Queryable,
  programId: string,
  approvalId: string,
  decision: Decision,
  now: Date,
): Promise<ApprovalRow> {
  await db.query(
    `update approval_requests
        set status = $3,
            checker_kind = coalesce($4, checker_kind), checker_id = coalesce($5, checker_id),
            decided_at = coalesce(decided_at, $6), comment = coalesce($7, comment),
            result_status = $8, result = $9
      where program_id = $1 and id = $2`,
    [
      programId,
      approvalId,
      decision.status,
      decision.checker?.kind ?? null,
      decision.checker?.id ?? null,
      now.toISOString(),
      decision.comment ?? null,
      decision.result?.status ?? null,
      decision.result === undefined ? null : JSON.stringify(decision.result.body),
    ],
  );
  return getApproval(db, programId, approvalId);
}

export interface ApprovalFilter {
  status?: ApprovalStatus | undefined;
  action?: ApprovableAction | undefined;
  makerId?: string | undefined;
  memberId?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** Newest first. `expired` and `pending` are told apart by `now`. */
export async function listApprovals(
  db: Queryable,
  programId: string,
  filter: ApprovalFilter,
  now: Date,
): Promise<Page<ApprovalView>> {
  const after = cursorKey(filter.cursor);
  const stored = filter.status === 'expired' ? 'pending' : (filter.status ?? null);
  const timing = filter.status === 'expired' ? 'expired' : filter.status === 'pending' ? 'live' : null;
  const rows = await db.query<ApprovalRow>(
    `${SELECT}
      where r.program_id = $1
        and ($2::text is null or r.status = $2)
        and ($3::text is null or ($3 = 'expired' and r.expires_at <= $4) or ($3 = 'live' and r.expires_at > $4))
        and ($5::text is null or r.action = $5)
        and ($6::text is null or r.maker_id = $6)
        and ($7::text is null or r.member_key = ${memberKeyOfIdSql('$7', 'r.program_id')})
        and ($8::text is null or r.id < $8)
      order by r.id desc limit $9`,
    [
      programId,
      stored,
      timing,
      now.toISOString(),
      filter.action ?? null,
      filter.makerId ?? null,
      filter.memberId ?? null,
      after ?? null,
      filter.limit + 1,
    ],
  );
  return toPage(rows, filter.limit, (row) => approvalView(row, now));
}

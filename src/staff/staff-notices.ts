import type { Queryable } from '../db/database.ts';
import { newId } from '../shared/ids.ts';
import { cursorKey, type Page, toPage } from '../shared/pages.ts';
import { type Permission, permissionsOfRoleName } from './permissions.ts';

/**
 * A staff member's notices: what the console's bell shows (an approval waits for them, theirs
 * was decided). A notice to a staff member whose login is an e-mail address is also mailed, on
 * serve's sweep beat (`claimNoticeMails`), when SMTP is configured.
 */
export interface StaffNotice {
  id: string;
  kind: 'approval_requested' | 'approval_decided';
  approvalId: string | null;
  text: string;
  createdAt: string;
  readAt: string | null;
}

interface NoticeRow {
  id: string;
  kind: StaffNotice['kind'];
  approval_id: string | null;
  text: string;
  created_at: Date;
  read_at: Date | null;
}

export interface NewNotice {
  staffId: string;
  kind: StaffNotice['kind'];
  approvalId: string;
  text: string;
}

const MAIL_ATTEMPTS = 5;
const iso = (date: Date | null) => (date ? new Date(date).toISOString() : null);

function toView(row: NoticeRow): StaffNotice {
  return {
    id: row.id,
    kind: row.kind,
    approvalId: row.approval_id,
    text: row.text,
    createdAt: iso(row.created_at)!,
    readAt: iso(row.read_at),
  };
}

/** Active staff of the program who hold a permission (through a built-in or a custom role). */
export async function staffHolding(
  db: Queryable,
  programId: string,
  permission: Permission,
): Promise<{ staffId: string; accountId: string; login: string }[]> {
  const rows = await db.query<{
    id: string;
    account_id: string;
    login: string;
    role: string;
    permissions: string[] | null;
  }>(
    `select s.id, s.account_id, a.login, s.role, r.permissions
       from staff s
       join staff_accounts a on a.id = s.account_id
       left join staff_roles r on r.program_id = s.program_id and r.id = s.role
      where s.program_id = $1 and s.status = 'active'
      order by s.id`,
    [programId],
  );
  return rows
    .filter((row) => {
      return permissionsOfRoleName(row.role, row.permissions).includes(permission);
    })
    .map((row) => ({ staffId: row.id, accountId: row.account_id, login: row.login }));
}

/** Adds notices; those to staff signing in with an e-mail address wait to be mailed too. */
export async function addStaffNotices(
  db: Queryable,
  programId: string,
  notices: readonly NewNotice[],
  now: Date,
): Promise<void> {
  if (notices.length === 0) return;
  await db.query(
    `insert into staff_notices
       (program_id, id, staff_id, kind, approval_id, text, created_at, email_to, email_status, email_next_at)
     select $1, n.id, n.staff_id, n.kind, n.approval_id, n.text, $2,
            case when a.login like '%@%' then a.login end,
            case when a.login like '%@%' then 'pending' else 'none' end,
            case when a.login like '%@%' then $2::timestamptz end
       from jsonb_to_recordset($3::jsonb)
              as n(id text, staff_id text, kind text, approval_id text, text text)
       join staff s on s.program_id = $1 and s.id = n.staff_id
       join staff_accounts a on a.id = s.account_id`,
    [
      programId,
      now.toISOString(),
      JSON.stringify(
        notices.map((notice) => ({
          id: newId('ntc'),
          staff_id: notice.staffId,
          kind: notice.kind,
          approval_id: notice.approvalId,
          text: notice.text,
        })),
      ),
    ],
  );
}

/** A staff member's notices, newest first; `unread` only those not yet read. */
export async function listStaffNotices(
  db: Queryable,
  programId: string,
  staffId: string,
  options: { limit: number; cursor?: string | undefined; unread?: boolean | undefined },
): Promise<Page<StaffNotice>> {
  const after = cursorKey(options.cursor);
  const rows = await db.query<NoticeRow>(
    `select id, kind, approval_id, text, created_at, read_at from staff_notices
      where program_id = $1 and staff_id = $2 and ($3::text is null or id < $3)
        and (not $4 or read_at is null)
      order by id desc limit $5`,
    [programId, staffId, after ?? null, options.unread ?? false, options.limit + 1],
  );
  return toPage(rows, options.limit, toView);
}

export async function unreadNotices(db: Queryable, programId: string, staffId: string): Promise<number> {
  const [count] = await db.query<{ unread: number }>(
    `select count(*)::int as unread from staff_notices
      where program_id = $1 and staff_id = $2 and read_at is null`,
    [programId, staffId],
  );
  return count?.unread ?? 0;
}

/** Marks a staff member's notices read (the given ones, or all); answers how many changed. */
export async function markNoticesRead(
  db: Queryable,
  programId: string,
  staffId: string,
  ids: readonly string[] | undefined,
  now: Date,
): Promise<number> {
  const rows = await db.query<{ id: string }>(
    `update staff_notices set read_at = $4
      where program_id = $1 and staff_id = $2 and read_at is null
        and ($3::text[] is null or id = any($3))
      returning id`,
    [programId, staffId, ids ?? null, now.toISOString()],
  );
  return rows.length;
}

export interface NoticeMail {
  programId: string;
  id: string;
  to: string;
  text: string;
  attempts: number;
}

/** How long a claimed mail is left to its sender before another process may try it. */
const MAIL_LEASE_MS = 5 * 60_000;

/**
 * Claims notices whose e-mail is due, oldest first: each is leased for MAIL_LEASE_MS, so two
 * serve processes never send one twice at once, and a process that dies mid-send leaves it to be
 * retried after the lease.
 */
export async function claimNoticeMails(db: Queryable, now: Date, limit = 50): Promise<NoticeMail[]> {
  const rows = await db.query<{
    program_id: string;
    id: string;
    email_to: string;
    text: string;
    email_attempts: number;
  }>(
    `update staff_notices n set email_next_at = $3
       from (select program_id, id from staff_notices
              where email_status = 'pending' and email_next_at <= $1
              order by email_next_at limit $2 for update skip locked) due
      where n.program_id = due.program_id and n.id = due.id
      returning n.program_id, n.id, n.email_to, n.text, n.email_attempts`,
    [now.toISOString(), limit, new Date(now.getTime() + MAIL_LEASE_MS).toISOString()],
  );
  return rows.map((row) => ({
    programId: row.program_id,
    id: row.id,
    to: row.email_to,
    text: row.text,
    attempts: row.email_attempts,
  }));
}

/**
 * Records a mail attempt: sent, or failed for now (retried with back-off: 1, 2, 4, 8 minutes),
 * or failed for good after the last attempt or a permanent refusal.
 */
export async function recordNoticeMail(
  db: Queryable,
  mail: NoticeMail,
  outcome: { ok: boolean; retryable: boolean },
  now: Date,
): Promise<void> {
  const attempts = mail.attempts + 1;
  const status = outcome.ok ? 'sent' : outcome.retryable && attempts < MAIL_ATTEMPTS ? 'pending' : 'failed';
  const next = status === 'pending' ? new Date(now.getTime() + 60_000 * 2 ** (attempts - 1)) : null;
  await db.query(
    `update staff_notices set email_status = $3, email_attempts = $4, email_next_at = $5
      where program_id = $1 and id = $2`,
    [mail.programId, mail.id, status, attempts, next?.toISOString() ?? null],
  );
}

import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from '../db/database.ts';
import { newId } from '../shared/ids.ts';

/**
 * Staff sessions. A session is bound to one program and one staff member. Its token (`jfs_` and
 * 32 random bytes) travels in an HTTP-only cookie (the console) or as a bearer token (scripts);
 * only its SHA-256 is stored, and for cookie sessions the SHA-256 of the CSRF token too.
 *
 * Lifetimes: a session ends 30 minutes after its last request (idle) and 12 hours after sign-in
 * (absolute), whichever comes first; a refresh gives a new token and restarts the idle time but
 * never moves the absolute end: after 12 hours, sign in again.
 */
export const SESSION_IDLE_MS = 30 * 60_000;
export const SESSION_ABSOLUTE_MS = 12 * 3_600_000;
/** `last_seen_at` is written at most this often (not on every request). */
const TOUCH_EVERY_MS = 60_000;

export const SESSION_TOKEN_PREFIX = 'jfs_';

export type SessionMode = 'cookie' | 'token';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function secret(prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

export interface SessionRow {
  id: string;
  csrf_hash: string | null;
  account_id: string;
  program_id: string;
  staff_id: string;
  mode: SessionMode;
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
  // the staff member, read in the same statement
  role: string;
  store_ids: string[];
  status: 'active' | 'disabled';
  /** The custom role's permissions (null for a built-in role). */
  role_permissions: string[] | null;
}

export interface NewSession {
  id: string;
  token: string;
  /** Cookie sessions only. */
  csrfToken: string | null;
  expiresAt: Date;
  idleExpiresAt: Date;
}

export async function createSession(
  db: Queryable,
  input: {
    accountId: string;
    programId: string;
    staffId: string;
    mode: SessionMode;
    /** A refresh keeps the absolute end of the session it replaces. */
    expiresAt?: Date;
  },
  now: Date,
): Promise<NewSession> {
  const token = secret(SESSION_TOKEN_PREFIX);
  const csrfToken = input.mode === 'cookie' ? randomBytes(24).toString('base64url') : null;
  const expiresAt = input.expiresAt ?? new Date(now.getTime() + SESSION_ABSOLUTE_MS);
  const id = newId('ses');
  await db.query(
    `insert into staff_sessions
       (id, token_hash, csrf_hash, account_id, program_id, staff_id, mode, created_at, last_seen_at, expires_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9)`,
    [
      id,
      hashToken(token),
      csrfToken ? hashToken(csrfToken) : null,
      input.accountId,
      input.programId,
      input.staffId,
      input.mode,
      now.toISOString(),
      expiresAt.toISOString(),
    ],
  );
  const idleExpiresAt = new Date(Math.min(now.getTime() + SESSION_IDLE_MS, expiresAt.getTime()));
  return { id, token, csrfToken, expiresAt, idleExpiresAt };
}

/** The session a token opens, with its staff member's role, stores and status; null if none. */
export async function findSession(db: Queryable, token: string): Promise<SessionRow | null> {
  const [row] = await db.query<SessionRow>(
    `select s.id, s.csrf_hash, s.account_id, s.program_id, s.staff_id, s.mode, s.created_at,
            s.last_seen_at, s.expires_at, s.revoked_at, st.role, st.store_ids, st.status,
            r.permissions as role_permissions
       from staff_sessions s
       join staff st on st.program_id = s.program_id and st.id = s.staff_id
       left join staff_roles r on r.program_id = st.program_id and r.id = st.role
      where s.token_hash = $1`,
    [hashToken(token)],
  );
  return row ?? null;
}

/** When the session ends if no request comes first. */
export function idleExpiryOf(row: Pick<SessionRow, 'last_seen_at' | 'expires_at'>): Date {
  return new Date(
    Math.min(new Date(row.last_seen_at).getTime() + SESSION_IDLE_MS, new Date(row.expires_at).getTime()),
  );
}

/** Notes a request on the session (at most once a minute), which restarts its idle time. */
export async function touchSession(db: Queryable, row: SessionRow, now: Date): Promise<void> {
  if (now.getTime() - new Date(row.last_seen_at).getTime() < TOUCH_EVERY_MS) return;
  await db.query('update staff_sessions set last_seen_at = $2 where id = $1 and last_seen_at < $2', [
    row.id,
    now.toISOString(),
  ]);
}

export async function revokeSession(db: Queryable, sessionId: string, now: Date): Promise<void> {
  await db.query('update staff_sessions set revoked_at = coalesce(revoked_at, $2) where id = $1', [
    sessionId,
    now.toISOString(),
  ]);
}

/** Ends every live session of a staff member, or of an account (all its programs). */
export async function revokeSessionsOf(
  db: Queryable,
  whose: { programId: string; staffId: string } | { accountId: string; exceptSessionId?: string },
  now: Date,
): Promise<void> {
  if ('staffId' in whose) {
    await db.query(
      `update staff_sessions set revoked_at = $3
        where program_id = $1 and staff_id = $2 and revoked_at is null`,
      [whose.programId, whose.staffId, now.toISOString()],
    );
    return;
  }
  await db.query(
    `update staff_sessions set revoked_at = $2
      where account_id = $1 and revoked_at is null and id <> $3`,
    [whose.accountId, now.toISOString(), whose.exceptSessionId ?? ''],
  );
}

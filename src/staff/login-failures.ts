import { createHash } from 'node:crypto';
import type { Queryable } from '../db/database.ts';

/**
 * Lock-out: 5 failed sign-ins for one login within 15 minutes lock that login for 15 minutes
 * (answered 429 `login_locked` with Retry-After, even for the right password). Failures are
 * counted by the SHA-256 of the normalised login, whether an account has it or not, so a locked
 * login tells nothing about its existence. A success clears the count.
 */
export const LOCKOUT_FAILURES = 5;
export const LOCKOUT_WINDOW_MS = 15 * 60_000;
export const LOCKOUT_MS = 15 * 60_000;

export function loginHash(login: string): string {
  return createHash('sha256').update(`login:${login}`).digest('hex');
}

/** Until when the login is locked; null when it is not. */
export async function lockedUntil(db: Queryable, login: string, now: Date): Promise<Date | null> {
  const [row] = await db.query<{ locked_until: Date | null }>(
    'select locked_until from staff_login_failures where login_hash = $1',
    [loginHash(login)],
  );
  const until = row?.locked_until ? new Date(row.locked_until) : null;
  return until && until > now ? until : null;
}

/** Counts a failure; returns when the login is locked if this failure locked it. */
export async function recordFailure(db: Queryable, login: string, now: Date): Promise<Date | null> {
  const windowStart = new Date(now.getTime() - LOCKOUT_WINDOW_MS).toISOString();
  const lockUntil = new Date(now.getTime() + LOCKOUT_MS).toISOString();
  const [row] = await db.query<{ locked_until: Date | null }>(
    `insert into staff_login_failures as f (login_hash, failures, window_started_at, locked_until)
     values ($1, 1, $2, null)
     on conflict (login_hash) do update set
       failures = case when f.window_started_at > $3 then f.failures + 1 else 1 end,
       window_started_at = case when f.window_started_at > $3 then f.window_started_at else $2 end,
       locked_until = case
         when f.window_started_at > $3 and f.failures + 1 >= $5 then $4::timestamptz
         else f.locked_until end
     returning locked_until`,
    [loginHash(login), now.toISOString(), windowStart, lockUntil, LOCKOUT_FAILURES],
  );
  const until = row?.locked_until ? new Date(row.locked_until) : null;
  return until && until > now ? until : null;
}

export async function clearFailures(db: Queryable, login: string): Promise<void> {
  await db.query('delete from staff_login_failures where login_hash = $1', [loginHash(login)]);
}

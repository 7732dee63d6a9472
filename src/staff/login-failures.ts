import { createHash } from 'node:crypto';
import type { Queryable } from '../db/database.ts';

/**
 * Lock-out: 5 failed sign-ins for one login within 15 minutes lock that login for 15 minutes
 * (answered 429 `login_locked` with Retry-After, even for the right password). Failures are
 * counted by the SHA-256 of the normalised login, whether an account has it or not, so a locked
 * login tells nothing about its existence. Attempts are counted before they are checked (see
 * `reserveAttempt`); a success clears the count.
 */
export const LOCKOUT_FAILURES = 5;
export const LOCKOUT_WINDOW_MS = 15 * 60_000;
export const LOCKOUT_MS = 15 * 60_000;

export function loginHash(login: string): string {
  return createHash('sha256').update(`login:${login}`).digest('hex');
}

/**
 * Counts a sign-in attempt *before* its password is checked, in one statement, so attempts sent
 * in parallel cannot all be checked before any failure is recorded: within the window the first
 * `LOCKOUT_FAILURES` attempts are checked, the next one locks the login, and every attempt while
 * it is locked is refused unchecked. Returns until when the login is locked when this attempt may
 * not be checked, else null. A success clears the count (`clearFailures`); an attempt that turns
 * out not to be a failure gives its count back (`releaseAttempt`).
 */
export async function reserveAttempt(db: Queryable, login: string, now: Date): Promise<Date | null> {
  const windowStart = new Date(now.getTime() - LOCKOUT_WINDOW_MS).toISOString();
  const lockUntil = new Date(now.getTime() + LOCKOUT_MS).toISOString();
  const [row] = await db.query<{ locked_until: Date | null }>(
    `insert into staff_login_failures as f (login_hash, failures, window_started_at, locked_until)
     values ($1, 1, $2, null)
     on conflict (login_hash) do update set
       failures = case
         when f.locked_until > $2 then f.failures
         when f.window_started_at > $3 then f.failures + 1
         else 1 end,
       window_started_at = case
         when f.locked_until > $2 or f.window_started_at > $3 then f.window_started_at
         else $2 end,
       locked_until = case
         when f.locked_until > $2 then f.locked_until
         when f.window_started_at > $3 and f.failures + 1 > $5 then $4::timestamptz
         else null end
     returning locked_until`,
    [loginHash(login), now.toISOString(), windowStart, lockUntil, LOCKOUT_FAILURES],
  );
  const until = row?.locked_until ? new Date(row.locked_until) : null;
  return until && until > now ? until : null;
}

/**
 * The attempt failed (it was counted when reserved): the login is locked from the failure that
 * reaches `LOCKOUT_FAILURES`. Returns until when it is locked, or null.
 */
export async function lockIfReached(db: Queryable, login: string, now: Date): Promise<Date | null> {
  const [row] = await db.query<{ locked_until: Date | null }>(
    `update staff_login_failures set locked_until = case
        when locked_until > $2 then locked_until
        when failures >= $4 then $3::timestamptz
        else locked_until end
      where login_hash = $1
      returning locked_until`,
    [
      loginHash(login),
      now.toISOString(),
      new Date(now.getTime() + LOCKOUT_MS).toISOString(),
      LOCKOUT_FAILURES,
    ],
  );
  const until = row?.locked_until ? new Date(row.locked_until) : null;
  return until && until > now ? until : null;
}

/** The attempt was not a failure (the second factor is asked for, a program to choose): uncounted. */
export async function releaseAttempt(db: Queryable, login: string): Promise<void> {
  await db.query(
    'update staff_login_failures set failures = greatest(failures - 1, 0) where login_hash = $1 and locked_until is null',
    [loginHash(login)],
  );
}

export async function clearFailures(db: Queryable, login: string): Promise<void> {
  await db.query('delete from staff_login_failures where login_hash = $1', [loginHash(login)]);
}

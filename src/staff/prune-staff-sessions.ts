import type { Queryable } from '../db/database.ts';
import { DAY_MS } from '../shared/time-units.ts';
import { LOCKOUT_WINDOW_MS } from './login-failures.ts';
import { SESSION_IDLE_MS } from './session-store.ts';

/** Days an ended session is kept (who was signed in when, for an investigation), then deleted. */
export const ENDED_SESSION_RETENTION_DAYS = 30;

/**
 * What `serve` removes of sign-in's working state: sessions that ended (revoked, past their
 * absolute end, or idle past their idle time) more than `ENDED_SESSION_RETENTION_DAYS` ago, and
 * failure counts whose window and lock are both over (they no longer lock anything). Sessions that
 * can still be used and counts that still lock are never touched. Returns what was deleted.
 */
export async function pruneStaffSignIns(
  db: Queryable,
  now: Date,
): Promise<{ sessions: number; loginFailures: number }> {
  const endedBefore = new Date(now.getTime() - ENDED_SESSION_RETENTION_DAYS * DAY_MS).toISOString();
  const sessions = await db.query(
    `delete from staff_sessions
      where least(coalesce(revoked_at, expires_at), expires_at, last_seen_at + $2::interval) < $1
      returning 1`,
    [endedBefore, `${SESSION_IDLE_MS / 1000} seconds`],
  );
  const loginFailures = await db.query(
    `delete from staff_login_failures
      where window_started_at < $1 and (locked_until is null or locked_until < $2)
      returning 1`,
    [new Date(now.getTime() - LOCKOUT_WINDOW_MS).toISOString(), now.toISOString()],
  );
  return { sessions: sessions.length, loginFailures: loginFailures.length };
}

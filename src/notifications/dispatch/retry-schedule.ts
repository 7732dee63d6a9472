/** Webhooks, email and SMS retry failures with exponential backoff for at least a day (SPEC §3.6). */
export const RETRY_WINDOW_MS = 24 * 3_600_000;
const FIRST_RETRY_MS = 30_000;
const LONGEST_WAIT_MS = 2 * 3_600_000;

/** The wait after the `attempts`-th failed attempt: 30 s, 1 min, 2 min, ... at most 2 hours. */
export function retryDelayMs(attempts: number): number {
  const doublings = Math.min(Math.max(attempts - 1, 0), 20);
  return Math.min(FIRST_RETRY_MS * 2 ** doublings, LONGEST_WAIT_MS);
}

export type FailureFate = { status: 'pending'; nextAttemptAt: Date } | { status: 'dead' };

/**
 * After a failed attempt: try again later, or give up when retrying cannot help or the retry
 * window (a day from the delivery's creation or replay) is over. The last retry is scheduled no
 * later than the window's end, so a receiver that comes back within the day always gets it.
 */
export function fateAfterFailure(
  now: Date,
  attempts: number,
  retryUntil: Date,
  retryable: boolean,
): FailureFate {
  if (!retryable || now >= retryUntil) return { status: 'dead' };
  const next = Math.min(now.getTime() + retryDelayMs(attempts), retryUntil.getTime());
  return { status: 'pending', nextAttemptAt: new Date(next) };
}

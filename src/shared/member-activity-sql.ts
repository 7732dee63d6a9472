/**
 * What each area answers about members' behaviour for segments (issue 19), as SQL the segments
 * area joins on `member_key`: one row per member with activity, never another area's tables read
 * from outside it. Every query takes the same parameters: `$1` the program, `$2` the member keys
 * (text[]; ignored for the whole program), `$3` now (timestamptz), `$4` the windows' lengths in days
 * (int[]): a window is named by its place in `$4`, so a statement's text depends on how many windows
 * it has, never on their lengths (statements are prepared by their text).
 */
export type ActivityScope = 'program' | 'keys';

/** A window of days before now; null for all time. */
export type ActivityWindow = number | null;

/** A window as a statement names it: all time, or the `index`-th length (1-based) of `$4`. */
export interface WindowRef {
  days: ActivityWindow;
  index: number;
}

/** True for rows whose `column` falls in the window ending now (N × 24 hours, whatever the zone). */
export function withinWindow(column: string, window: WindowRef): string {
  return window.days === null
    ? 'true'
    : `${column} >= $3::timestamptz - interval '24 hours' * ($4::int[])[${window.index}]`;
}

/**
 * Rows old enough to fall in none of `windows` left out before aggregating (when none is all time):
 * the longest window of the plan bounds them.
 */
export function inAnyWindow(column: string, windows: readonly WindowRef[]): string {
  if (windows.some((window) => window.days === null)) return 'true';
  return `${column} >= $3::timestamptz - interval '24 hours' * (select max(d) from unnest($4::int[]) as d)`;
}

/** `keyColumn` of the scope's members (the program is filtered by the caller). */
export function inScope(scope: ActivityScope, keyColumn: string): string {
  // The whole program still names $2, so every query of a plan types the same parameters.
  return scope === 'program' ? '($2::text[] is null or true)' : `${keyColumn} = any($2::text[])`;
}

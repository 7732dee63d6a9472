/**
 * What each area answers about members' behaviour for segments (issue 19), as SQL the segments
 * area joins on `member_key`: one row per member with activity, never another area's tables read
 * from outside it. Every query takes the same parameters: `$1` the program, `$2` the member keys
 * (text[]; ignored for the whole program), `$3` now (timestamptz).
 */
export type ActivityScope = 'program' | 'keys';

/** A window of days before now; null for all time. */
export type ActivityWindow = number | null;

/** True for rows whose `column` falls in the window ending now. */
export function withinWindow(column: string, days: ActivityWindow): string {
  return days === null ? 'true' : `${column} >= $3::timestamptz - interval '1 day' * ${Math.trunc(days)}`;
}

/** `keyColumn` of the scope's members (the program is filtered by the caller). */
export function inScope(scope: ActivityScope, keyColumn: string): string {
  // The whole program still names $2, so every query of a plan types the same parameters.
  return scope === 'program' ? '($2::text[] is null or true)' : `${keyColumn} = any($2::text[])`;
}

/**
 * Instants Jifen accepts from callers: a real date (no leap second, no 30 February) whose UTC year
 * is 1970 to 9999. Outside that, ISO strings gain a sign and six-digit years (`+010000-…`) that
 * PostgreSQL refuses, and year 0 does not exist in its calendar: refuse such input as a field
 * error rather than fail on the write.
 */
export const EARLIEST_STORABLE_MS = Date.UTC(1970, 0, 1);
export const LATEST_STORABLE_MS = Date.UTC(10_000, 0, 1) - 1;

export const NOT_STORABLE_DATE = 'is not a date between the years 1970 and 9999';

export function isStorableDate(text: string): boolean {
  const time = new Date(text).getTime();
  return !Number.isNaN(time) && time >= EARLIEST_STORABLE_MS && time <= LATEST_STORABLE_MS;
}

/** What the `date-time` format of every request schema accepts (ajv-compilers.ts). */
export const NOT_A_STORABLE_DATE_TIME =
  'is not a date-time (ISO 8601 with a time zone, e.g. 2026-03-01T08:00:00+08:00) between the years 1970 and 9999';

/**
 * Calendar dates (`date` format: birthdays, rule schedules, fixed expiry dates) may be older than
 * 1970, but year 0 does not exist in PostgreSQL's calendar; the format's four-digit year already
 * stops at 9999.
 */
export function isStorableCalendarDate(text: string): boolean {
  return !text.startsWith('0000');
}

export const NOT_A_STORABLE_DATE = 'is not a calendar date (YYYY-MM-DD) from the year 1 to 9999';

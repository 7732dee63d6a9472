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

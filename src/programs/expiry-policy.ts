import { Temporal } from 'temporal-polyfill';

/**
 * When points expire. Every deadline falls at midnight in the program's timezone: points "expire
 * on 2026-12-31" are spendable through that whole day and gone at 2027-01-01 00:00 local time.
 */
export type ExpiryPolicy =
  | { kind: 'never' }
  | { kind: 'rolling'; unit: 'days' | 'months'; count: number }
  | { kind: 'end_of_period'; unit: 'year' | 'quarter' | 'month'; plusPeriods: number }
  | { kind: 'fixed_date'; date: string };

function zoned(at: Date, timezone: string): Temporal.ZonedDateTime {
  return Temporal.Instant.fromEpochMilliseconds(at.getTime()).toZonedDateTimeISO(timezone);
}

function toDate(value: Temporal.ZonedDateTime): Date {
  return new Date(value.epochMilliseconds);
}

/**
 * The last local day each policy was asked about, with the expiry it gave. A relative expiry
 * depends only on the local date of `availableAt`, and the timezone arithmetic (Temporal) is the
 * costly part: a batch's awards, and a replay's events in time order, fall on the same day.
 */
const lastDayOf = new WeakMap<
  ExpiryPolicy,
  { timezone: string; from: number; to: number; expiresAt: Date }
>();

/** The instant at which points that became available at `availableAt` expire, or null for never. */
export function expiryFor(policy: ExpiryPolicy, availableAt: Date, timezone: string): Date | null {
  if (policy.kind === 'never') return null;
  const at = availableAt.getTime();
  const last = lastDayOf.get(policy);
  if (last && last.timezone === timezone && at >= last.from && at < last.to) return new Date(last.expiresAt);
  const day = zoned(availableAt, timezone).startOfDay();
  const expiresAt = expiryFromDay(policy, day, timezone);
  lastDayOf.set(policy, {
    timezone,
    from: day.epochMilliseconds,
    to: day.add({ days: 1 }).epochMilliseconds,
    expiresAt,
  });
  return new Date(expiresAt);
}

/** The expiry of points available on the local day that starts at `start`. */
function expiryFromDay(
  policy: Exclude<ExpiryPolicy, { kind: 'never' }>,
  start: Temporal.ZonedDateTime,
  timezone: string,
): Date {
  switch (policy.kind) {
    case 'rolling':
      return toDate(
        (policy.unit === 'days'
          ? start.add({ days: policy.count })
          : start.add({ months: policy.count })
        ).add({
          days: 1,
        }),
      );
    case 'end_of_period': {
      const periodMonths = policy.unit === 'year' ? 12 : policy.unit === 'quarter' ? 3 : 1;
      const firstMonth = Math.floor((start.month - 1) / periodMonths) * periodMonths + 1;
      const periodStart = start.with({ month: firstMonth, day: 1 });
      return toDate(periodStart.add({ months: periodMonths * (policy.plusPeriods + 1) }));
    }
    case 'fixed_date':
      return toDate(Temporal.PlainDate.from(policy.date).add({ days: 1 }).toZonedDateTime(timezone));
  }
}

/** Midnight at the start of the local day containing `at`. */
export function startOfLocalDay(at: Date, timezone: string): Date {
  return toDate(zoned(at, timezone).startOfDay());
}

export function isValidTimezone(timezone: string): boolean {
  try {
    Temporal.Now.instant().toZonedDateTimeISO(timezone);
    return true;
  } catch {
    return false;
  }
}

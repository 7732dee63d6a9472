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

/** The instant at which points that became available at `availableAt` expire, or null for never. */
export function expiryFor(policy: ExpiryPolicy, availableAt: Date, timezone: string): Date | null {
  // The local start of day is only needed by the relative policies; it is the costly part (a
  // timezone computation), and 'never' is the default on every credit's path.
  const local = () => zoned(availableAt, timezone).startOfDay();
  switch (policy.kind) {
    case 'never':
      return null;
    case 'rolling':
      return toDate(
        (policy.unit === 'days'
          ? local().add({ days: policy.count })
          : local().add({ months: policy.count })
        ).add({
          days: 1,
        }),
      );
    case 'end_of_period': {
      const periodMonths = policy.unit === 'year' ? 12 : policy.unit === 'quarter' ? 3 : 1;
      const start = local();
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

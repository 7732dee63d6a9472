import { Temporal } from 'temporal-polyfill';

const minutesOf = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

/**
 * When an SMS due at `at` may go out: `at` itself, or the end of the quiet hours it falls in
 * (in the program's timezone). Quiet hours may span midnight (21:00–09:00).
 */
export function afterQuietHours(
  at: Date,
  quiet: { start: string; end: string } | null,
  timezone: string,
): Date {
  if (!quiet) return at;
  const local = Temporal.Instant.fromEpochMilliseconds(at.getTime()).toZonedDateTimeISO(timezone);
  const now = local.hour * 60 + local.minute;
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  const spansMidnight = start > end;
  const quietNow = spansMidnight ? now >= start || now < end : now >= start && now < end;
  if (!quietNow) return at;
  const endDay = spansMidnight && now >= start ? local.toPlainDate().add({ days: 1 }) : local.toPlainDate();
  // In the hour a DST change repeats, the end's later reading is the one still ahead of `at`.
  const endAt = endDay
    .toPlainDateTime(Temporal.PlainTime.from(quiet.end))
    .toZonedDateTime(timezone, { disambiguation: 'later' });
  return new Date(Math.max(endAt.epochMilliseconds, at.getTime()));
}

import { Temporal } from 'temporal-polyfill';
import { DAY_MS } from '../shared/time-units.ts';
import type { LocalDateTime } from './retail-csv.ts';

/**
 * The data's dates moved to now: every invoice keeps its wall-clock time, read in the program's
 * timezone, and moves by the same whole number of days, so the data's last day becomes yesterday.
 */

/** Days since 1970-01-01 of a calendar date (no timezone involved). */
export function epochDay(date: { year: number; month: number; day: number }): number {
  return Date.UTC(date.year, date.month - 1, date.day) / DAY_MS;
}

/** The calendar date `days` days after 1970-01-01, as YYYY-MM-DD. */
export function isoDateOfEpochDay(days: number): string {
  return new Date(days * DAY_MS).toISOString().slice(0, 10);
}

/** ISO weekday (1 = Monday … 7 = Sunday) of a day counted from 1970-01-01 (a Thursday). */
export function weekdayOfEpochDay(days: number): number {
  return ((((days + 3) % 7) + 7) % 7) + 1;
}

/** Yesterday's date in the timezone, as days since 1970-01-01. */
export function yesterdayEpochDay(now: Date, timezone: string): number {
  const today = Temporal.Instant.fromEpochMilliseconds(now.getTime()).toZonedDateTimeISO(timezone);
  return epochDay(today) - 1;
}

/**
 * Turns shifted wall-clock times into instants in one timezone. The UTC offset is looked up once per
 * local hour (Temporal is slow enough to matter over 26,000 rows); a time in a daylight-saving gap
 * moves forward, as Temporal's 'compatible' choice does.
 */
export class ShiftedClock {
  private readonly offsets = new Map<number, number>();

  constructor(
    readonly timezone: string,
    readonly shiftDays: number,
  ) {}

  /** Days since 1970-01-01 of the shifted local date. */
  localDay(at: LocalDateTime): number {
    return epochDay(at) + this.shiftDays;
  }

  instant(at: LocalDateTime): Date {
    const day = this.localDay(at);
    const hourKey = day * 24 + at.hour;
    let offset = this.offsets.get(hourKey);
    if (offset === undefined) {
      const wall = hourKey * 3_600_000;
      const start = new Date(wall);
      const zoned = Temporal.PlainDateTime.from({
        year: start.getUTCFullYear(),
        month: start.getUTCMonth() + 1,
        day: start.getUTCDate(),
        hour: at.hour,
      }).toZonedDateTime(this.timezone, { disambiguation: 'compatible' });
      offset = wall - zoned.epochMilliseconds;
      this.offsets.set(hourKey, offset);
    }
    return new Date(hourKey * 3_600_000 + at.minute * 60_000 - offset);
  }
}

/** The local date of instants in one timezone, as days since 1970-01-01 (offsets cached per UTC hour). */
export class LocalDays {
  private readonly offsets = new Map<number, number>();

  constructor(readonly timezone: string) {}

  of(at: Date): number {
    const hour = Math.floor(at.getTime() / 3_600_000);
    let offset = this.offsets.get(hour);
    if (offset === undefined) {
      const zoned = Temporal.Instant.fromEpochMilliseconds(hour * 3_600_000).toZonedDateTimeISO(
        this.timezone,
      );
      offset = zoned.offsetNanoseconds / 1_000_000;
      this.offsets.set(hour, offset);
    }
    return Math.floor((at.getTime() + offset) / DAY_MS);
  }
}

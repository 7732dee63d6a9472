import { Temporal } from 'temporal-polyfill';
import { MAX_POINTS } from '../shared/api-schemas.ts';
import { EARLIEST_STORABLE_MS, LATEST_STORABLE_MS } from '../shared/storable-dates.ts';
import { findUnstorable } from '../shared/storable-input.ts';
import { UNREADABLE } from './decode-text.ts';

/** A problem of one field of a row: its column and what to fix. */
export interface FieldProblem {
  column: string;
  message: string;
}

/** What the values of a row are read against: the program's timezone (dates without one) and now. */
export interface RowContext {
  timezone: string;
  now: Date;
}

const LOCAL_DATE_TIME = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const WITH_ZONE = /(?:Z|[+-]\d{2}:?\d{2})$/i;

/**
 * Reads the fields of one row, collecting every problem (a row with three mistakes gets three
 * messages, each with its column). CSV values are text; JSON lines may carry numbers and arrays.
 */
export class RowFields {
  readonly problems: FieldProblem[] = [];

  constructor(
    private readonly values: Readonly<Record<string, unknown>>,
    private readonly context: RowContext,
  ) {
    for (const [column, value] of Object.entries(values)) {
      if (typeof value === 'string' && value.includes(UNREADABLE)) {
        this.problem(
          column,
          'has bytes that are no character in the encoding given: check the file’s encoding',
        );
      } else if (findUnstorable(value, '') !== null) {
        this.problem(column, 'has what cannot be stored: NUL, a broken surrogate, or nesting past 32 levels');
      }
    }
  }

  problem(column: string, message: string): void {
    if (!this.problems.some((problem) => problem.column === column)) this.problems.push({ column, message });
  }

  has(column: string): boolean {
    return this.values[column] !== undefined;
  }

  text(
    column: string,
    options: { required?: boolean; maxLength?: number; pattern?: RegExp; hint?: string } = {},
  ) {
    const value = this.values[column];
    if (value === undefined) {
      if (options.required) this.problem(column, 'is required');
      return undefined;
    }
    const text = typeof value === 'number' ? String(value) : value;
    if (typeof text !== 'string') return this.wrong(column, 'must be text');
    const max = options.maxLength ?? 200;
    if (text.length > max) return this.wrong(column, `is ${text.length} characters long: at most ${max}`);
    if (options.pattern && !options.pattern.test(text))
      return this.wrong(column, options.hint ?? 'has a bad format');
    return text;
  }

  oneOf<T extends string>(column: string, allowed: readonly T[], options: { required?: boolean } = {}) {
    const text = this.text(column, options);
    if (text === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(text))
      return this.wrong(column, `must be one of ${allowed.join(', ')}`);
    return text as T;
  }

  /** A whole number of points (or minor units): `min`..`max`, no decimals, no thousands separators. */
  integer(column: string, options: { required?: boolean; min?: number; max?: number } = {}) {
    const value = this.values[column];
    if (value === undefined) {
      if (options.required) this.problem(column, 'is required');
      return undefined;
    }
    const text = String(value).trim();
    const min = options.min ?? 0;
    const max = options.max ?? MAX_POINTS;
    if (!/^-?\d+$/.test(text))
      return this.wrong(column, `must be a whole number (${min} to ${max}), without decimals or separators`);
    const number = Number(text);
    if (!Number.isSafeInteger(number) || number < min || number > max)
      return this.wrong(column, `is ${text}: must be from ${min} to ${max}`);
    return number;
  }

  /**
   * An instant: ISO 8601 with a zone (2024-03-01T08:00:00+08:00), or a local date and time
   * (2024-03-01 08:00, 2024/3/1, a date alone meaning its start) in the program's timezone.
   */
  instant(column: string, options: { required?: boolean; notFuture?: boolean } = {}) {
    const text = this.text(column, { required: options.required ?? false, maxLength: 40 });
    if (text === undefined) return undefined;
    const at = parseInstant(text, this.context.timezone);
    if (at === null)
      return this.wrong(
        column,
        'is not a date: use 2024-03-01T08:00:00+08:00, or 2024-03-01 08:00 in the program’s timezone',
      );
    if (options.notFuture && at.getTime() > this.context.now.getTime())
      return this.wrong(column, `is in the future (${at.toISOString()}): history must have happened already`);
    return at;
  }

  /** A calendar date (a birthday): YYYY-MM-DD. */
  calendarDate(column: string) {
    const text = this.text(column, { maxLength: 10 });
    if (text === undefined) return undefined;
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
    let valid = match !== null && match[1] !== '0000';
    if (valid) {
      try {
        Temporal.PlainDate.from(
          { year: Number(match![1]), month: Number(match![2]), day: Number(match![3]) },
          { overflow: 'reject' },
        );
      } catch {
        valid = false;
      }
    }
    return valid ? text : this.wrong(column, 'must be a date YYYY-MM-DD, e.g. 1990-05-01');
  }

  /** A list: a JSON array, or text split on `|` (tags: `vip|new`). */
  list(column: string, options: { maxItems: number; maxLength: number }) {
    const value = this.values[column];
    if (value === undefined) return undefined;
    const items = Array.isArray(value)
      ? value
      : String(value)
          .split('|')
          .map((item) => item.trim());
    const kept = items.filter((item) => item !== '');
    if (kept.some((item) => typeof item !== 'string' || item.length > options.maxLength))
      return this.wrong(column, `must be texts of at most ${options.maxLength} characters, separated by |`);
    if (kept.length > options.maxItems)
      return this.wrong(column, `has ${kept.length} items: at most ${options.maxItems}`);
    return [...new Set(kept as string[])];
  }

  /** A JSON object (a CSV cell holding JSON, or an object in JSON lines). */
  object(column: string) {
    const value = this.values[column];
    if (value === undefined) return undefined;
    let parsed: unknown = value;
    if (typeof value === 'string') {
      try {
        parsed = JSON.parse(value);
      } catch {
        return this.wrong(column, 'must be a JSON object, e.g. {"channel":"store"}');
      }
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      return this.wrong(column, 'must be a JSON object, e.g. {"channel":"store"}');
    if (findUnstorable(parsed, '') !== null)
      return this.wrong(
        column,
        'has what cannot be stored: NUL, a broken surrogate, or nesting past 32 levels',
      );
    return parsed as Record<string, unknown>;
  }

  private wrong(column: string, message: string): undefined {
    this.problem(column, message);
    return undefined;
  }
}

export function parseInstant(text: string, timezone: string): Date | null {
  let ms: number;
  if (WITH_ZONE.test(text)) {
    ms = Date.parse(text);
    if (!/^\d{4}-\d{2}-\d{2}T/.test(text)) return null;
  } else {
    const match = LOCAL_DATE_TIME.exec(text);
    if (!match) return null;
    const [, year, month, day, hour, minute, second] = match;
    try {
      ms = Temporal.PlainDateTime.from(
        {
          year: Number(year),
          month: Number(month),
          day: Number(day),
          hour: Number(hour ?? 0),
          minute: Number(minute ?? 0),
          second: Number(second ?? 0),
        },
        { overflow: 'reject' },
      ).toZonedDateTime(timezone, { disambiguation: 'compatible' }).epochMilliseconds;
    } catch {
      return null;
    }
  }
  if (Number.isNaN(ms) || ms < EARLIEST_STORABLE_MS || ms > LATEST_STORABLE_MS) return null;
  return new Date(ms);
}

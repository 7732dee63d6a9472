import { Temporal } from 'temporal-polyfill';

import type { MemberFacts } from '../members/member-types.ts';

/** What a rule can look at: plain data, loaded before the rules decide anything. */

export interface LineItem {
  sku: string;
  category?: string;
  quantity: number;
  unitPriceMinor: number;
  /** The line's amount after discounts; quantity × unitPriceMinor when absent. */
  amountMinor?: number;
}

export interface EventFacts {
  id: string;
  type: string;
  occurredAt: Date;
  /** The event's attributes as sent: amountMinor, currency, orderId, items, channel, store, ... */
  attributes: Readonly<Record<string, unknown>>;
}

/** The event's moment in the program's timezone. */
export interface LocalMoment {
  date: string;
  month: number;
  monthDay: number;
  /** 1 = Monday … 7 = Sunday (ISO). */
  weekday: number;
  hour: number;
  minute: number;
}

export interface RuleFacts {
  event: EventFacts;
  member: MemberFacts;
  time: LocalMoment;
  items: readonly LineItem[];
}

export function localMoment(at: Date, timezone: string): LocalMoment {
  const offsetMs = offsetAt(at.getTime(), timezone);
  // The local wall time, read through the UTC fields of a date shifted by the zone's offset.
  const local = new Date(at.getTime() + (offsetMs ?? 0));
  const year = local.getUTCFullYear();
  // Temporal writes years past 9999 with a sign and six digits: leave those to it.
  if (offsetMs === null || year > 9999) {
    const zoned = Temporal.Instant.fromEpochMilliseconds(at.getTime()).toZonedDateTimeISO(timezone);
    return {
      date: zoned.toPlainDate().toString(),
      month: zoned.month,
      monthDay: zoned.day,
      weekday: zoned.dayOfWeek,
      hour: zoned.hour,
      minute: zoned.minute,
    };
  }
  const month = local.getUTCMonth() + 1;
  const monthDay = local.getUTCDate();
  return {
    date: `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(monthDay).padStart(2, '0')}`,
    month,
    monthDay,
    weekday: local.getUTCDay() || 7,
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
  };
}

const QUARTER_HOUR_MS = 15 * 60_000;
/** A zone's UTC offset per quarter hour of UTC time, where it is the same at both ends of it. */
const offsets = new Map<string, number | null>();

/**
 * The zone's offset from UTC at `epochMs`, from a cache by quarter hour: time-zone rules (Temporal)
 * cost more than everything else rules do with an event's time. A quarter hour whose two ends have
 * different offsets (a transition inside it) is not cached: null, and the caller asks Temporal.
 */
function offsetAt(epochMs: number, timezone: string): number | null {
  const start = Math.floor(epochMs / QUARTER_HOUR_MS) * QUARTER_HOUR_MS;
  const key = `${timezone}\u0000${start}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    const at = (ms: number) =>
      Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(timezone).offsetNanoseconds / 1e6;
    const first = at(start);
    offset = first === at(start + QUARTER_HOUR_MS - 1) ? first : null;
    if (offsets.size >= 100_000) offsets.clear();
    offsets.set(key, offset);
  }
  return offset;
}

export function itemAmountMinor(item: LineItem): number {
  return item.amountMinor ?? item.quantity * item.unitPriceMinor;
}

export function ruleFacts(event: EventFacts, member: MemberFacts, timezone: string): RuleFacts {
  const items = Array.isArray(event.attributes.items) ? (event.attributes.items as LineItem[]) : [];
  return { event, member, time: localMoment(event.occurredAt, timezone), items };
}

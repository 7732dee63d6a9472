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

export function itemAmountMinor(item: LineItem): number {
  return item.amountMinor ?? item.quantity * item.unitPriceMinor;
}

export function ruleFacts(event: EventFacts, member: MemberFacts, timezone: string): RuleFacts {
  const items = Array.isArray(event.attributes.items) ? (event.attributes.items as LineItem[]) : [];
  return { event, member, time: localMoment(event.occurredAt, timezone), items };
}

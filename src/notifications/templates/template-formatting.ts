import type { Reason } from '../../ledger/ledger-types.ts';
import type { Language } from '../message-types.ts';

/** How values look inside messages: the same in zh-CN and en, like the ledger's reasons (`1,200`). */

const POINTS = new Intl.NumberFormat('en-US');

export const formatPoints = (points: number): string => POINTS.format(points);

export const reasonText = (reason: Reason, language: Language): string =>
  language === 'zh-CN' ? reason.zh : reason.en;

// Building an Intl.DateTimeFormat costs far more than formatting with one, and a fan-out renders
// thousands of messages for the same few program timezones.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timezone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timezone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timezone, formatter);
  }
  return formatter;
}

// The messages of one commit share their instant: the last one's parts are kept per timezone.
const lastParts = new Map<string, { instant: string; parts: Record<string, string> }>();

function localParts(instant: string, timezone: string): Record<string, string> | null {
  const last = lastParts.get(timezone);
  if (last?.instant === instant) return last.parts;
  const at = new Date(instant);
  // A bad timestamp must not stop a message from going out: the field renders empty instead.
  if (Number.isNaN(at.getTime())) return null;
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timezone).formatToParts(at)) parts[part.type] = part.value;
  if (lastParts.size > 64) lastParts.clear();
  lastParts.set(timezone, { instant, parts });
  return parts;
}

/** `2027-01-01` for 2026-12-31T16:30Z in Asia/Shanghai; empty for a missing or invalid instant. */
export function localDate(instant: string | null, timezone: string): string {
  const parts = instant === null ? null : localParts(instant, timezone);
  return parts ? `${parts['year']}-${parts['month']}-${parts['day']}` : '';
}

/** `2027-01-01 00:30` for 2026-12-31T16:30Z in Asia/Shanghai; empty for a missing or invalid instant. */
export function localDateTime(instant: string | null, timezone: string): string {
  const parts = instant === null ? null : localParts(instant, timezone);
  return parts
    ? `${parts['year']}-${parts['month']}-${parts['day']} ${parts['hour']}:${parts['minute']}`
    : '';
}

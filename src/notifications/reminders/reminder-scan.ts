/**
 * What one reminder pass of a program looks at, from how far the passes before it got. A reminder
 * becomes due in two ways: time passes, so a lot's expiry crosses the frontier "now + offset" (the
 * bands: expiries between the last pass's frontier and this one's), or points arrive behind the
 * frontier (a lot earned, released or restored that expires within the largest offset: the journal
 * entries made since the last pass). Nothing else can make a reminder due.
 */

/**
 * How much earlier than the last pass began the next one reads the journal from: an entry's id
 * carries the wall-clock time it was made at, and its transaction may commit a little later (on
 * another server, whose clock may be a little off) — after the pass that should have seen it.
 */
export const LATE_COMMIT_MARGIN_MS = 10 * 60_000;

import type { ExpiryBand } from '../../ledger/expiry-queries.ts';
import { DAY_MS } from '../../shared/time-units.ts';

export interface OffsetProgress {
  offsetDays: number;
  /** Every available lot expiring up to here was looked at for this offset. */
  scannedUntil: Date;
  /** The wall-clock time that pass began reading the journal (journal ids carry the wall clock). */
  entriesReadAt: Date;
}

/** Expiries in (after, until]. */
export interface ReminderScan {
  bands: ExpiryBand[];
  /** Journal entries with a greater id are read; null when every band is whole (nothing is behind). */
  entriesAfter: string | null;
}

export function planReminderScan(
  offsetsDays: readonly number[],
  progress: readonly OffsetProgress[],
  now: Date,
): ReminderScan {
  const known = new Map(progress.map((row) => [row.offsetDays, row]));
  const bands: ExpiryBand[] = [];
  let readAt: number | null = null;
  for (const offsetDays of offsetsDays) {
    const row = known.get(offsetDays);
    // Expired lots need no reminder; an offset with no progress yet looks at its whole window.
    const after = Math.max(row?.scannedUntil.getTime() ?? 0, now.getTime());
    const until = now.getTime() + offsetDays * DAY_MS;
    if (after < until) bands.push({ after: new Date(after), until: new Date(until) });
    // Points behind this frontier (expiring up to scanned_until) are found in the journal; none
    // are when the frontier is behind now (an offset long out of use, a server down that long).
    if (row !== undefined && row.scannedUntil.getTime() > now.getTime()) {
      readAt = Math.min(readAt ?? Number.POSITIVE_INFINITY, row.entriesReadAt.getTime());
    }
  }
  const entriesAfter = readAt === null ? null : entryIdFloor(readAt - LATE_COMMIT_MARGIN_MS);
  return { bands: mergeBands(bands), entriesAfter };
}

/** Overlapping bands as one, so no lot is read twice in a pass. */
function mergeBands(bands: ExpiryBand[]): ExpiryBand[] {
  const merged: ExpiryBand[] = [];
  for (const band of [...bands].sort((a, b) => a.after.getTime() - b.after.getTime())) {
    const last = merged.at(-1);
    if (last && band.after.getTime() <= last.until.getTime()) {
      if (band.until.getTime() > last.until.getTime()) last.until = band.until;
    } else {
      merged.push({ ...band });
    }
  }
  return merged;
}

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'; // as in shared/ids.ts

/**
 * A string that sorts before the id of every journal entry made from `millis` on and after every
 * entry made before: `ent_` and the time part of a ULID-style id (shared/ids.ts: 48 bits of
 * milliseconds in ten characters, then two zero bits), without the random part.
 */
export function entryIdFloor(millis: number): string {
  let value = Math.max(0, millis) * 4;
  let time = '';
  for (let index = 0; index < 10; index++) {
    time = ALPHABET[value % 32] + time;
    value = Math.floor(value / 32);
  }
  return `ent_${time}`;
}

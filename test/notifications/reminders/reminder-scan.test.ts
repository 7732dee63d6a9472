import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  entryIdFloor,
  LATE_COMMIT_MARGIN_MS,
  planReminderScan,
} from '../../../src/notifications/reminders/reminder-scan.ts';
import { newId } from '../../../src/shared/ids.ts';
import { DAY_MS } from '../../../src/shared/time-units.ts';

/** What a reminder pass reads, from how far the passes before it got (pure). */
const NOW = new Date('2026-12-01T02:00:00Z');
const at = (days: number) => new Date(NOW.getTime() + days * DAY_MS);
const MINUTE_DAYS = 60_000 / DAY_MS;
const READ_AT = new Date(NOW.getTime() - 60_000);

const bands = (scan: ReturnType<typeof planReminderScan>) =>
  scan.bands.map((band) => [band.after.toISOString(), band.until.toISOString()]);

describe('planReminderScan', () => {
  test('a first pass reads the whole window once and no journal', () => {
    const scan = planReminderScan([30, 7, 1], [], NOW);
    expect(bands(scan)).toEqual([[NOW.toISOString(), at(30).toISOString()]]);
    expect(scan.entriesAfter).toBeNull();
  });

  test('a pass a minute after the last reads the minute each frontier moved, and the journal since', () => {
    const progress = [30, 7, 1].map((offsetDays) => ({
      offsetDays,
      scannedUntil: at(offsetDays - MINUTE_DAYS),
      entriesReadAt: READ_AT,
    }));
    const scan = planReminderScan([30, 7, 1], progress, NOW);
    expect(bands(scan)).toEqual(
      [1, 7, 30].map((days) => [at(days - MINUTE_DAYS).toISOString(), at(days).toISOString()]),
    );
    expect(scan.entriesAfter).toBe(entryIdFloor(READ_AT.getTime() - LATE_COMMIT_MARGIN_MS));
  });

  test('after downtime the bands catch up from where they stopped, merged where they overlap', () => {
    const progress = [30, 7, 1].map((offsetDays) => ({
      offsetDays,
      scannedUntil: at(offsetDays - 10),
      entriesReadAt: at(-10),
    }));
    const scan = planReminderScan([30, 7, 1], progress, NOW);
    expect(bands(scan)).toEqual([
      [NOW.toISOString(), at(7).toISOString()],
      [at(20).toISOString(), at(30).toISOString()],
    ]);
    expect(scan.entriesAfter).toBe(entryIdFloor(at(-10).getTime() - LATE_COMMIT_MARGIN_MS));
  });

  test('a new offset reads its whole window; a clock set back reads no band but still the journal', () => {
    const progress = [{ offsetDays: 30, scannedUntil: at(30), entriesReadAt: READ_AT }];
    const scan = planReminderScan([30, 14], progress, NOW);
    expect(bands(scan)).toEqual([[NOW.toISOString(), at(14).toISOString()]]);
    expect(scan.entriesAfter).toBe(entryIdFloor(READ_AT.getTime() - LATE_COMMIT_MARGIN_MS));
    const back = planReminderScan([30], [{ ...progress[0]!, scannedUntil: at(31) }], NOW);
    expect(back.bands).toEqual([]);
    expect(back.entriesAfter).toBe(scan.entriesAfter);
  });

  test('the journal is read from the oldest progress of the offsets in use', () => {
    const progress = [
      { offsetDays: 30, scannedUntil: at(30), entriesReadAt: READ_AT },
      { offsetDays: 7, scannedUntil: at(7), entriesReadAt: at(-1) },
      { offsetDays: 3, scannedUntil: at(3), entriesReadAt: at(-5) },
    ];
    const floor = (days: number) => entryIdFloor(at(days).getTime() - LATE_COMMIT_MARGIN_MS);
    expect(planReminderScan([30, 7], progress, NOW).entriesAfter).toBe(floor(-1));
    expect(planReminderScan([30, 3, 1], progress, NOW).entriesAfter).toBe(floor(-5));
  });

  test('an offset whose frontier is behind now reads its whole window and not the journal since then', () => {
    const progress = [
      { offsetDays: 30, scannedUntil: at(30 - MINUTE_DAYS), entriesReadAt: READ_AT },
      { offsetDays: 14, scannedUntil: at(-100), entriesReadAt: at(-114) },
    ];
    const scan = planReminderScan([30, 14], progress, NOW);
    expect(bands(scan)).toEqual([
      [NOW.toISOString(), at(14).toISOString()],
      [at(30 - MINUTE_DAYS).toISOString(), at(30).toISOString()],
    ]);
    expect(scan.entriesAfter).toBe(entryIdFloor(READ_AT.getTime() - LATE_COMMIT_MARGIN_MS));
    expect(planReminderScan([14], progress, NOW).entriesAfter).toBeNull();
  });
});

describe('entryIdFloor', () => {
  // newId never goes back in time within a process: each id here is made later than the last.
  test('sorts after every entry id made before the instant and before every one made from it on', () => {
    let millis = Date.parse('2040-01-01T00:00:00Z');
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 2 ** 40 }), (step) => {
        millis += step;
        const ids = [-1, 0, 1].map((offset) => newId('ent', millis + offset));
        const floor = entryIdFloor(millis);
        expect(ids.map((id) => id > floor)).toEqual([false, true, true]);
        expect(entryIdFloor(millis - 1) < floor && floor < entryIdFloor(millis + 1)).toBe(true);
      }),
    );
    expect(entryIdFloor(-5)).toBe('ent_0000000000');
  });
});

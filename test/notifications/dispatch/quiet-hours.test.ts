import { describe, expect, test } from 'vitest';
import { afterQuietHours } from '../../../src/notifications/dispatch/quiet-hours.ts';

const NIGHT = { start: '21:00', end: '09:00' };

describe('SMS quiet hours', () => {
  test.each([
    // Asia/Shanghai is UTC+8 all year.
    ['outside: at once', '2026-11-24T02:00:00Z', NIGHT, 'Asia/Shanghai', '2026-11-24T02:00:00.000Z'],
    [
      '23:00 local waits for 09:00 the next day',
      '2026-11-24T15:00:00Z',
      NIGHT,
      'Asia/Shanghai',
      '2026-11-25T01:00:00.000Z',
    ],
    [
      '02:00 local waits for 09:00 the same day',
      '2026-11-24T18:00:00Z',
      NIGHT,
      'Asia/Shanghai',
      '2026-11-25T01:00:00.000Z',
    ],
    ['exactly 09:00 goes', '2026-11-25T01:00:00Z', NIGHT, 'Asia/Shanghai', '2026-11-25T01:00:00.000Z'],
    ['exactly 21:00 waits', '2026-11-24T13:00:00Z', NIGHT, 'Asia/Shanghai', '2026-11-25T01:00:00.000Z'],
    [
      'a daytime window',
      '2026-11-24T05:00:00Z',
      { start: '12:00', end: '14:00' },
      'Asia/Shanghai',
      '2026-11-24T06:00:00.000Z',
    ],
    // New York, 1 November 2026: 01:00–02:00 happens twice (EDT, then EST). 01:10 EST is inside
    // 21:00–01:30; the end still ahead is 01:30 EST, not the 01:30 EDT already past.
    [
      'the repeated DST hour',
      '2026-11-01T06:10:00Z',
      { start: '21:00', end: '01:30' },
      'America/New_York',
      '2026-11-01T06:30:00.000Z',
    ],
    // 8 March 2026: 02:00–03:00 does not exist; an end of 02:30 falls at 03:30 EDT.
    [
      'a skipped DST hour',
      '2026-03-08T06:30:00Z',
      { start: '22:00', end: '02:30' },
      'America/New_York',
      '2026-03-08T07:30:00.000Z',
    ],
  ])('%s', (_name, at, quiet, timezone, expected) => {
    const sendAt = afterQuietHours(new Date(at), quiet, timezone);
    expect(sendAt.toISOString()).toBe(expected);
    expect(sendAt.getTime()).toBeGreaterThanOrEqual(new Date(at).getTime());
  });

  test('no quiet hours: at once', () => {
    expect(afterQuietHours(new Date('2026-11-24T15:00:00Z'), null, 'Asia/Shanghai').toISOString()).toBe(
      '2026-11-24T15:00:00.000Z',
    );
  });
});

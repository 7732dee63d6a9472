import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, test } from 'vitest';
import { localMoment } from '../../src/rules/rule-facts.ts';

/** What Temporal says, field by field: the reference the cached offsets must agree with. */
function byTemporal(at: Date, timezone: string) {
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

const ZONES = [
  'Asia/Shanghai',
  'UTC',
  'America/New_York',
  'Europe/London',
  'Australia/Lord_Howe', // a half-hour daylight saving shift
  'Asia/Kathmandu', // +05:45
  'Australia/Eucla', // +08:45
  'Africa/Monrovia', // -00:44:30 until 1972-01-07: a transition off the quarter hour
  'Pacific/Chatham',
  'America/St_Johns',
];

describe('local moments of an instant in a program timezone', () => {
  test('agree with Temporal for any instant from 1970 to 9999, in every kind of zone', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 253_402_300_799_999 }), fc.constantFrom(...ZONES), (ms, zone) => {
        const at = new Date(ms);
        expect(localMoment(at, zone)).toEqual(byTemporal(at, zone));
      }),
      { numRuns: 3_000 },
    );
  });

  test('agree around transitions: every minute of the days clocks change', () => {
    const days = [
      ['America/New_York', '2026-03-08T00:00:00Z'],
      ['America/New_York', '2026-11-01T00:00:00Z'],
      ['Europe/London', '2026-03-29T00:00:00Z'],
      ['Australia/Lord_Howe', '2026-04-04T12:00:00Z'],
      ['Africa/Monrovia', '1972-01-06T12:00:00Z'],
    ] as const;
    for (const [zone, from] of days) {
      const start = Date.parse(from);
      for (let minute = 0; minute < 36 * 60; minute += 1) {
        for (const second of [0, 29, 59]) {
          const at = new Date(start + minute * 60_000 + second * 1000);
          expect(localMoment(at, zone), `${zone} ${at.toISOString()}`).toEqual(byTemporal(at, zone));
        }
      }
    }
  });
});

import { describe, expect, test } from 'vitest';
import { type ExpiryPolicy, expiryFor, isValidTimezone, startOfLocalDay } from './expiry-policy.ts';

const SHANGHAI = 'Asia/Shanghai';

/** Midnight in Shanghai (UTC+8, no DST) at the start of a local date, as a UTC ISO string. */
function shanghaiMidnight(localDate: string): string {
  return new Date(Date.parse(`${localDate}T00:00:00+08:00`)).toISOString();
}

interface Case {
  name: string;
  policy: ExpiryPolicy;
  availableAt: string;
  timezone?: string;
  expiresAt: string | null;
}

const cases: Case[] = [
  { name: 'never', policy: { kind: 'never' }, availableAt: '2026-03-01T02:00:00Z', expiresAt: null },
  {
    name: 'rolling 30 days: through the 30th day after, gone at the next local midnight',
    policy: { kind: 'rolling', unit: 'days', count: 30 },
    availableAt: '2026-03-01T02:00:00Z', // 10:00 on 1 March in Shanghai
    expiresAt: shanghaiMidnight('2026-04-01'),
  },
  {
    name: 'rolling 30 days, earned 23:59 Shanghai: still the 1 March day',
    policy: { kind: 'rolling', unit: 'days', count: 30 },
    availableAt: '2026-03-01T15:59:00Z',
    expiresAt: shanghaiMidnight('2026-04-01'),
  },
  {
    name: 'rolling 30 days, earned 00:01 Shanghai: already the 2 March day, one day more',
    policy: { kind: 'rolling', unit: 'days', count: 30 },
    availableAt: '2026-03-01T16:01:00Z',
    expiresAt: shanghaiMidnight('2026-04-02'),
  },
  {
    name: 'rolling 1 day',
    policy: { kind: 'rolling', unit: 'days', count: 1 },
    availableAt: '2026-03-01T02:00:00Z',
    expiresAt: shanghaiMidnight('2026-03-03'),
  },
  {
    name: 'rolling 12 months',
    policy: { kind: 'rolling', unit: 'months', count: 12 },
    availableAt: '2026-03-01T02:00:00Z',
    expiresAt: shanghaiMidnight('2027-03-02'),
  },
  {
    name: 'rolling 1 month from 31 January: the end of February, not 3 March',
    policy: { kind: 'rolling', unit: 'months', count: 1 },
    availableAt: '2026-01-31T02:00:00Z',
    expiresAt: shanghaiMidnight('2026-03-01'),
  },
  {
    name: 'end of this year',
    policy: { kind: 'end_of_period', unit: 'year', plusPeriods: 0 },
    availableAt: '2026-03-01T02:00:00Z',
    expiresAt: shanghaiMidnight('2027-01-01'),
  },
  {
    name: 'end of next year',
    policy: { kind: 'end_of_period', unit: 'year', plusPeriods: 1 },
    availableAt: '2026-03-01T02:00:00Z',
    expiresAt: shanghaiMidnight('2028-01-01'),
  },
  {
    name: 'end of this year, earned 23:59 Shanghai on 31 December: gone a minute later',
    policy: { kind: 'end_of_period', unit: 'year', plusPeriods: 0 },
    availableAt: '2026-12-31T15:59:00Z',
    expiresAt: shanghaiMidnight('2027-01-01'),
  },
  {
    name: 'end of this year, earned 00:01 Shanghai on 1 January (still 31 December in UTC)',
    policy: { kind: 'end_of_period', unit: 'year', plusPeriods: 0 },
    availableAt: '2026-12-31T16:01:00Z',
    expiresAt: shanghaiMidnight('2028-01-01'),
  },
  {
    name: 'end of this quarter',
    policy: { kind: 'end_of_period', unit: 'quarter', plusPeriods: 0 },
    availableAt: '2026-05-15T02:00:00Z',
    expiresAt: shanghaiMidnight('2026-07-01'),
  },
  {
    name: 'end of the quarter after next, across a year end',
    policy: { kind: 'end_of_period', unit: 'quarter', plusPeriods: 2 },
    availableAt: '2026-08-15T02:00:00Z',
    expiresAt: shanghaiMidnight('2027-04-01'),
  },
  {
    name: 'end of this quarter, earned 23:59 Shanghai on 31 March: the first quarter',
    policy: { kind: 'end_of_period', unit: 'quarter', plusPeriods: 0 },
    availableAt: '2026-03-31T15:59:00Z',
    expiresAt: shanghaiMidnight('2026-04-01'),
  },
  {
    name: 'end of this quarter, earned 00:01 Shanghai on 1 April: the second quarter',
    policy: { kind: 'end_of_period', unit: 'quarter', plusPeriods: 0 },
    availableAt: '2026-03-31T16:01:00Z',
    expiresAt: shanghaiMidnight('2026-07-01'),
  },
  {
    name: 'end of this month, in February',
    policy: { kind: 'end_of_period', unit: 'month', plusPeriods: 0 },
    availableAt: '2026-02-10T02:00:00Z',
    expiresAt: shanghaiMidnight('2026-03-01'),
  },
  {
    name: 'end of next month, from December',
    policy: { kind: 'end_of_period', unit: 'month', plusPeriods: 1 },
    availableAt: '2026-12-05T02:00:00Z',
    expiresAt: shanghaiMidnight('2027-02-01'),
  },
  {
    name: 'end of this month, earned 00:01 Shanghai on 1 March (still February in UTC)',
    policy: { kind: 'end_of_period', unit: 'month', plusPeriods: 0 },
    availableAt: '2026-02-28T16:01:00Z',
    expiresAt: shanghaiMidnight('2026-04-01'),
  },
  {
    name: 'a fixed date: spendable through that whole day',
    policy: { kind: 'fixed_date', date: '2026-12-31' },
    availableAt: '2026-03-01T02:00:00Z',
    expiresAt: shanghaiMidnight('2027-01-01'),
  },
  {
    name: 'a fixed date does not depend on when the points were earned',
    policy: { kind: 'fixed_date', date: '2026-12-31' },
    availableAt: '2026-12-31T15:59:00Z',
    expiresAt: shanghaiMidnight('2027-01-01'),
  },
  {
    name: 'another timezone: end of month in Los Angeles, where it is still February',
    policy: { kind: 'end_of_period', unit: 'month', plusPeriods: 0 },
    availableAt: '2026-03-01T02:00:00Z', // 18:00 on 28 February in Los Angeles
    timezone: 'America/Los_Angeles',
    expiresAt: '2026-03-01T08:00:00.000Z', // midnight PST
  },
  {
    name: 'another timezone: rolling days across the New York DST change fall at local midnight',
    policy: { kind: 'rolling', unit: 'days', count: 1 },
    availableAt: '2026-03-07T12:00:00Z', // 07:00 EST; clocks go forward on 8 March
    timezone: 'America/New_York',
    expiresAt: '2026-03-09T04:00:00.000Z', // midnight EDT, not 05:00Z
  },
  {
    name: 'another timezone: a fixed date in UTC',
    policy: { kind: 'fixed_date', date: '2026-06-30' },
    availableAt: '2026-03-01T02:00:00Z',
    timezone: 'UTC',
    expiresAt: '2026-07-01T00:00:00.000Z',
  },
];

describe('expiryFor', () => {
  test.each(cases)('$name', ({ policy, availableAt, timezone, expiresAt }) => {
    const result = expiryFor(policy, new Date(availableAt), timezone ?? SHANGHAI);
    expect(result?.toISOString() ?? null).toBe(expiresAt);
  });

  test.each(cases.filter((item) => item.policy.kind !== 'never'))(
    'the deadline is later than the points became available: $name',
    ({ policy, availableAt, timezone }) => {
      const result = expiryFor(policy, new Date(availableAt), timezone ?? SHANGHAI);
      expect(result!.getTime()).toBeGreaterThan(new Date(availableAt).getTime());
    },
  );
});

describe('startOfLocalDay', () => {
  test.each([
    ['23:59 Shanghai belongs to that day', '2026-03-01T15:59:00Z', SHANGHAI, shanghaiMidnight('2026-03-01')],
    ['00:01 Shanghai starts the next day', '2026-03-01T16:01:00Z', SHANGHAI, shanghaiMidnight('2026-03-02')],
    [
      'midnight Shanghai exactly is its own start',
      '2026-03-01T16:00:00Z',
      SHANGHAI,
      shanghaiMidnight('2026-03-02'),
    ],
    ['UTC', '2026-03-01T23:59:59Z', 'UTC', '2026-03-01T00:00:00.000Z'],
    [
      'New York on the DST day starts at EST midnight',
      '2026-03-08T12:00:00Z',
      'America/New_York',
      '2026-03-08T05:00:00.000Z',
    ],
    [
      'New York the day after starts at EDT midnight',
      '2026-03-09T12:00:00Z',
      'America/New_York',
      '2026-03-09T04:00:00.000Z',
    ],
  ])('%s', (_name, at, timezone, start) => {
    expect(startOfLocalDay(new Date(at), timezone).toISOString()).toBe(start);
  });
});

describe('isValidTimezone', () => {
  test.each([
    ['Asia/Shanghai', true],
    ['America/New_York', true],
    ['UTC', true],
    ['Mars/Olympus_Mons', false],
    ['', false],
  ])('%s → %s', (timezone, valid) => {
    expect(isValidTimezone(timezone)).toBe(valid);
  });
});

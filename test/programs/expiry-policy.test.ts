import fc from 'fast-check';
import { expect, test } from 'vitest';
import { type ExpiryPolicy, expiryFor } from '../../src/programs/expiry-policy.ts';

/**
 * `expiryFor` remembers the last local day each policy was asked about. Asked in any order, across
 * timezones with and without daylight saving and across day boundaries, it must answer what a fresh
 * computation (a policy object it has never seen) answers.
 */
const POLICIES: ExpiryPolicy[] = [
  { kind: 'rolling', unit: 'months', count: 12 },
  { kind: 'rolling', unit: 'days', count: 30 },
  { kind: 'end_of_period', unit: 'quarter', plusPeriods: 1 },
  { kind: 'end_of_period', unit: 'year', plusPeriods: 0 },
  { kind: 'fixed_date', date: '2027-06-30' },
];
const TIMEZONES = ['Asia/Shanghai', 'Europe/London', 'America/New_York', 'Australia/Lord_Howe', 'UTC'];
// Around the 2026 daylight-saving changes and the turn of a year, an hour apart at most.
const START = Date.parse('2026-03-07T00:00:00Z');

test('a remembered day answers what a fresh computation answers', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.record({
          policy: fc.integer({ min: 0, max: POLICIES.length - 1 }),
          timezone: fc.constantFrom(...TIMEZONES),
          // Mostly close together (the cache's case), sometimes anywhere in the year.
          at: fc.oneof(
            fc.integer({ min: 0, max: 4 * 86_400_000 }),
            fc.integer({ min: 0, max: 300 * 86_400_000 }),
          ),
        }),
        { minLength: 1, maxLength: 40 },
      ),
      (asks) => {
        for (const { policy, timezone, at } of asks) {
          const availableAt = new Date(START + at);
          const remembered = expiryFor(POLICIES[policy]!, availableAt, timezone);
          const fresh = expiryFor({ ...POLICIES[policy]! }, availableAt, timezone);
          expect(remembered?.toISOString()).toBe(fresh?.toISOString());
        }
      },
    ),
    { numRuns: 300 },
  );
});

test('the answer is a new Date each time: changing one does not change the next', () => {
  const policy: ExpiryPolicy = { kind: 'rolling', unit: 'days', count: 1 };
  const first = expiryFor(policy, new Date('2026-05-01T10:00:00Z'), 'Asia/Shanghai')!;
  first.setTime(0);
  expect(expiryFor(policy, new Date('2026-05-01T11:00:00Z'), 'Asia/Shanghai')!.toISOString()).toBe(
    '2026-05-02T16:00:00.000Z',
  );
  expect(expiryFor({ kind: 'never' }, new Date(), 'UTC')).toBeNull();
});

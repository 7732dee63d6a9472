import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { quintileScore, rfmOf, stageOf } from '../../src/segments/lifecycle.ts';
import { DEFAULT_SEGMENT_SETTINGS } from '../../src/segments/segment-types.ts';
import { DAY_MS } from '../../src/shared/time-units.ts';

const NOW = new Date('2026-06-01T00:00:00Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY_MS);

describe('RFM scores against a hand-computed table', () => {
  // Ten members' figures 1..10: percentile_disc at 0.2, 0.4, 0.6, 0.8 gives cut points 2, 4, 6, 8
  // (the smallest figure whose cumulative share reaches each quantile).
  const cuts = [2, 4, 6, 8];
  test.each([
    [1, 1],
    [2, 1],
    [3, 2],
    [4, 2],
    [5, 3],
    [6, 3],
    [7, 4],
    [8, 4],
    [9, 5],
    [10, 5],
    [100, 5],
  ])('a figure of %i scores %i', (value, score) => {
    expect(quintileScore(value, cuts)).toBe(score);
  });

  test('ties share a score and the best figure scores 5, however few members there are', () => {
    // Figures 4, 4, 4, 9: three members at or below 4 (share 3/4), four at or below 9.
    expect([4, 9].map((value) => quintileScore(value, [null, null, null, 4]))).toEqual([4, 5]);
    // Three members a < b < c: shares 1/3, 2/3, 1 → scores 2, 4, 5.
    expect([10, 20, 30].map((value) => quintileScore(value, [null, 10, 10, 20]))).toEqual([2, 4, 5]);
    // One member, or everyone tied: 5.
    expect(quintileScore(7, [null, null, null, null])).toBe(5);
  });

  test('cut points reproduce ⌈5 × share at or below⌉ for any population (property)', () => {
    // The cut points as the computation makes them: the largest figure whose count at or below is at
    // most k/5 of the members (no such figure: null).
    const cutsOf = (values: number[]) =>
      [1, 2, 3, 4].map((k) => {
        const fitting = values.filter((v) => 5 * values.filter((w) => w <= v).length <= k * values.length);
        return fitting.length === 0 ? null : Math.max(...fitting);
      });
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 40 }), (values) => {
        const cuts = cutsOf(values);
        for (const value of values) {
          const share = values.filter((w) => w <= value).length / values.length;
          expect(quintileScore(value, cuts)).toBe(Math.ceil(5 * share - 1e-9));
        }
      }),
    );
  });

  test('recency is judged by the time of the last order (later is better); no order in the window, no scores', () => {
    const recencyCuts = [daysAgo(200), daysAgo(100), daysAgo(50), daysAgo(10)].map((d) => d.getTime());
    const cutPoints = {
      recency: recencyCuts,
      frequency: [1, 2, 3, 5],
      monetary: [1_000, 5_000, 10_000, 50_000],
    };
    expect(rfmOf({ lastOrderAt: daysAgo(5), orders: 6, spendMinor: 80_000 }, cutPoints, NOW)).toEqual({
      recency: 5,
      frequency: 5,
      monetary: 5,
      recencyDays: 5,
      orders: 6,
      spendMinor: 80_000,
    });
    expect(rfmOf({ lastOrderAt: daysAgo(60), orders: 2, spendMinor: 5_000 }, cutPoints, NOW)).toEqual({
      recency: 3,
      frequency: 2,
      monetary: 2,
      recencyDays: 60,
      orders: 2,
      spendMinor: 5_000,
    });
    expect(rfmOf({ lastOrderAt: daysAgo(500), orders: 0, spendMinor: 0 }, cutPoints, NOW)).toMatchObject({
      recency: null,
      frequency: null,
      monetary: null,
      recencyDays: 500,
    });
    expect(rfmOf({ lastOrderAt: null, orders: 0, spendMinor: 0 }, null, NOW).recencyDays).toBeNull();
  });
});

describe('lifecycle stages (defaults: new < 30 days, active ≤ 90, at risk ≤ 180, dormant ≤ 365)', () => {
  const stages = DEFAULT_SEGMENT_SETTINGS.stages;
  const rfm = (monetary: number | null, frequency: number | null) => ({
    recency: null,
    frequency,
    monetary,
    recencyDays: null,
    orders: 0,
    spendMinor: 0,
  });
  test.each([
    ['joined 29 days ago, ordered today', 29, 0, rfm(5, 5), 'new'],
    ['ordered 90 days ago', 400, 90, rfm(3, 3), 'active'],
    ['ordered 90 days ago with M 5 and F 4', 400, 90, rfm(5, 4), 'high_value'],
    ['ordered recently with M 5 but F 3', 400, 1, rfm(5, 3), 'active'],
    ['ordered 91 days ago', 400, 91, rfm(5, 5), 'at_risk'],
    ['ordered 180 days ago', 400, 180, rfm(null, null), 'at_risk'],
    ['ordered 181 days ago', 400, 181, rfm(null, null), 'dormant'],
    ['ordered 365 days ago', 400, 365, rfm(null, null), 'dormant'],
    ['ordered 366 days ago', 400, 366, rfm(null, null), 'churned'],
    ['never ordered, joined 100 days ago', 100, null, rfm(null, null), 'dormant'],
    ['never ordered, joined 366 days ago', 366, null, rfm(null, null), 'churned'],
  ] as const)('%s: %s', (_, joinedDays, lastOrderDays, scores, stage) => {
    expect(stageOf(joinedDays, lastOrderDays, scores, stages)).toBe(stage);
  });
});

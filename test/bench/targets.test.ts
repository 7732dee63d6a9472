import { describe, expect, test } from 'vitest';
import { TARGETS, targetOutcome } from '../../bench/report.ts';

/** The bench's targets are ratios to the baseline of the same run; below a floor, it blocks. */

const run = (perSecond: number, p99 = 10, rss?: number) => ({
  perSecond,
  latencyMs: { count: 100, mean: 1, p50: 1, p90: 1, p99, p999: p99, max: p99 },
  measuredSeconds: 10,
  engine: 'postgres' as const,
  setup: (rss === undefined ? {} : { serverPeakRssMb: rss }) as Record<string, number>,
});

describe('bench targets', () => {
  const dUnnest = run(30_000);
  const dPerOp = run(3000, 5);
  test.each([
    ['events-batch at 0.25× d-unnest', 'events-batch', run(7500, 400, 200), dUnnest, 'met'],
    [
      'events-batch at 0.15×: above the floor, under the target',
      'events-batch',
      run(4500),
      dUnnest,
      'missed',
    ],
    ['events-batch at 0.1×: below the floor of 0.12×', 'events-batch', run(3000), dUnnest, 'below floor'],
    ['a at 0.5× with p99 4× the baseline (target 3×)', 'a', run(1500, 20), dPerOp, 'missed'],
    ['a at 0.5× with p99 2×', 'a', run(1500, 10), dPerOp, 'met'],
    ['the server over 300 MB', 'b', run(15_000, 10, 301), dUnnest, 'missed'],
    ['redeem-hot p99 within 6× d-per-op', 'redeem-hot', run(100, 30), dPerOp, 'met'],
  ] as const)('%s', (_, id, result, baseline, outcome) => {
    expect(targetOutcome(result, TARGETS[id]!, baseline)).toBe(outcome);
  });
});

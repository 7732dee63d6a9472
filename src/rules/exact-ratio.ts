/**
 * Awards are computed as exact fractions of big integers and rounded once, at the end: 1.15 × 100
 * is 115 points, never 114.99999999999999 floored to 114.
 */
export interface Ratio {
  numerator: bigint;
  denominator: bigint;
}

export type Rounding = 'floor' | 'round' | 'ceil';

const RATE_SCALE = 10_000n;

export function ratio(numerator: number | bigint, denominator: number | bigint = 1n): Ratio {
  return { numerator: BigInt(numerator), denominator: BigInt(denominator) };
}

/** Whether a rate has at most 4 decimal places, i.e. `rateRatio` represents it exactly. */
export function isExactRate(rate: number): boolean {
  const scaled = rate * Number(RATE_SCALE);
  return Math.abs(scaled - Math.round(scaled)) < 1e-6 && Math.round(scaled) > 0;
}

/** A rate with at most 4 decimal places (see `isExactRate`), as an exact fraction. */
export function rateRatio(rate: number): Ratio {
  return ratio(BigInt(Math.round(rate * Number(RATE_SCALE))), RATE_SCALE);
}

export function times(a: Ratio, b: Ratio): Ratio {
  return { numerator: a.numerator * b.numerator, denominator: a.denominator * b.denominator };
}

/** Non-negative ratios only: awards are never negative. */
export function toInteger(value: Ratio, rounding: Rounding): number {
  const { numerator, denominator } = value;
  const whole = numerator / denominator;
  const rest = numerator % denominator;
  if (rest === 0n) return Number(whole);
  if (rounding === 'ceil') return Number(whole + 1n);
  if (rounding === 'round') return Number(rest * 2n >= denominator ? whole + 1n : whole);
  return Number(whole);
}

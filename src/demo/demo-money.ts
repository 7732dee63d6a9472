import { minorDigits } from '../rules/money-text.ts';

/**
 * The data is in pounds; a loyalty program counts in its own currency (CNY by default). The demo
 * converts at fixed rates, close to 2025's, so every run gives the same amounts and points: a £40.00
 * order is paid as ¥380.00 and earns 380 points at 1 point per ¥1. Rates are units of the program's
 * currency per pound, at most 4 decimal places.
 */
export const RATES_PER_GBP: Readonly<Record<string, number>> = {
  CNY: 9.5,
  GBP: 1,
  USD: 1.3,
  EUR: 1.15,
  HKD: 10,
  JPY: 200,
};

export interface Conversion {
  currency: string;
  /** Units of `currency` per pound. */
  rate: number;
  /** Pence → minor units of `currency`, rounded half up. */
  fromPence(pence: number): number;
}

export function conversionTo(currency: string): Conversion | null {
  const rate = RATES_PER_GBP[currency];
  if (rate === undefined) return null;
  const rateE4 = Math.round(rate * 10_000);
  const minorPerMajor = 10 ** minorDigits(currency);
  // pence × (rateE4 / 10⁴) × (minor per unit / 100 pence per pound), in integers.
  const denominator = 1_000_000;
  return {
    currency,
    rate,
    fromPence: (pence) => Math.floor((pence * rateE4 * minorPerMajor + denominator / 2) / denominator),
  };
}

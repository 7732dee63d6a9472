import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatMoney, intlMajor, major, minorDigits, perMoneyText } from '../../src/rules/money-text.ts';

describe('money as people read it', () => {
  it('writes whole minor amounts with separators and the currency’s digits', () => {
    expect(formatMoney(12_800, 'CNY')).toBe('¥128.00');
    expect(formatMoney(350, 'GBP')).toBe('£3.50');
    expect(formatMoney(5, 'USD')).toBe('$0.05');
    expect(formatMoney(123_456_789, 'CNY')).toBe('¥1,234,567.89');
    expect(formatMoney(1_000, 'JPY')).toBe('¥1,000');
    expect(formatMoney(1_000, 'KWD')).toBe('KWD 1.000');
    expect(perMoneyText(100, 'CNY')).toEqual({ zh: '1 元', en: '¥1' });
    expect(perMoneyText(50, 'CNY')).toEqual({ zh: '0.5 元', en: '¥0.5' });
    expect(perMoneyText(100_000, 'USD')).toEqual({ zh: '$1,000', en: '$1,000' });
  });

  it('writes every whole amount exactly as Intl en-US would', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1_000_000_000_000, max: 1_000_000_000_000 }),
        fc.constantFrom('CNY', 'JPY', 'KWD', 'USD'),
        fc.boolean(),
        (amount, currency, fixed) => {
          expect(major(amount, currency, fixed)).toBe(intlMajor(amount, minorDigits(currency), fixed));
        },
      ),
      { numRuns: 2_000 },
    );
  });
});

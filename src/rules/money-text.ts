/** Money in minor units (fen, cents) as people read it: ¥128.00, £3.50, ¥1,000 (JPY has no minor unit). */

const SYMBOLS: Record<string, string> = { CNY: '¥', JPY: '¥', USD: '$', GBP: '£', EUR: '€', HKD: 'HK$' };

// Building an Intl formatter costs far more than using one: entry reasons format money for every
// award, so formatters are made once per currency and kind.
const digitsByCurrency = new Map<string, number>();
const formatters = new Map<string, Intl.NumberFormat>();

export function minorDigits(currency: string): number {
  let digits = digitsByCurrency.get(currency);
  if (digits === undefined) {
    try {
      digits =
        new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
          .maximumFractionDigits ?? 2;
    } catch {
      digits = 2;
    }
    digitsByCurrency.set(currency, digits);
  }
  return digits;
}

/**
 * `amountMinor` in major units as en-US writes it (`1,234.50`; without trailing zeros unless
 * `fixedDigits`). Whole minor amounts, which is every amount Jifen stores, are written digit by
 * digit: an Intl formatter took a microsecond a call, and every award's reason formats its amount.
 */
export function major(amountMinor: number, currency: string, fixedDigits: boolean): string {
  const digits = minorDigits(currency);
  if (Number.isSafeInteger(amountMinor)) return wholeMinor(amountMinor, digits, fixedDigits);
  return intlMajor(amountMinor, digits, fixedDigits);
}

function wholeMinor(amountMinor: number, digits: number, fixedDigits: boolean): string {
  const text = String(Math.abs(amountMinor)).padStart(digits + 1, '0');
  const whole = text.slice(0, text.length - digits);
  let fraction = text.slice(text.length - digits);
  if (!fixedDigits) fraction = fraction.replace(/0+$/, '');
  let grouped = whole;
  for (let at = whole.length - 3; at > 0; at -= 3) grouped = `${grouped.slice(0, at)},${grouped.slice(at)}`;
  const sign = amountMinor < 0 ? '-' : '';
  return fraction === '' ? `${sign}${grouped}` : `${sign}${grouped}.${fraction}`;
}

/** The same through Intl, for what is not a whole number of minor units. */
export function intlMajor(amountMinor: number, digits: number, fixedDigits: boolean): string {
  const key = `${digits}:${fixedDigits}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.NumberFormat('en-US', {
      minimumFractionDigits: fixedDigits ? digits : 0,
      maximumFractionDigits: digits,
    });
    formatters.set(key, formatter);
  }
  return formatter.format(amountMinor / 10 ** digits);
}

/** ¥128.00 — both languages write amounts the same way. */
export function formatMoney(amountMinor: number, currency: string): string {
  const symbol = SYMBOLS[currency];
  const text = major(amountMinor, currency, true);
  return symbol ? `${symbol}${text}` : `${currency} ${text}`;
}

/** A rate's unit: "1 元" / "¥1", "0.5 元" / "¥0.5", "10 元" / "¥10". */
export function perMoneyText(amountMinor: number, currency: string): { zh: string; en: string } {
  const text = major(amountMinor, currency, false);
  const symbol = SYMBOLS[currency];
  return {
    zh: currency === 'CNY' ? `${text} 元` : symbol ? `${symbol}${text}` : `${text} ${currency}`,
    en: symbol ? `${symbol}${text}` : `${text} ${currency}`,
  };
}

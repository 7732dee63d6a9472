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

function major(amountMinor: number, currency: string, fixedDigits: boolean): string {
  const digits = minorDigits(currency);
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

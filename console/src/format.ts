import { currentLanguage } from './i18n/index.ts';

/** A time as the console's language writes it (2026-12-07 19:52 / Dec 7, 2026, 7:52 PM). */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(currentLanguage(), { dateStyle: 'medium', timeStyle: 'short' }).format(
    new Date(iso),
  );
}

export function formatNumber(value: number): string {
  return new Intl.NumberFormat(currentLanguage()).format(value);
}

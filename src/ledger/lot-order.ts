import type { Lot } from './ledger-types.ts';

/** Spending order: earliest expiry first, lots that never expire last, then earned_at, then id. */
export function compareSpendingOrder(a: Lot, b: Lot): number {
  const aExpiry = a.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY;
  const bExpiry = b.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY;
  if (aExpiry !== bExpiry) return aExpiry < bExpiry ? -1 : 1;
  const earned = a.earnedAt.getTime() - b.earnedAt.getTime();
  if (earned !== 0) return earned;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function isExpired(lot: Lot, now: Date): boolean {
  return lot.expiresAt !== null && lot.expiresAt.getTime() <= now.getTime();
}

/** Lots whose points can be spent now: released, not empty, not past their expiry. */
export function isSpendable(lot: Lot, now: Date): boolean {
  return lot.status === 'available' && lot.remaining > 0 && !isExpired(lot, now);
}

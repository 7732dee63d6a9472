import type { LedgerDraft } from '../ledger/ledger-draft.ts';
import type { Entry, EntrySource } from '../ledger/ledger-types.ts';
import { compareSpendingOrder, isExpired } from '../ledger/lot-order.ts';
import { systemReasons } from '../ledger/reasons.ts';

export const SWEEP_SOURCE: EntrySource = { kind: 'system', ref: 'sweep' };

/** Expires every lot of the member whose expiry has passed: one entry summing them. */
export function decideExpiry(draft: LedgerDraft, memberId: string): Entry | null {
  const due = draft
    .lots()
    .filter(
      (lot) =>
        lot.memberId === memberId &&
        lot.status === 'available' &&
        lot.remaining > 0 &&
        isExpired(lot, draft.now),
    )
    // A stable order for the entry's lots, which a reversal of the expiry renews in this order.
    .sort(compareSpendingOrder);
  if (due.length === 0) return null;
  const points = due.reduce((sum, lot) => sum + lot.remaining, 0);
  const touches = draft.takeFromLots(due, points);
  return draft.record({
    memberId,
    type: 'expire',
    delta: { available: -points },
    contraAccount: 'expired',
    lots: touches,
    source: { ...SWEEP_SOURCE, ref: 'expiry' },
    reason: systemReasons.expired(points),
  });
}

/** Releases every pending lot of the member whose pending period has ended, then repays debt. */
export function decidePendingRelease(draft: LedgerDraft, memberId: string): Entry | null {
  const due = draft
    .lots()
    .filter(
      (lot) =>
        lot.memberId === memberId &&
        lot.status === 'pending' &&
        lot.remaining > 0 &&
        lot.availableAt.getTime() <= draft.now.getTime(),
    );
  if (due.length === 0) return null;
  const points = due.reduce((sum, lot) => sum + lot.remaining, 0);
  const released = due.map((lot) => ({ lotId: lot.id, points: lot.remaining }));
  for (const lot of due) draft.markLotReleased(lot);
  const { repaid, touches } = draft.repayDebtFromLots(memberId);
  return draft.record({
    memberId,
    type: 'pending_release',
    delta: { pending: -points, available: points, debt: -repaid },
    contraAccount: 'pending',
    lots: [...released, ...touches],
    source: { ...SWEEP_SOURCE, ref: 'pending-release' },
    reason: systemReasons.pendingReleased(points),
  });
}

import type { LedgerDraft } from './ledger-draft.ts';
import type { Entry, EntrySource, Lot } from './ledger-types.ts';
import { compareSpendingOrder, isExpired } from './lot-order.ts';
import { negated } from './movements.ts';
import { systemReasons } from './reasons.ts';

/**
 * What falls due as time passes, decided on a draft: pending lots released, lots past their expiry
 * expired. The sweeps do it at `now`; dated history (`catchUpTo`) does it at the instants an import
 * replays, so a member's imported past happens in the order it happened.
 */

/** Expires every lot of the member whose expiry has passed by `at`: one entry summing them. */
export function expireDueLots(
  draft: LedgerDraft,
  memberId: string,
  at: Date,
  source: EntrySource,
): Entry | null {
  // A stable order for the entry's lots, which a reversal of the expiry renews in this order.
  const due = dueLots(draft, memberId, 'available', (lot) => isExpired(lot, at)).sort(compareSpendingOrder);
  if (due.length === 0) return null;
  const points = due.reduce((sum, lot) => sum + lot.remaining, 0);
  const touches = draft.takeFromLots(due, points);
  return draft.record({
    memberId,
    type: 'expire',
    delta: { available: -points },
    contraAccount: 'expired',
    lots: touches,
    source: { ...source, ref: 'expiry' },
    reason: systemReasons.expired(points),
  });
}

/** Releases every pending lot of the member whose pending period has ended by `at`, then repays debt. */
export function releaseDueLots(
  draft: LedgerDraft,
  memberId: string,
  at: Date,
  source: EntrySource,
): Entry | null {
  const due = dueLots(draft, memberId, 'pending', (lot) => lot.availableAt.getTime() <= at.getTime());
  if (due.length === 0) return null;
  const points = due.reduce((sum, lot) => sum + lot.remaining, 0);
  const released = due.map((lot) => ({ lotId: lot.id, points: lot.remaining }));
  for (const lot of due) draft.markLotReleased(lot);
  const { repaid, touches } = draft.repayDebtFromLots(memberId);
  return draft.record({
    memberId,
    type: 'pending_release',
    delta: { pending: -points, available: points, debt: negated(repaid) },
    contraAccount: 'pending',
    lots: [...released, ...touches],
    source: { ...source, ref: 'pending-release' },
    reason: systemReasons.pendingReleased(points),
  });
}

/** Jifen on its own: the source of what falls due. */
export const DUE_SOURCE: EntrySource = { kind: 'system', ref: 'sweep' };

/**
 * Dated history: before a decision dated `at`, everything of the member that fell due by then
 * happens first, each at the instant it fell due (releases, then expiries, instant by instant), so
 * a refund dated in a return window takes pending points and points earned a year before an order
 * have expired by then. Leaves the draft dated `at`.
 */
export function catchUpTo(draft: LedgerDraft, memberId: string, at: Date): Entry[] {
  const entries: Entry[] = [];
  for (;;) {
    const next = nextDueInstant(draft, memberId, at);
    if (next === null) break;
    draft.dateFrom(next);
    const released = releaseDueLots(draft, memberId, next, DUE_SOURCE);
    if (released) entries.push(released);
    const expired = expireDueLots(draft, memberId, next, DUE_SOURCE);
    if (expired) entries.push(expired);
  }
  draft.dateFrom(at);
  return entries;
}

/** The earliest instant, not after `at`, when one of the member's lots is released or expires. */
function nextDueInstant(draft: LedgerDraft, memberId: string, at: Date): Date | null {
  let next: number | null = null;
  const limit = at.getTime();
  for (const lot of draft.lotsOf(memberId)) {
    if (lot.remaining === 0) continue;
    const due =
      lot.status === 'pending'
        ? lot.availableAt.getTime()
        : (lot.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY);
    if (due <= limit && (next === null || due < next)) next = due;
  }
  return next === null ? null : new Date(next);
}

/** The member's lots in `status` still holding points for which `isDue` holds. */
function dueLots(
  draft: LedgerDraft,
  memberId: string,
  status: Lot['status'],
  isDue: (lot: Lot) => boolean,
): Lot[] {
  return draft.lotsOf(memberId).filter((lot) => lot.status === status && lot.remaining > 0 && isDue(lot));
}

import { expiryFor } from '../programs/expiry-policy.ts';
import { JifenError } from '../shared/errors.ts';
import { DAY_MS } from '../shared/time-units.ts';
import type { EntryDraft, LedgerDraft } from './ledger-draft.ts';
import type { Entry, LotTouch } from './ledger-types.ts';
import { compareSpendingOrder } from './lot-order.ts';

/**
 * The four ways points move, shared by every command: earn (a new lot), spend (take from lots,
 * earliest expiry first), claw back (take what was given, following the negative-balance policy)
 * and restore (give back to the lots points came from).
 */
type EntryFields = Omit<EntryDraft, 'memberId' | 'delta' | 'lots' | 'unrecoveredPoints'>;

export interface EarnInput extends EntryFields {
  memberId: string;
  points: number;
  /** When later than now, the points are pending until then. */
  availableAt: Date;
  expiresAt: Date | null;
  originLotId?: string | null;
}

export function earn(draft: LedgerDraft, input: EarnInput): { entry: Entry; lotId: string } {
  const { memberId, points, availableAt, expiresAt, originLotId, ...fields } = input;
  const pending = availableAt.getTime() > draft.effectiveAt.getTime();
  const { balances } = draft.account(memberId);
  assertWithinBalanceLimit(balances.available + balances.pending + balances.held, points);
  const debt = balances.debt;
  const repaid = pending ? 0 : Math.min(debt, points);
  const lot = draft.addLot({
    memberId,
    status: pending ? 'pending' : 'available',
    amount: points,
    remaining: points - repaid,
    // Earned when the decision counts from (dated history); pending until its period ends.
    earnedAt: draft.effectiveAt,
    availableAt: pending ? availableAt : draft.effectiveAt,
    expiresAt,
    entryId: '',
    originLotId: originLotId ?? null,
  });
  const touches: LotTouch[] = [{ lotId: lot.id, points }];
  if (repaid > 0) touches.push({ lotId: lot.id, points: -repaid });
  const entry = draft.record({
    ...fields,
    memberId,
    delta: pending ? { pending: points } : { available: points, debt: negated(repaid) },
    lots: touches,
  });
  lot.entryId = entry.id;
  return { entry, lotId: lot.id };
}

export interface SpendInput extends EntryFields {
  memberId: string;
  points: number;
  /** Where the points go: spent points leave the member's available balance for `delta`. */
  into?: 'spent' | 'held';
}

/** Takes points from spendable lots, earliest expiry first; fails when they do not cover it. */
export function spend(draft: LedgerDraft, input: SpendInput): Entry {
  const { memberId, points, into = 'spent', ...fields } = input;
  const spendable = draft.spendablePoints(memberId);
  if (spendable < points) {
    throw new JifenError('insufficient_points', {
      detail: `The member has ${Math.max(spendable, 0)} spendable points; ${points} are needed.`,
      extensions: { availablePoints: Math.max(spendable, 0), requestedPoints: points },
    });
  }
  const touches = draft.takeFromLots(draft.spendableLots(memberId), points);
  return draft.record({
    ...fields,
    memberId,
    delta: into === 'held' ? { available: -points, held: points } : { available: -points },
    lots: touches,
  });
}

export interface ClawbackInput extends EntryFields {
  memberId: string;
  points: number;
  /**
   * Lots to take from first — the lots the reversed credit created and their renewals — pending or
   * not, and even past their expiry: those points are the credit's own, dead or alive.
   */
  preferLotIds?: readonly string[];
}

/**
 * Takes back points that were given: from the preferred lots first, then spendable lots earliest
 * expiry first. What cannot be recovered becomes debt (allow_debt) or is written off (cap_at_zero).
 */
export function clawback(draft: LedgerDraft, input: ClawbackInput): Entry {
  const { memberId, points, preferLotIds = [], ...fields } = input;
  const preferred = preferLotIds
    .map((lotId) => draft.lot(lotId))
    .filter((lot) => lot.memberId === memberId && lot.remaining > 0)
    .sort(compareSpendingOrder);
  const pendingLots = preferred.filter((lot) => lot.status === 'pending');
  const pendingTouches = draft.takeFromLots(pendingLots, points);
  const pendingTaken = -sumPoints(pendingTouches);
  const preferredAvailable = preferred.filter((lot) => lot.status === 'available');
  const otherLots = draft.spendableLots(memberId).filter((lot) => !preferLotIds.includes(lot.id));
  const availableTouches = draft.takeFromLots([...preferredAvailable, ...otherLots], points - pendingTaken);
  const availableTaken = -sumPoints(availableTouches);
  const shortfall = points - pendingTaken - availableTaken;
  const intoDebt = draft.settings.negativeBalance === 'allow_debt' ? shortfall : 0;
  const held = draft.account(memberId).balances.held;
  if (shortfall > intoDebt && held > 0) {
    // Writing the shortfall off while points sit in a hold would let a later void return them:
    // the member would keep points that were taken back. Settle the holds first.
    throw new JifenError('points_held', {
      detail: `${shortfall} of the ${points} points to take back are not available and ${held} are held; capture or void the holds first.`,
      extensions: { heldPoints: held, shortfallPoints: shortfall },
    });
  }
  return draft.record({
    ...fields,
    memberId,
    delta: { pending: negated(pendingTaken), available: negated(availableTaken + intoDebt), debt: intoDebt },
    lots: [...pendingTouches, ...availableTouches],
    unrecoveredPoints: shortfall - intoDebt,
  });
}

export interface RestoreInput extends EntryFields {
  memberId: string;
  /** The touches of the entry being undone; negative ones are points that were taken from lots. */
  touches: readonly LotTouch[];
  /** Debt the undone entry created: cancelled, or returned as a new lot if later credits repaid it. */
  debtPoints?: number;
  /** The points come back from the member's held balance (a hold being released). */
  fromHeld?: boolean;
}

/** Gives taken points back to the lots they came from, then lets them pay down any debt. */
export function restore(draft: LedgerDraft, input: RestoreInput): Entry {
  const { memberId, touches, debtPoints = 0, fromHeld = false, ...fields } = input;
  const restored = draft.giveBackToLots(touches.filter((touch) => touch.points < 0));
  const lotPoints = sumPoints(restored);
  const account = draft.account(memberId);
  const debtCancelled = Math.min(debtPoints, account.balances.debt);
  const debtToReturn = debtPoints - debtCancelled;
  if (debtToReturn > 0) {
    // Like a restored lot, never dead on arrival: a policy deadline already past gets the grace period.
    const policyExpiry = expiryFor(draft.settings.expiryPolicy, draft.now, draft.settings.timezone);
    const graceEnd = new Date(draft.now.getTime() + draft.settings.restoredLotGraceDays * DAY_MS);
    const lot = draft.addLot({
      memberId,
      status: 'available',
      amount: debtToReturn,
      remaining: debtToReturn,
      earnedAt: draft.now,
      availableAt: draft.now,
      expiresAt: policyExpiry && policyExpiry.getTime() <= draft.now.getTime() ? graceEnd : policyExpiry,
      entryId: '',
      originLotId: null,
    });
    restored.push({ lotId: lot.id, points: debtToReturn });
  }
  // Cancel the debt this entry created first, then let the restored lots repay any older debt.
  account.balances.debt -= debtCancelled;
  const { repaid, touches: repayTouches } = draft.repayDebtFromLots(memberId);
  account.balances.debt += debtCancelled;
  const points = lotPoints + debtPoints;
  const entry = draft.record({
    ...fields,
    memberId,
    delta: {
      available: points,
      debt: negated(debtCancelled + repaid),
      ...(fromHeld ? { held: -lotPoints } : {}),
    },
    lots: [...restored, ...repayTouches],
  });
  for (const touch of restored) {
    const lot = draft.lot(touch.lotId);
    if (lot.entryId === '') lot.entryId = entry.id;
  }
  return entry;
}

/** Balances stay exact integers in JavaScript and in every driver: at most 2^53 - 1. */
export function assertWithinBalanceLimit(current: number, added: number): void {
  if (current + added > Number.MAX_SAFE_INTEGER) {
    throw new JifenError('balance_limit_exceeded', {
      detail: `The balance of ${current} cannot grow by ${added}: the limit is ${Number.MAX_SAFE_INTEGER}.`,
      extensions: { limitPoints: Number.MAX_SAFE_INTEGER },
    });
  }
}

export function sumPoints(touches: readonly LotTouch[]): number {
  return touches.reduce((sum, touch) => sum + touch.points, 0);
}

/** `-points`, but never -0: an answer's deltas are compared and stored, and -0 is not 0 to a replay check. */
export function negated(points: number): number {
  return points === 0 ? 0 : -points;
}

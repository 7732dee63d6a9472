import type { Database, Queryable } from '../db/database.ts';
import type { CommandResult } from '../idempotency/run-command.ts';
import type { CommandContext } from '../ledger/commands/command-context.ts';
import { decideCapture, decideRelease, loadHoldForUpdate } from '../ledger/commands/holds.ts';
import { persistDraft } from '../ledger/ledger-store.ts';
import type { Entry, Hold } from '../ledger/ledger-types.ts';
import { entryView } from '../ledger/ledger-views.ts';
import { JifenError } from '../shared/errors.ts';
import { releaseReservedCodes } from './coupon-codes.ts';
import { redemptionReasons } from './redemption-reasons.ts';
import { getRedemption, type Redemption, redemptionViews, saveRedemptionStatus } from './redemption-store.ts';
import { takeStock } from './reward-store.ts';
import { returnRewardUsage } from './reward-usage.ts';

/**
 * Points + cash: a redemption that holds its points until the cash is paid. Pay captures the hold
 * (the same lots the hold took) and moves the order on; cancel voids the hold. A hold that timed
 * out — swept, or merely past `expiresAt` — leaves the order `payment_expired`, settled (stock,
 * usage and codes returned) the next time the redemption is touched, read or listed.
 * Lock order as everywhere: the member (with the hold's lots), the reward, the redemption.
 */

const SETTLE_SOURCE = { kind: 'system' as const, ref: 'redemption_payment_expired' };

function stateError(redemption: Redemption, step: 'paid' | 'cancelled'): JifenError {
  if (redemption.status === 'payment_expired') return expiredError(redemption);
  return new JifenError('redemption_state', {
    detail: `A redemption that is ${redemption.status} cannot be ${step}.`,
    extensions: { redemptionId: redemption.id, redemptionStatus: redemption.status, step },
  });
}

function expiredError(redemption: Redemption): JifenError {
  return new JifenError('redemption_payment_expired', {
    detail: `Redemption "${redemption.id}" was not paid before its hold on the points timed out.`,
    extensions: { redemptionId: redemption.id, holdId: redemption.holdId },
  });
}

/** The hold no longer reserves the points: timed out (swept or not yet) or voided elsewhere. */
function lapsed(hold: Hold, now: Date): boolean {
  if (hold.status === 'open') return hold.expiresAt.getTime() <= now.getTime();
  return hold.status === 'expired' || hold.status === 'voided';
}

async function lockAwaitingPayment(tx: Queryable, context: CommandContext, redemptionId: string) {
  const unlocked = await getRedemption(tx, context.programId, redemptionId);
  if (!unlocked.holdId) return { redemption: unlocked, draft: null, hold: null };
  const { draft, hold } = await loadHoldForUpdate(tx, context, unlocked.holdId);
  await tx.query('select 1 from rewards where program_id = $1 and id = $2 for update', [
    context.programId,
    unlocked.rewardId,
  ]);
  const redemption = await getRedemption(tx, context.programId, redemptionId, { forUpdate: true });
  return { redemption, draft, hold };
}

/** Gives back what an unpaid order took besides the points: stock, usage, reserved coupon codes. */
async function returnTaken(tx: Queryable, programId: string, redemption: Redemption, now: Date) {
  await takeStock(tx, programId, redemption.rewardId, -redemption.quantity, now);
  await returnRewardUsage(
    tx,
    programId,
    redemption.memberId,
    redemption.rewardId,
    redemption.usagePeriods,
    redemption.quantity,
  );
  await releaseReservedCodes(tx, programId, redemption.id, now);
}

async function answer(tx: Queryable, programId: string, redemption: Redemption, entries: Entry[]) {
  const [view] = await redemptionViews(tx, programId, [redemption]);
  return { ...view, entries: entries.map(entryView) };
}

export async function payRedemption(
  tx: Queryable,
  context: CommandContext,
  redemptionId: string,
): Promise<CommandResult> {
  const { programId, now } = context;
  const { redemption, draft, hold } = await lockAwaitingPayment(tx, context, redemptionId);
  if (redemption.status !== 'awaiting_payment' || !draft || !hold) throw stateError(redemption, 'paid');
  if (lapsed(hold, now)) throw expiredError(redemption);
  const source = { kind: 'redemption' as const, redemptionId, rewardId: redemption.rewardId };
  const entries = decideCapture(draft, hold, undefined, { ...context, source });
  const paid: Redemption = {
    ...redemption,
    status: redemption.rewardType === 'goods' ? 'awaiting_shipment' : 'fulfilled',
    spendEntryId: entries[0]!.id,
    paidAt: now,
    updatedAt: now,
  };
  await saveRedemptionStatus(tx, programId, paid);
  return { status: 200, body: await answer(tx, programId, paid, entries), draft };
}

/** Cancel before payment: the hold is voided (points back to their lots), stock and usage back. */
export async function cancelAwaitingPayment(
  tx: Queryable,
  context: CommandContext,
  redemptionId: string,
  reason: string | null,
): Promise<CommandResult> {
  const { programId, now } = context;
  const { redemption, draft, hold } = await lockAwaitingPayment(tx, context, redemptionId);
  if (redemption.status !== 'awaiting_payment' || !draft || !hold) throw stateError(redemption, 'cancelled');
  if (lapsed(hold, now)) throw expiredError(redemption);
  const why = redemptionReasons.cancelled(redemption.rewardName, redemption.quantity, reason);
  const entry = decideRelease(draft, hold, 'void', context, why);
  const cancelled: Redemption = {
    ...redemption,
    status: 'cancelled',
    cancelEntryId: entry.id,
    cancelReason: reason,
    cancelledAt: now,
    updatedAt: now,
  };
  await returnTaken(tx, programId, cancelled, now);
  await saveRedemptionStatus(tx, programId, cancelled);
  return { status: 200, body: await answer(tx, programId, cancelled, [entry]), draft };
}

async function settleOne(tx: Queryable, context: CommandContext, redemptionId: string): Promise<boolean> {
  const { redemption, draft, hold } = await lockAwaitingPayment(tx, context, redemptionId);
  if (redemption.status !== 'awaiting_payment' || !draft || !hold || !lapsed(hold, context.now)) return false;
  // Not swept yet: time the hold out here, as the sweep would.
  if (hold.status === 'open') decideRelease(draft, hold, 'hold_timeout', context);
  const expired: Redemption = { ...redemption, status: 'payment_expired', updatedAt: context.now };
  await returnTaken(tx, context.programId, expired, context.now);
  await saveRedemptionStatus(tx, context.programId, expired);
  await persistDraft(tx, context.programId, draft);
  return true;
}

/**
 * Settles the awaiting_payment redemptions among `redemptions` whose hold lapsed, each in its own
 * transaction (a reader's answer must not wait on the others). Returns whether any changed.
 */
export async function settleLapsedPayments(
  db: Database,
  programId: string,
  redemptions: readonly Pick<Redemption, 'id' | 'status'>[],
  now: Date,
): Promise<boolean> {
  let changed = false;
  const context = { programId, now, source: SETTLE_SOURCE };
  for (const redemption of redemptions) {
    if (redemption.status !== 'awaiting_payment') continue;
    changed = (await db.transaction((tx) => settleOne(tx, context, redemption.id))) || changed;
  }
  return changed;
}

/** Settles one redemption by id if it is an awaiting_payment whose hold lapsed (before pay/cancel). */
export async function settleLapsedPayment(db: Database, programId: string, redemptionId: string, now: Date) {
  const [row] = await db.query<{ id: string; status: Redemption['status'] }>(
    'select id, status from redemptions where program_id = $1 and id = $2',
    [programId, redemptionId],
  );
  if (row) await settleLapsedPayments(db, programId, [row], now);
}

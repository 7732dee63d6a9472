import type { Queryable } from '../db/database.ts';
import type { CommandContext, CommandResult } from '../ledger/commands/command-context.ts';
import { decideCapture, decideRelease, loadHoldForUpdate } from '../ledger/commands/holds.ts';
import type { LedgerDraft } from '../ledger/ledger-draft.ts';
import { loadDraft, persistDraft } from '../ledger/ledger-store.ts';
import { actorOfSource, type Entry, type Hold } from '../ledger/ledger-types.ts';
import { entryView } from '../ledger/ledger-views.ts';
import type { MemberKey } from '../members/member-key.ts';
import { JifenError } from '../shared/errors.ts';
import { releaseReservedCodes } from './coupon-codes.ts';
import { redemptionReasons } from './redemption-reasons.ts';
import {
  expiredUnpaidOf,
  getRedemption,
  redemptionResult,
  redemptionViews,
  saveRedemptionStatus,
  storeOfRedemption,
} from './redemption-store.ts';
import { takeStock } from './reward-store.ts';
import type { Redemption } from './reward-types.ts';
import { returnRewardUsage } from './reward-usage.ts';

/**
 * Points + cash: a redemption that holds its points until the cash is paid. Pay captures the hold
 * (the same lots the hold took) and moves the order on; cancel voids the hold. A hold that timed
 * out — swept, or merely past `expiresAt` (the redemption's `paymentDueAt`) — leaves the order
 * `payment_expired` (stock, usage and codes returned): reads answer it so at once without writing;
 * it is settled by the hold time-out sweep in its own transaction, by the member's next redemption
 * of the reward, or by a pay or cancel of it (which it then refuses).
 * Lock order as everywhere: the member (with the hold's lots), the reward, the redemption.
 */

/** Entries a redemption's payment writes trace to the order: kind 'redemption', ref its id. */
function orderSource(redemption: Redemption, context: CommandContext, step: 'cancelled' | 'paymentExpired') {
  return {
    kind: 'redemption' as const,
    ref: redemption.id,
    redemptionId: redemption.id,
    rewardId: redemption.rewardId,
    [step]: true,
    ...actorOfSource(context.source),
  };
}

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
function paymentExpired(hold: Hold, now: Date): boolean {
  if (hold.status === 'open') return hold.expiresAt.getTime() <= now.getTime();
  return hold.status === 'timed_out' || hold.status === 'voided';
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
    redemption.memberKey,
    redemption.rewardId,
    redemption.usagePeriods,
    redemption.quantity,
  );
  await releaseReservedCodes(tx, programId, redemption.id, now);
}

async function answer(tx: Queryable, context: CommandContext, redemption: Redemption, entries: Entry[]) {
  const [view] = await redemptionViews(tx, context.programId, [redemption], context.now);
  return { ...view, entries: entries.map(entryView) };
}

/**
 * The store the order was made at, which a payer bound to stores (a store clerk) must work at: an
 * order of another store, or of none, is refused. Checked before anything is written.
 */
async function storeOfPayment(
  tx: Queryable,
  programId: string,
  redemption: Redemption,
  payerStoreIds: readonly string[],
): Promise<string | undefined> {
  const store = await storeOfRedemption(tx, programId, redemption);
  if (payerStoreIds.length === 0 || (store !== undefined && payerStoreIds.includes(store))) return store;
  throw new JifenError('store_mismatch', {
    detail:
      store === undefined
        ? `Redemption "${redemption.id}" was not made at a store; you may act only at your own stores (${payerStoreIds.join(', ')}).`
        : `Redemption "${redemption.id}" was made at "${store}"; you may act only at your own stores (${payerStoreIds.join(', ')}).`,
    extensions: { redemptionId: redemption.id, store: store ?? null, storeIds: payerStoreIds },
  });
}

/**
 * Pay: the held points are captured. The capture's source names the actor and the store the order
 * was made at; a payer bound to stores (`payerStoreIds`, a store clerk's) may pay only their
 * stores' orders (403 `store_mismatch` otherwise, before anything is written).
 */
export async function payRedemption(
  tx: Queryable,
  context: CommandContext,
  redemptionId: string,
  payerStoreIds: readonly string[] = [],
): Promise<CommandResult> {
  const { programId, now } = context;
  const { redemption, draft, hold } = await lockAwaitingPayment(tx, context, redemptionId);
  const store = await storeOfPayment(tx, programId, redemption, payerStoreIds);
  if (redemption.status !== 'awaiting_payment' || !draft || !hold) throw stateError(redemption, 'paid');
  if (paymentExpired(hold, now)) {
    // Settled in this transaction (the refusal is an answer, so it commits), then refused.
    await settleLocked(tx, context, redemption, draft, hold);
    throw expiredError(redemption);
  }
  const source = {
    kind: 'redemption' as const,
    redemptionId,
    rewardId: redemption.rewardId,
    ...actorOfSource(context.source),
    ...(store === undefined ? {} : { store }),
  };
  const entries = decideCapture(draft, hold, undefined, { ...context, source });
  const paid: Redemption = {
    ...redemption,
    status: redemption.rewardType === 'goods' ? 'awaiting_shipment' : 'fulfilled',
    spendEntryId: entries[0]!.id,
    paidAt: now,
    updatedAt: now,
  };
  await saveRedemptionStatus(tx, programId, paid);
  return redemptionResult(200, paid, await answer(tx, context, paid, entries), draft);
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
  if (paymentExpired(hold, now)) {
    await settleLocked(tx, context, redemption, draft, hold);
    throw expiredError(redemption);
  }
  const why = redemptionReasons.cancelled(redemption.rewardName, redemption.quantity, reason);
  const source = orderSource(redemption, context, 'cancelled');
  const entry = decideRelease(draft, hold, 'void', { ...context, source }, why);
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
  return redemptionResult(200, cancelled, await answer(tx, context, cancelled, [entry]), draft);
}

/** An unpaid order whose hold timed out gives back what it took; its status says why. */
async function expireUnpaid(tx: Queryable, programId: string, redemption: Redemption, now: Date) {
  const expired: Redemption = { ...redemption, status: 'payment_expired', updatedAt: now };
  await returnTaken(tx, programId, expired, now);
  await saveRedemptionStatus(tx, programId, expired);
}

/**
 * An awaiting_payment redemption whose hold timed out, locked by the caller: the hold is timed out here
 * if the sweep has not done it yet, and the order gives back what it took (payment_expired). Written
 * at once, so it sticks even when the caller then refuses its own step.
 */
async function settleLocked(
  tx: Queryable,
  context: CommandContext,
  redemption: Redemption,
  draft: LedgerDraft,
  hold: Hold,
): Promise<void> {
  const source = orderSource(redemption, context, 'paymentExpired');
  if (hold.status === 'open') decideRelease(draft, hold, 'hold_timeout', { ...context, source });
  await expireUnpaid(tx, context.programId, redemption, context.now);
  await persistDraft(tx, context.programId, draft);
}

/**
 * The hold time-out sweep released these holds, with their members locked by the caller: the
 * unpaid redemptions that own them become payment_expired in the same transaction, so their stock,
 * usage and codes are back at once. Lock order as everywhere: members, rewards (id order), then
 * the redemption rows, re-read under the lock.
 */
export async function settleRedemptionsOfHolds(
  tx: Queryable,
  programId: string,
  holdIds: readonly string[],
  now: Date,
): Promise<number> {
  if (holdIds.length === 0) return 0;
  const owners = await tx.query<{ id: string; reward_id: string }>(
    `select id, reward_id from redemptions
      where program_id = $1 and hold_id = any($2::text[]) and status = 'awaiting_payment' order by id`,
    [programId, holdIds],
  );
  if (owners.length === 0) return 0;
  const rewardIds = [...new Set(owners.map((owner) => owner.reward_id))].sort();
  await tx.query(
    'select 1 from rewards where program_id = $1 and id = any($2::text[]) order by id for update',
    [programId, rewardIds],
  );
  let settled = 0;
  for (const owner of owners) {
    const redemption = await getRedemption(tx, programId, owner.id, { forUpdate: true });
    if (redemption.status !== 'awaiting_payment') continue;
    await expireUnpaid(tx, programId, redemption, now);
    settled++;
  }
  return settled;
}

/**
 * Before redeeming, under the member's and the reward's locks: the member's unpaid orders of this
 * reward whose hold timed out (swept or merely past `expiresAt`) are settled first, so an expired order
 * never keeps the member's limit or the last unit. Writes at once, in the caller's transaction;
 * returns whether anything changed (the caller then re-reads the member and the reward).
 */
export async function settleExpiredPaymentsOf(
  tx: Queryable,
  context: CommandContext,
  memberKey: MemberKey,
  rewardId: string,
): Promise<boolean> {
  const { programId, now } = context;
  const rows = await expiredUnpaidOf(tx, programId, memberKey, rewardId, now);
  if (rows.length === 0) return false;
  const draft = await loadDraft(
    tx,
    { programId, memberKeys: [memberKey], lots: true, holdIds: rows.map((row) => row.hold_id) },
    now,
  );
  for (const row of rows) {
    const redemption = await getRedemption(tx, programId, row.id, { forUpdate: true });
    const hold = draft.hold(row.hold_id);
    const source = orderSource(redemption, context, 'paymentExpired');
    if (hold.status === 'open') decideRelease(draft, hold, 'hold_timeout', { ...context, source });
    await expireUnpaid(tx, programId, redemption, now);
  }
  await persistDraft(tx, programId, draft);
  return true;
}

import type { Queryable } from '../db/database.ts';
import type { CommandContext, CommandResult } from '../ledger/commands/command-context.ts';
import { findEntry, reversalOf } from '../ledger/ledger-queries.ts';
import { loadDraft } from '../ledger/ledger-store.ts';
import type { Entry } from '../ledger/ledger-types.ts';
import { entryView } from '../ledger/ledger-views.ts';
import { restore } from '../ledger/movements.ts';
import { assert, JifenError } from '../shared/errors.ts';
import { voidCouponCodes } from './coupon-codes.ts';
import { assertNoCodeUsed } from './coupon-use.ts';
import { cancelAwaitingPayment } from './redemption-payment.ts';
import { redemptionReasons } from './redemption-reasons.ts';
import {
  getRedemption,
  redemptionResult,
  redemptionViews,
  saveRedemptionStatus,
} from './redemption-store.ts';
import { getReward, takeStock } from './reward-store.ts';
import type { Redemption, RedemptionStatus, Shipment } from './reward-types.ts';
import { returnRewardUsage } from './reward-usage.ts';

/**
 * A redemption's life after it is created: goods are shipped then delivered; anything not yet
 * shipped (and every coupon whose code was not used, voucher and privilege) can be cancelled,
 * which gives the points back to the lots they came from, and the stock, the usage and the coupon
 * codes with them.
 */

type Step = 'ship' | 'deliver' | 'cancel';

const ALLOWED_FROM: Readonly<Record<Step, readonly RedemptionStatus[]>> = {
  ship: ['awaiting_shipment'],
  deliver: ['shipped'],
  cancel: ['awaiting_payment', 'fulfilled', 'awaiting_shipment'],
};

export function assertStepAllowed(redemption: Redemption, step: Step): void {
  if (step === 'cancel' && redemption.rewardType === 'lucky_draw') {
    throw new JifenError('redemption_state', {
      detail: 'A lucky draw play cannot be cancelled: its ticket was drawn and its prize given.',
      extensions: { redemptionId: redemption.id, redemptionStatus: redemption.status, step },
    });
  }
  if (!ALLOWED_FROM[step].includes(redemption.status)) {
    throw new JifenError('redemption_state', {
      detail: `A redemption that is ${redemption.status} cannot be ${step === 'ship' ? 'shipped' : step === 'deliver' ? 'delivered' : 'cancelled'}.`,
      extensions: { redemptionId: redemption.id, redemptionStatus: redemption.status, step },
    });
  }
}

async function answer(tx: Queryable, context: CommandContext, redemption: Redemption, entries: Entry[] = []) {
  const [view] = await redemptionViews(tx, context.programId, [redemption], context.now);
  return entries.length > 0 ? { ...view, entries: entries.map(entryView) } : view;
}

export async function shipRedemption(
  tx: Queryable,
  context: CommandContext,
  redemptionId: string,
  shipment: Shipment,
): Promise<CommandResult> {
  const current = await getRedemption(tx, context.programId, redemptionId, { forUpdate: true });
  assertStepAllowed(current, 'ship');
  const shipped = {
    ...current,
    status: 'shipped' as const,
    shipment,
    shippedAt: context.now,
    updatedAt: context.now,
  };
  await saveRedemptionStatus(tx, context.programId, shipped);
  return redemptionResult(200, shipped, await answer(tx, context, shipped));
}

export async function deliverRedemption(
  tx: Queryable,
  context: CommandContext,
  redemptionId: string,
): Promise<CommandResult> {
  const current = await getRedemption(tx, context.programId, redemptionId, { forUpdate: true });
  assertStepAllowed(current, 'deliver');
  const delivered = {
    ...current,
    status: 'delivered' as const,
    deliveredAt: context.now,
    updatedAt: context.now,
  };
  await saveRedemptionStatus(tx, context.programId, delivered);
  return redemptionResult(200, delivered, await answer(tx, context, delivered));
}

/**
 * Cancels in the redemption's lock order: the member (with the lots the spend took from), then the
 * reward, then the redemption row, whose status is re-read under those locks.
 */
export async function cancelRedemption(
  tx: Queryable,
  context: CommandContext,
  redemptionId: string,
  reason: string | null,
): Promise<CommandResult> {
  const { programId, now } = context;
  const unlocked = await getRedemption(tx, programId, redemptionId);
  assertStepAllowed(unlocked, 'cancel');
  if (unlocked.status === 'awaiting_payment') return cancelAwaitingPayment(tx, context, redemptionId, reason);
  assert(unlocked.spendEntryId !== null, `redemption ${redemptionId} past payment has a spend entry`);
  const spend = await findSpendEntry(tx, programId, unlocked.spendEntryId);
  const draft = await loadDraft(
    tx,
    {
      programId,
      memberKeys: [unlocked.memberKey],
      lots: true,
      lotIds: spend.lots.map((touch) => touch.lotId),
    },
    now,
  );
  const reward = await getReward(tx, programId, unlocked.rewardId, { forUpdate: true });
  const redemption = await getRedemption(tx, programId, redemptionId, { forUpdate: true });
  assertStepAllowed(redemption, 'cancel');
  await assertSpendNotReversed(tx, programId, spend.id);
  await assertNoCodeUsed(tx, programId, redemption);

  const entry = restore(draft, {
    memberId: redemption.memberId,
    type: 'reverse',
    contraAccount: spend.contraAccount,
    reversesEntryId: spend.id,
    touches: spend.lots,
    debtPoints: spend.delta.debt,
    source: { ...spend.source, kind: 'redemption', cancelled: true },
    reason: redemptionReasons.cancelled(redemption.rewardName, redemption.quantity, reason),
    operator: null,
  });
  const cancelled: Redemption = {
    ...redemption,
    status: 'cancelled',
    cancelEntryId: entry.id,
    cancelReason: reason,
    cancelledAt: now,
    updatedAt: now,
  };
  await takeStock(tx, programId, reward.id, -redemption.quantity, now);
  await returnRewardUsage(
    tx,
    programId,
    redemption.memberKey,
    reward.id,
    redemption.usagePeriods,
    redemption.quantity,
  );
  await voidCouponCodes(tx, programId, redemption.id, now);
  await saveRedemptionStatus(tx, programId, cancelled);
  return redemptionResult(200, cancelled, await answer(tx, context, cancelled, [entry]), draft);
}

async function findSpendEntry(tx: Queryable, programId: string, entryId: string): Promise<Entry> {
  const entry = await findEntry(tx, programId, entryId);
  // Points + cash: the capture of the hold is what spent the points.
  assert(
    entry && (entry.type === 'spend' || entry.type === 'capture'),
    `redemption's spend entry ${entryId} exists`,
  );
  return entry;
}

/** The spend may have been reversed through the ledger API; the points must not come back twice. */
async function assertSpendNotReversed(tx: Queryable, programId: string, spendEntryId: string): Promise<void> {
  const reversalId = await reversalOf(tx, programId, spendEntryId);
  if (reversalId) {
    throw new JifenError('redemption_state', {
      detail: `The points of this redemption were already returned by entry "${reversalId}".`,
      extensions: { reversalEntryId: reversalId },
    });
  }
}

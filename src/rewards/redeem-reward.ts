import type { Queryable } from '../db/database.ts';
import type { Periods } from '../events/rule-usage.ts';
import type { CommandContext, CommandResult } from '../ledger/commands/command-context.ts';
import { decideDebit } from '../ledger/commands/debit.ts';
import { decideAuthorize } from '../ledger/commands/holds.ts';
import { LedgerDraft } from '../ledger/ledger-draft.ts';
import { loadForUpdate } from '../ledger/ledger-store.ts';
import { actorOfSource, type Entry } from '../ledger/ledger-types.ts';
import { entryView } from '../ledger/ledger-views.ts';
import {
  recordRedemptionMessage,
  redemptionMessageType,
} from '../notifications/outbox/redemption-messages.ts';
import { JifenError } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import { issueCouponCodes, issuedCodeViews } from './coupon-codes.ts';
import { claimPoolCodes, isPoolReward, withPoolStock } from './coupon-pool.ts';
import { redeemLuckyDraw } from './redeem-lucky-draw.ts';
import { redeemerFactsUnderLock } from './redeemer-facts.ts';
import { settleExpiredPaymentsOf } from './redemption-payment.ts';
import { redemptionReasons } from './redemption-reasons.ts';
import { insertRedemption, redemptionResult, redemptionView } from './redemption-store.ts';
import { blockError, findRedemptionBlock, type RedeemerFacts } from './reward-availability.ts';
import { getReward, takeStock } from './reward-store.ts';
import type { Redemption, Reward, ShippingAddress } from './reward-types.ts';
import { countRewardUsage, periodKeys, redemptionPeriods } from './reward-usage.ts';

export interface RedeemInput {
  memberId: string;
  rewardId: string;
  quantity: number;
  shippingAddress?: ShippingAddress | undefined;
}

/**
 * Decide: may this member redeem `quantity` of the reward now? If so, spend the points (earliest
 * expiring lots first) and describe the order — or, for points + cash, hold the points until the
 * cash is paid (the program's hold TTL). Pure over the draft, the locked reward and the facts.
 */
export function decideRedemption(
  draft: LedgerDraft,
  reward: Reward,
  input: RedeemInput,
  facts: Omit<RedeemerFacts, 'status' | 'spendablePoints'>,
  periods: Periods,
  context: CommandContext,
): { redemption: Redemption; entry: Entry } {
  const account = draft.account(input.memberId);
  const redeemer = {
    ...facts,
    status: account.status,
    spendablePoints: draft.spendablePoints(input.memberId),
  };
  const block = findRedemptionBlock(reward, redeemer, input.quantity, context.now, periods);
  if (block) throw blockError(block);
  const redemptionId = newId('rdm', context.now.getTime());
  const pointsTotal = reward.pricePoints * input.quantity;
  const debit = {
    memberId: input.memberId,
    points: pointsTotal,
    reason: redemptionReasons.redeemed(reward.name, input.quantity),
  };
  const redemptionContext = {
    ...context,
    source: {
      kind: 'redemption' as const,
      redemptionId,
      rewardId: reward.id,
      ...actorOfSource(context.source),
    },
  };
  const withCash = reward.cashMinor !== null;
  const held = withCash
    ? decideAuthorize(draft, { ...debit, owner: { kind: 'redemption', id: redemptionId } }, redemptionContext)
    : null;
  const entry = held ? held.entry : decideDebit(draft, debit, redemptionContext);
  const paidStatus = reward.type === 'goods' ? 'awaiting_shipment' : 'fulfilled';
  const redemption: Redemption = {
    id: redemptionId,
    memberId: input.memberId,
    memberKey: account.memberKey,
    rewardId: reward.id,
    rewardType: reward.type,
    rewardName: reward.name,
    quantity: input.quantity,
    pointsPerUnit: reward.pricePoints,
    pointsTotal,
    status: held ? 'awaiting_payment' : paidStatus,
    spendEntryId: held ? null : entry.id,
    cancelEntryId: null,
    holdId: held?.hold.id ?? null,
    paymentDueAt: held?.hold.expiresAt ?? null,
    cash:
      reward.cashMinor === null
        ? null
        : { amountMinor: reward.cashMinor * input.quantity, currency: reward.details.cashCurrency ?? 'CNY' },
    paidAt: null,
    usagePeriods: periodKeys(periods),
    details: reward.details,
    shippingAddress: reward.type === 'goods' ? (input.shippingAddress ?? null) : null,
    shipment: null,
    cancelReason: null,
    createdAt: context.now,
    updatedAt: context.now,
    shippedAt: null,
    deliveredAt: null,
    cancelledAt: null,
  };
  return { redemption, entry };
}

/**
 * `POST /v1/redemptions`, in one transaction. Lock order: the member (with its lots), then the
 * reward row, so redemptions of one reward queue on its row and never oversell; the member lock
 * also serialises the member's usage rows and balance. The member's unpaid orders whose payment expired of the
 * reward are settled first, so they never keep its limit or stock.
 */
export async function redeemReward(
  tx: Queryable,
  context: CommandContext,
  input: RedeemInput,
): Promise<CommandResult> {
  const { programId, now } = context;
  const load = { programId, memberIds: [input.memberId], lots: true };
  let state = await loadForUpdate(tx, load);
  let locked = await getReward(tx, programId, input.rewardId, { forUpdate: true });
  const { memberKey } = state.accounts[0]!;
  if (await settleExpiredPaymentsOf(tx, context, memberKey, locked.id)) {
    // An unpaid order whose payment expired of this reward gave back points, stock and usage: read them again.
    state = await loadForUpdate(tx, load);
    locked = await getReward(tx, programId, input.rewardId, { forUpdate: true });
  }
  if (locked.type === 'lucky_draw') return redeemLuckyDraw(tx, context, input, state, locked);
  const reward = await withPoolStock(tx, programId, locked);
  if (reward.type === 'goods' && !input.shippingAddress) {
    throw new JifenError('validation_failed', {
      detail: 'body/shippingAddress is required to redeem goods',
      extensions: { errors: [{ field: 'body/shippingAddress', message: 'is required to redeem goods' }] },
    });
  }
  const periods = redemptionPeriods(now, state.settings.timezone);
  const facts = await redeemerFactsUnderLock(tx, programId, memberKey, reward, periods, now);
  const draft = new LedgerDraft(state.settings, now, state.accounts, state.lots);
  const { redemption, entry } = decideRedemption(draft, reward, input, facts, periods, context);

  await takeStock(tx, programId, reward.id, input.quantity, now);
  await countRewardUsage(tx, programId, memberKey, reward.id, redemption.usagePeriods, input.quantity);
  await insertRedemption(tx, programId, redemption);
  const claim = {
    programId,
    rewardId: reward.id,
    redemptionId: redemption.id,
    memberKey,
    count: input.quantity,
    now,
  };
  const codes = isPoolReward(reward)
    ? await claimPoolCodes(tx, claim)
    : reward.type === 'coupon'
      ? await issueCouponCodes(tx, {
          programId,
          rewardId: reward.id,
          redemptionId: redemption.id,
          memberKey,
          codePattern: reward.details.codePattern ?? 'JF-XXXX-XXXX',
          count: input.quantity,
          now,
        })
      : [];
  const created = redemptionMessageType(null, redemption.status);
  if (created) await recordRedemptionMessage(tx, programId, redemption, created, codes, now);
  const view = redemptionView(redemption, issuedCodeViews(codes));
  return redemptionResult(201, redemption, { ...view, entries: [entryView(entry)] }, draft);
}

import type { Queryable } from '../db/database.ts';
import type { CommandContext, CommandResult } from '../ledger/commands/command-context.ts';
import { LedgerDraft } from '../ledger/ledger-draft.ts';
import type { LoadedState } from '../ledger/ledger-store.ts';
import { actorOfSource } from '../ledger/ledger-types.ts';
import { entryView } from '../ledger/ledger-views.ts';
import {
  recordRedemptionMessage,
  redemptionMessageType,
} from '../notifications/outbox/redemption-messages.ts';
import { localMoment } from '../rules/rule-facts.ts';
import { JifenError } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import { getDraw } from './draws/draw-store.ts';
import type { Draw } from './draws/draw-types.ts';
import { playLockedDraw, playsToday } from './draws/play-draw.ts';
import { playView } from './draws/play-store.ts';
import { redeemerFactsUnderLock } from './redeemer-facts.ts';
import { insertRedemption, redemptionResult, redemptionView } from './redemption-store.ts';
import { blockError, type DrawGate, findRedemptionBlock } from './reward-availability.ts';
import { takeStock } from './reward-store.ts';
import type { Redemption, Reward } from './reward-types.ts';
import { countRewardUsage, periodKeys, redemptionPeriods } from './reward-usage.ts';

/**
 * A lucky_draw catalogue entry redeemed: one play of its draw, recorded as a fulfilled redemption
 * whose spend is the play's cost. The entry has no stock (the draw's prizes have); its own window,
 * tiers and limits apply on top of the draw's status, window and daily plays. One play per
 * redemption (quantity 1): each play is its own random draw and its own audit row. A play cannot
 * be undone, so such a redemption cannot be cancelled.
 */

export function drawGate(draw: Draw, playedToday: number, localDay: string): DrawGate {
  return {
    status: draw.status,
    availableFrom: draw.availableFrom,
    availableUntil: draw.availableUntil,
    perMemberPerDay: draw.perMemberPerDay,
    playedToday,
    localDay,
  };
}

/** The entry as members see it: its price is the draw's cost of a play. */
export const pricedByDraw = (reward: Reward, draw: Draw): Reward => ({
  ...reward,
  pricePoints: draw.costPoints,
});

/**
 * Called by `redeemReward` with the member and the entry locked; locks the draw's prizes next
 * (member → reward → prizes: a direct play locks member → prizes, so the orders agree).
 */
export async function redeemLuckyDraw(
  tx: Queryable,
  context: CommandContext,
  input: { memberId: string; quantity: number },
  state: LoadedState,
  entry: Reward,
): Promise<CommandResult> {
  const { programId, now } = context;
  if (input.quantity !== 1) {
    const message = 'a lucky draw is played once per redemption: quantity must be 1';
    throw new JifenError('validation_failed', {
      detail: `body/quantity ${message}`,
      extensions: { errors: [{ field: 'body/quantity', message }] },
    });
  }
  const draw = await getDraw(tx, programId, entry.details.drawId ?? '', { lock: 'prizes' });
  const reward = pricedByDraw(entry, draw);
  const localDay = localMoment(now, state.settings.timezone).date;
  const draft = new LedgerDraft(state.settings, now, state.accounts, state.lots);
  const memberKey = draft.keyOf(input.memberId);
  const played = await playsToday(tx, programId, draw, memberKey, localDay);
  const periods = redemptionPeriods(now, state.settings.timezone);
  const facts = await redeemerFactsUnderLock(tx, programId, memberKey, reward, periods, now);
  const redeemer = {
    ...facts,
    status: draft.account(input.memberId).status,
    spendablePoints: draft.spendablePoints(input.memberId),
  };
  const block = findRedemptionBlock(reward, redeemer, 1, now, periods, drawGate(draw, played, localDay));
  if (block) throw blockError(block);

  const redemptionId = newId('rdm', now.getTime());
  const source = {
    kind: 'redemption' as const,
    ref: redemptionId,
    redemptionId,
    rewardId: reward.id,
    drawId: draw.id,
    ...actorOfSource(context.source),
  };
  const { play, entries } = await playLockedDraw(tx, context, {
    draft,
    draw,
    memberId: input.memberId,
    localDay,
    source,
  });
  const redemption: Redemption = {
    id: redemptionId,
    memberId: input.memberId,
    memberKey,
    rewardId: reward.id,
    rewardType: reward.type,
    rewardName: reward.name,
    quantity: 1,
    pointsPerUnit: draw.costPoints,
    pointsTotal: draw.costPoints,
    status: 'fulfilled',
    spendEntryId: play.costEntryId,
    cancelEntryId: null,
    holdId: null,
    paymentDueAt: null,
    cash: null,
    paidAt: null,
    usagePeriods: periodKeys(periods),
    details: { drawId: draw.id, playId: play.id },
    shippingAddress: null,
    shipment: null,
    cancelReason: null,
    createdAt: now,
    updatedAt: now,
    shippedAt: null,
    deliveredAt: null,
    cancelledAt: null,
  };
  await takeStock(tx, programId, reward.id, 1, now);
  await countRewardUsage(tx, programId, memberKey, reward.id, redemption.usagePeriods, 1);
  await insertRedemption(tx, programId, redemption);
  const created = redemptionMessageType(null, redemption.status);
  if (created) await recordRedemptionMessage(tx, programId, redemption, created, [], now);
  const body = { ...redemptionView(redemption), play: playView(play), entries: entries.map(entryView) };
  return redemptionResult(201, redemption, body, draft);
}

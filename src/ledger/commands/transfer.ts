import type { Queryable } from '../../db/database.ts';
import type { MemberKey } from '../../members/member-key.ts';
import { startOfLocalDay } from '../../programs/expiry-policy.ts';
import { JifenError } from '../../shared/errors.ts';
import type { LedgerDraft } from '../ledger-draft.ts';
import { loadDraft } from '../ledger-store.ts';
import type { Entry, LotTouch, Reason, TransferLimits } from '../ledger-types.ts';
import { entryView } from '../ledger-views.ts';
import { assertCanEarn, assertCanSpend } from '../member-status-rules.ts';
import { negated, spend } from '../movements.ts';
import { systemReasons } from '../reasons.ts';
import type { CommandContext, CommandResult } from './command-context.ts';

export interface TransferInput {
  fromMemberId: string;
  toMemberId: string;
  points: number;
  reason: Reason;
}

function limitError(limit: string, limitPoints: number, detail: string): JifenError {
  return new JifenError('transfer_limit_exceeded', { detail, extensions: { limit, limitPoints } });
}

export function checkTransferLimits(limits: TransferLimits, points: number, sentToday: number): void {
  if (limits.minPoints !== undefined && points < limits.minPoints) {
    throw limitError(
      'minPoints',
      limits.minPoints,
      `A transfer must be at least ${limits.minPoints} points.`,
    );
  }
  if (limits.maxPoints !== undefined && points > limits.maxPoints) {
    throw limitError('maxPoints', limits.maxPoints, `A transfer may be at most ${limits.maxPoints} points.`);
  }
  if (limits.dailyMaxPoints !== undefined && sentToday + points > limits.dailyMaxPoints) {
    throw limitError(
      'dailyMaxPoints',
      limits.dailyMaxPoints,
      `A member may send at most ${limits.dailyMaxPoints} points a day; ${sentToday} were already sent today.`,
    );
  }
}

/**
 * 转赠: the sender's lots are spent earliest-expiry first and the recipient gets one lot per lot
 * consumed, with the same expiry, so a transfer never extends the life of points.
 */
export function decideTransfer(
  draft: LedgerDraft,
  input: TransferInput,
  sentToday: number,
  context: CommandContext,
): Entry[] {
  const sender = draft.account(input.fromMemberId);
  const recipient = draft.account(input.toMemberId);
  assertCanSpend(sender);
  assertCanEarn(recipient);
  checkTransferLimits(draft.settings.transferLimits, input.points, sentToday);
  const out = spend(draft, {
    memberId: sender.memberId,
    points: input.points,
    type: 'transfer_out',
    contraAccount: 'transfers',
    counterpartyMemberId: recipient.memberId,
    source: context.source,
    reason: systemReasons.transferOut(recipient.memberId, input.reason),
  });
  const given: LotTouch[] = out.lots.map((touch) => {
    const senderLot = draft.lot(touch.lotId);
    const lot = draft.addLot({
      memberId: recipient.memberId,
      status: 'available',
      amount: -touch.points,
      remaining: -touch.points,
      earnedAt: draft.now,
      availableAt: draft.now,
      expiresAt: senderLot.expiresAt,
      entryId: '',
      originLotId: senderLot.id,
    });
    return { lotId: lot.id, points: -touch.points };
  });
  const { repaid, touches: repayTouches } = draft.repayDebtFromLots(recipient.memberId);
  const into = draft.record({
    memberId: recipient.memberId,
    type: 'transfer_in',
    delta: { available: input.points, debt: negated(repaid) },
    contraAccount: 'transfers',
    counterpartyMemberId: sender.memberId,
    lots: [...given, ...repayTouches],
    source: context.source,
    reason: systemReasons.transferIn(sender.memberId, input.reason),
  });
  for (const touch of given) draft.lot(touch.lotId).entryId = into.id;
  return [out, into];
}

export async function transfer(
  tx: Queryable,
  context: CommandContext,
  input: TransferInput,
): Promise<CommandResult> {
  if (input.fromMemberId === input.toMemberId) {
    throw new JifenError('transfer_to_self', { extensions: { memberId: input.fromMemberId } });
  }
  const draft = await loadDraft(
    tx,
    {
      programId: context.programId,
      memberIds: [input.fromMemberId, input.toMemberId],
      lots: true,
    },
    context.now,
  );
  const sentToday = draft.settings.transferLimits.dailyMaxPoints
    ? await pointsSentToday(tx, context, draft.keyOf(input.fromMemberId), draft.settings.timezone)
    : 0;
  const entries = decideTransfer(draft, input, sentToday, context);
  return { status: 201, body: { entries: entries.map(entryView) }, draft };
}

async function pointsSentToday(
  tx: Queryable,
  context: CommandContext,
  memberKey: MemberKey,
  timezone: string,
): Promise<number> {
  const [row] = await tx.query<{ sent: number }>(
    `select coalesce(-sum(available_delta), 0)::int8 as sent from entries
      where program_id = $1 and member_key = $2 and type = 'transfer_out' and created_at >= $3`,
    [context.programId, memberKey, startOfLocalDay(context.now, timezone).toISOString()],
  );
  return row?.sent ?? 0;
}

import type { Queryable } from '../../db/database.ts';
import type { Redemption, RedemptionStatus } from '../../rewards/reward-types.ts';
import { newId } from '../../shared/ids.ts';
import type { NotificationType, OutboxMessage, RedemptionData } from '../message-types.ts';
import { writeOutbox } from './outbox-sql.ts';

type RedemptionMessageType = Extract<NotificationType, `redemption.${string}`>;

/**
 * What a status change tells the outside world. An order that waits for its cash part is not an
 * order yet: it is `created` when paid, and an unpaid one that is cancelled or times out says nothing.
 */
export function redemptionMessageType(
  previous: RedemptionStatus | null,
  next: RedemptionStatus,
): RedemptionMessageType | null {
  if (next === previous || next === 'awaiting_payment' || next === 'payment_expired') return null;
  if (next === 'shipped') return 'redemption.shipped';
  if (next === 'delivered') return 'redemption.delivered';
  if (next === 'cancelled') return previous === 'awaiting_payment' ? null : 'redemption.cancelled';
  return previous === null || previous === 'awaiting_payment' ? 'redemption.created' : null;
}

/** Records the message for a redemption's change in the caller's transaction. */
export async function recordRedemptionMessage(
  tx: Queryable,
  programId: string,
  redemption: Redemption,
  type: RedemptionMessageType,
  couponCodes: readonly string[],
  now: Date,
): Promise<void> {
  const data: RedemptionData = {
    memberId: redemption.memberId,
    redemptionId: redemption.id,
    rewardId: redemption.rewardId,
    rewardType: redemption.rewardType,
    rewardName: redemption.rewardName,
    quantity: redemption.quantity,
    points: redemption.pointsTotal,
    status: redemption.status,
    couponCodes: [...couponCodes],
    shipment: redemption.shipment,
    cancelReason: redemption.cancelReason,
    occurredAt: now.toISOString(),
  };
  const message: OutboxMessage = {
    id: newId('msg', now.getTime()),
    programId,
    memberId: redemption.memberId,
    memberKey: redemption.memberKey,
    type,
    data,
    createdAt: now,
  };
  await writeOutbox(tx, programId, [message]);
}

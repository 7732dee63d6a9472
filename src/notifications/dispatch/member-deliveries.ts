import type { Queryable } from '../../db/database.ts';
import type { MemberKey } from '../../members/member-key.ts';
import { memberKeyOf } from '../../members/member-store.ts';
import { openNullable } from '../../vault/field-cipher.ts';
import { DELIVERY_BODY, DELIVERY_SUBJECT, RECIPIENT } from './fan-out.ts';

/**
 * The e-mails and text messages sent (or to be sent) to a member, newest first, opened from their
 * sealed form: what the member's personal-data export shows of the notifications.
 */
export async function memberDeliveries(db: Queryable, programId: string, memberId: string) {
  const memberKey = await memberKeyOf(db, programId, memberId);
  const rows = await db.query<{
    id: string;
    message_id: string;
    channel: 'email' | 'sms';
    recipient: string | null;
    subject: string | null;
    body: string | null;
    status: string;
    created_at: Date;
    delivered_at: Date | null;
  }>(
    `select id, message_id, channel, recipient, subject, body, status, created_at, delivered_at
       from deliveries
      where program_id = $1 and member_key = $2 and channel in ('email', 'sms')
      order by created_at desc, id desc`,
    [programId, memberKey],
  );
  return Promise.all(
    rows.map(async (row) => ({
      id: row.id,
      messageId: row.message_id,
      channel: row.channel,
      recipient: await openNullable(db, programId, RECIPIENT, row.recipient),
      subject: await openNullable(db, programId, DELIVERY_SUBJECT, row.subject),
      body: await openNullable(db, programId, DELIVERY_BODY, row.body),
      status: row.status,
      createdAt: new Date(row.created_at).toISOString(),
      deliveredAt: row.delivered_at === null ? null : new Date(row.delivered_at).toISOString(),
    })),
  );
}

/**
 * Erasure: the member's e-mails and texts keep their record (when, which channel, the outcome)
 * without recipient, subject or body; those not sent yet are not sent (dead, saying why).
 */
export async function eraseMemberDeliveries(
  tx: Queryable,
  programId: string,
  memberKey: MemberKey,
): Promise<void> {
  await tx.query(
    `update deliveries
        set recipient = null, subject = null, body = null,
            status = case when status = 'pending' then 'dead' else status end,
            last_error = case when status = 'pending' then 'not sent: the member''s personal data was erased'
                              else last_error end
      where program_id = $1 and member_key = $2 and channel in ('email', 'sms')`,
    [programId, memberKey],
  );
}

import type { Queryable } from '../../db/database.ts';
import { sqlParams } from '../../db/sql-params.ts';
import { asMemberKey, type MemberKey } from '../../members/member-key.ts';
import { newId } from '../../shared/ids.ts';
import { DAY_MS } from '../../shared/time-units.ts';
import type { OutboxMessage } from '../message-types.ts';
import { outboxInsertSql, prepareOutbox } from '../outbox/outbox-sql.ts';
import type { DueReminder, SentReminder } from './due-reminders.ts';
import type { OffsetProgress } from './reminder-scan.ts';

/**
 * Reads and writes of the reminder pass: its progress and the reminders sent (the members to look
 * at and their expiring points are the ledger's: `ledger/expiry-queries.ts`).
 */

export async function loadReminderProgress(db: Queryable, programId: string): Promise<OffsetProgress[]> {
  const rows = await db.query<{
    offset_days: number;
    scanned_until: Date;
    entries_read_at: Date;
  }>('select offset_days, scanned_until, entries_read_at from reminder_progress where program_id = $1', [
    programId,
  ]);
  return rows.map((row) => ({
    offsetDays: row.offset_days,
    scannedUntil: new Date(row.scanned_until),
    entriesReadAt: new Date(row.entries_read_at),
  }));
}

/** Advances the progress; a row never moves back, so servers finishing passes out of order agree. */
export async function saveReminderProgress(
  db: Queryable,
  programId: string,
  progress: readonly OffsetProgress[],
  updatedAt: Date,
): Promise<void> {
  await db.query(
    `insert into reminder_progress (program_id, offset_days, scanned_until, entries_read_at, updated_at)
     select $1, offset_days, scanned_until, entries_read_at, $5
       from unnest($2::int4[], $3::timestamptz[], $4::timestamptz[]) as p(offset_days, scanned_until, entries_read_at)
     on conflict (program_id, offset_days) do update
        set scanned_until = greatest(reminder_progress.scanned_until, excluded.scanned_until),
            entries_read_at = greatest(reminder_progress.entries_read_at, excluded.entries_read_at),
            updated_at = excluded.updated_at`,
    [
      programId,
      progress.map((row) => row.offsetDays),
      progress.map((row) => row.scannedUntil.toISOString()),
      progress.map((row) => row.entriesReadAt.toISOString()),
      updatedAt.toISOString(),
    ],
  );
}

/** The members' reminders about days from `fromDay` on. */
export async function loadSentReminders(
  db: Queryable,
  programId: string,
  memberKeys: readonly MemberKey[],
  fromDay: string,
): Promise<SentReminder[]> {
  const rows = await db.query<{
    member_key: string;
    expires_on: string;
    offset_days: number;
    first_expiry: Date | null;
  }>(
    // Lateral and fenced (offset 0), so each member is an index look-up even while the table's
    // statistics still say it is empty: the first big cohort fills it within one pass.
    `select k.member_key, r.expires_on, r.offset_days, r.first_expiry
       from unnest($2::text[]) as k(member_key)
       cross join lateral (
         select to_char(expires_on, 'YYYY-MM-DD') as expires_on, offset_days, first_expiry
           from expiry_reminders
          where program_id = $1 and member_key = k.member_key and expires_on >= $3::date
         offset 0
       ) as r`,
    [programId, memberKeys, fromDay],
  );
  return rows.map((row) => ({
    memberKey: asMemberKey(row.member_key),
    expiresOn: row.expires_on,
    offsetDays: row.offset_days,
    firstExpiresAt: row.first_expiry === null ? null : new Date(row.first_expiry),
  }));
}

/**
 * Records the reminders and their `points.expiring` messages in one statement. The primary key of
 * expiry_reminders (member, day, offset) and its unique (member, first expiry, offset) make each
 * happen once whatever the number of servers: a row another server inserted first is skipped here,
 * and so is its message (the outbox insert keeps only the messages of reminders inserted).
 */
export async function recordReminders(
  db: Queryable,
  programId: string,
  due: readonly DueReminder[],
  now: Date,
): Promise<number> {
  if (due.length === 0) return 0;
  const messages = due.map((reminder) => expiringMessage(programId, reminder, now));
  const { params, param } = sqlParams(programId);
  const column = <T>(get: (reminder: DueReminder, index: number) => T) => due.map(get);
  const sent = `insert into expiry_reminders
      (program_id, member_key, expires_on, offset_days, points, message_id, first_expiry, created_at)
    select $1, d.*, ${param(now.toISOString(), 'timestamptz')}
      from unnest(${param(
        column((reminder) => reminder.memberKey),
        'text[]',
      )}, ${param(
        column((reminder) => reminder.expiresOn),
        'date[]',
      )}, ${param(
        column((reminder) => reminder.offsetDays),
        'int4[]',
      )}, ${param(
        column((reminder) => reminder.points),
        'int8[]',
      )}, ${param(
        messages.map((message) => message.id),
        'text[]',
      )}, ${param(
        column((reminder) => reminder.firstExpiresAt.toISOString()),
        'timestamptz[]',
      )}) as d (member_key, expires_on, offset_days, points, message_id, first_expiry)
    on conflict do nothing
    returning message_id`;
  await prepareOutbox(db, programId);
  const outbox = outboxInsertSql(db, programId, messages, param, { onlyIds: 'select message_id from sent' });
  const rows = await db.query<{ id: string }>(`with sent as (${sent}) ${outbox} returning id`, params);
  return rows.length;
}

/** The `points.expiring` message of a reminder. */
function expiringMessage(
  programId: string,
  reminder: DueReminder,
  now: Date,
): OutboxMessage<'points.expiring'> {
  return {
    id: newId('msg', now.getTime()),
    programId,
    memberId: reminder.memberId,
    memberKey: reminder.memberKey,
    type: 'points.expiring',
    data: {
      memberId: reminder.memberId,
      points: reminder.points,
      expiresOn: reminder.expiresOn,
      expiresAt: reminder.firstExpiresAt.toISOString(),
      offsetDays: reminder.offsetDays,
      daysLeft: Math.ceil((reminder.firstExpiresAt.getTime() - now.getTime()) / DAY_MS),
      lots: reminder.lots,
    },
    createdAt: now,
  };
}

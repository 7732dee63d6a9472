import type { Queryable } from '../../db/database.ts';
import { newId } from '../../shared/ids.ts';
import type { DueReminder, ExpiryGroup, SentReminder } from './due-reminders.ts';
import type { ExpiryBand, OffsetProgress } from './reminder-scan.ts';

/** Reads and writes of the reminder pass: its progress, the members to look at, their groups, the reminders. */

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

/**
 * Members with points expiring in the band, a page at a time, in the order of
 * lots_expiring_by_program. Pending lots count too (their members are looked at and left alone):
 * asking for the status would let a generic plan take lots_due_to_expire and sort the rest of the
 * band for every page.
 */
export async function* membersExpiringIn(
  db: Queryable,
  programId: string,
  band: ExpiryBand,
  pageSize: number,
): AsyncGenerator<string[]> {
  let cursor = { expiresAt: band.after.toISOString(), memberId: '' };
  for (;;) {
    const rows = await db.query<{ expires_at: Date; member_id: string }>(
      `select expires_at, member_id from lots
        where program_id = $1 and remaining > 0
          and expires_at > $2::timestamptz and expires_at <= $3::timestamptz
          and (expires_at, member_id) > ($4::timestamptz, $5::text)
        order by expires_at, member_id
        limit $6`,
      [
        programId,
        band.after.toISOString(),
        band.until.toISOString(),
        cursor.expiresAt,
        cursor.memberId,
        pageSize,
      ],
    );
    if (rows.length > 0) yield [...new Set(rows.map((row) => row.member_id))];
    if (rows.length < pageSize) return;
    const last = rows.at(-1)!;
    cursor = { expiresAt: new Date(last.expires_at).toISOString(), memberId: last.member_id };
  }
}

/**
 * Members whose available points grew in the journal entries after `entriesAfter` (credits,
 * releases, restores), a page of entries at a time. Most will have nothing expiring soon; the
 * look-up of their expiry days says so.
 */
export async function* membersCreditedAfter(
  db: Queryable,
  programId: string,
  entriesAfter: string,
  pageSize: number,
): AsyncGenerator<string[]> {
  let cursor = entriesAfter;
  for (;;) {
    const rows = await db.query<{ id: string; member_id: string }>(
      `select id, member_id from entries
        where program_id = $1 and id > $2 and available_delta > 0
        order by id limit $3`,
      [programId, cursor, pageSize],
    );
    if (rows.length > 0) yield [...new Set(rows.map((row) => row.member_id))];
    if (rows.length < pageSize) return;
    cursor = rows.at(-1)!.id;
  }
}

/** The members' available points per local expiry day, for expiries in the window. */
export async function loadExpiryGroups(
  db: Queryable,
  programId: string,
  timezone: string,
  memberIds: readonly string[],
  window: ExpiryBand,
): Promise<ExpiryGroup[]> {
  const rows = await db.query<{
    member_id: string;
    expires_on: string;
    first_expiry: Date;
    last_expiry: Date;
    points: string;
    lots: number;
  }>(
    // The last local day of a lot is the day of the instant before it expires: points expiring at
    // midnight are "将于 2026-12-31 过期", not 2027-01-01. Per member (lateral), all its live lots
    // from lots_spending_order, then the window (the fence, offset 0, keeps the window out of the
    // look-up: with stale statistics or a generic plan, a condition on expires_at there could be
    // planned on lots_expiring_by_program, reading a whole cohort once per member).
    `select m.member_id, g.expires_on, g.first_expiry, g.last_expiry, g.points, g.lots
       from unnest($2::text[]) as m(member_id)
       cross join lateral (
         select to_char((expires_at - interval '1 millisecond') at time zone $3, 'YYYY-MM-DD') as expires_on,
                min(expires_at) as first_expiry, max(expires_at) as last_expiry, sum(remaining) as points,
                count(*)::int as lots
           from (select expires_at, remaining from lots
                  where program_id = $1 and member_id = m.member_id and remaining > 0 and status = 'available'
                 offset 0) as live
          where expires_at > $4::timestamptz and expires_at <= $5::timestamptz
          group by 1
       ) as g
      order by 1, 2`,
    [programId, memberIds, timezone, window.after.toISOString(), window.until.toISOString()],
  );
  return rows.map((row) => ({
    memberId: row.member_id,
    expiresOn: row.expires_on,
    firstExpiresAt: new Date(row.first_expiry),
    lastExpiresAt: new Date(row.last_expiry),
    points: Number(row.points),
    lots: row.lots,
  }));
}

/** The members' reminders about days from `fromDay` on. */
export async function loadSentReminders(
  db: Queryable,
  programId: string,
  memberIds: readonly string[],
  fromDay: string,
): Promise<SentReminder[]> {
  const rows = await db.query<{
    member_id: string;
    expires_on: string;
    offset_days: number;
    first_expiry: Date | null;
  }>(
    // Lateral and fenced (offset 0), so each member is an index look-up even while the table's
    // statistics still say it is empty: the first big cohort fills it within one pass.
    `select m.member_id, r.expires_on, r.offset_days, r.first_expiry
       from unnest($2::text[]) as m(member_id)
       cross join lateral (
         select to_char(expires_on, 'YYYY-MM-DD') as expires_on, offset_days, first_expiry
           from expiry_reminders
          where program_id = $1 and member_id = m.member_id and expires_on >= $3::date
         offset 0
       ) as r`,
    [programId, memberIds, fromDay],
  );
  return rows.map((row) => ({
    memberId: row.member_id,
    expiresOn: row.expires_on,
    offsetDays: row.offset_days,
    firstExpiresAt: row.first_expiry === null ? null : new Date(row.first_expiry),
  }));
}

/**
 * Records the reminders and their `points.expiring` messages in one statement. The primary key of
 * expiry_reminders (member, day, offset) and its unique (member, first expiry, offset) make each
 * happen once whatever the number of servers: a row another server inserted first is skipped here,
 * and so is its message.
 */
const RECORD_REMINDERS = `
  with due as (
    select * from unnest($2::text[], $3::date[], $4::int4[], $5::int8[], $6::text[], $7::timestamptz[], $8::int4[])
      as d(member_id, expires_on, offset_days, points, message_id, first_expiry, lots)
  ), sent as (
    insert into expiry_reminders (program_id, member_id, expires_on, offset_days, points, message_id, first_expiry, created_at)
    select $1, member_id, expires_on, offset_days, points, message_id, first_expiry, $9 from due
    on conflict do nothing
    returning member_id, expires_on, offset_days
  )
  insert into outbox (program_id, id, type, member_id, data, created_at)
  select $1, d.message_id, 'points.expiring', d.member_id,
         jsonb_build_object('memberId', d.member_id, 'points', d.points,
           'expiresOn', to_char(d.expires_on, 'YYYY-MM-DD'), 'expiresAt', to_char(d.first_expiry at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
           'offsetDays', d.offset_days,
           'daysLeft', ceil(extract(epoch from (d.first_expiry - $9::timestamptz)) / 86400)::int, 'lots', d.lots),
         $9
    from due d join sent s using (member_id, expires_on, offset_days)
  returning id`;

export async function recordReminders(
  db: Queryable,
  programId: string,
  due: readonly DueReminder[],
  now: Date,
): Promise<number> {
  const rows = await db.query<{ id: string }>(RECORD_REMINDERS, [
    programId,
    due.map((reminder) => reminder.memberId),
    due.map((reminder) => reminder.expiresOn),
    due.map((reminder) => reminder.offsetDays),
    due.map((reminder) => reminder.points),
    due.map(() => newId('msg', now.getTime())),
    due.map((reminder) => reminder.firstExpiresAt.toISOString()),
    due.map((reminder) => reminder.lots),
    now.toISOString(),
  ]);
  return rows.length;
}

import type { Database } from '../../db/database.ts';
import type { Clock } from '../../shared/clock.ts';
import { newId } from '../../shared/ids.ts';
import { notificationSettingsOf } from '../settings/notification-settings.ts';

interface DueReminder {
  member_id: string;
  expires_on: string;
  first_expiry: Date;
  points: string;
  lots: number;
  offset_days: number;
}

/**
 * A member's available lots that expire on one local day, and the reminder offset that applies
 * now: the smallest offset whose time (first expiry minus that many days) has come. Groups whose
 * reminder for that offset exists are left out; a larger offset never applies again once a smaller
 * one has (time only moves forward), so a late-earned lot never triggers the 30-day reminder after
 * the 7-day one. The last local day of a lot is the day of the instant before `expires_at`, so
 * points expiring at midnight are "将于 2026-12-31 过期", not 2027-01-01.
 */
const DUE_REMINDERS = `
  with groups as (
    select member_id,
           to_char((expires_at - interval '1 millisecond') at time zone $3, 'YYYY-MM-DD') as expires_on,
           min(expires_at) as first_expiry, sum(remaining) as points, count(*)::int as lots
      from lots
     where program_id = $1 and status = 'available' and remaining > 0 and expires_at is not null
       -- Two days past the largest offset, so the day at the window's edge is summed whole: a
       -- reminder due for its 09:00 lot also counts its 18:00 one. Days not due yet have no offset.
       and expires_at > $2::timestamptz and expires_at <= $2::timestamptz + make_interval(days => $4 + 2)
     group by 1, 2
  ), due as (
    select g.*, (select min(o) from unnest($5::int[]) o
                  where g.first_expiry - make_interval(days => o) <= $2::timestamptz) as offset_days
      from groups g
  )
  select d.* from due d
   where d.offset_days is not null
     and not exists (select 1 from expiry_reminders r
                      where r.program_id = $1 and r.member_id = d.member_id
                        and r.expires_on = d.expires_on::date and r.offset_days = d.offset_days)
   order by d.member_id, d.expires_on
   limit $6`;

/**
 * Records the reminders and their `points.expiring` messages in one statement. The primary key of
 * expiry_reminders makes each (member, day, offset) happen once whatever the number of servers:
 * a row another server inserted first is skipped here, and so is its message.
 */
const RECORD_REMINDERS = `
  with due as (
    select * from unnest($2::text[], $3::date[], $4::int4[], $5::int8[], $6::text[], $7::timestamptz[], $8::int4[])
      as d(member_id, expires_on, offset_days, points, message_id, first_expiry, lots)
  ), sent as (
    insert into expiry_reminders (program_id, member_id, expires_on, offset_days, points, message_id, created_at)
    select $1, member_id, expires_on, offset_days, points, message_id, $9 from due
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
    from due d join sent s using (member_id, expires_on, offset_days)`;

export interface ReminderResult {
  reminders: number;
}

/** One pass over every program: every reminder due now is recorded, in batches. */
export async function runExpiryReminders(
  db: Database,
  clock: Clock,
  batchSize = 1000,
): Promise<ReminderResult> {
  const programs = await db.query<{ id: string; timezone: string }>(
    'select id, timezone from programs order by id',
  );
  const settings = await notificationSettingsOf(
    db,
    programs.map((program) => program.id),
  );
  let reminders = 0;
  for (const program of programs) {
    const offsets = settings.get(program.id)?.reminderOffsetsDays ?? [];
    if (offsets.length === 0) continue;
    for (;;) {
      const now = clock.now();
      const due = await db.query<DueReminder>(DUE_REMINDERS, [
        program.id,
        now.toISOString(),
        program.timezone,
        Math.max(...offsets),
        offsets,
        batchSize,
      ]);
      if (due.length === 0) break;
      reminders += await recordReminders(db, program.id, due, now);
      if (due.length < batchSize) break;
    }
  }
  return { reminders };
}

async function recordReminders(
  db: Database,
  programId: string,
  due: DueReminder[],
  now: Date,
): Promise<number> {
  const rows = await db.query<{ id: string }>(`${RECORD_REMINDERS} returning id`, [
    programId,
    due.map((reminder) => reminder.member_id),
    due.map((reminder) => reminder.expires_on),
    due.map((reminder) => reminder.offset_days),
    due.map((reminder) => reminder.points),
    due.map(() => newId('msg', now.getTime())),
    due.map((reminder) => new Date(reminder.first_expiry).toISOString()),
    due.map((reminder) => reminder.lots),
    now.toISOString(),
  ]);
  return rows.length;
}

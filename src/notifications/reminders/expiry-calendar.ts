import type { Queryable } from '../../db/database.ts';
import { memberExpiryDays } from '../../ledger/expiry-queries.ts';
import type { MemberKey } from '../../members/member-key.ts';

/** Points that expire on one local day (the last day they can be used), with the reminders sent. */
export interface ExpiryBucket {
  expiresOn: string;
  /** The first instant on that day at which some of the points expire. */
  firstExpiresAt: string;
  points: number;
  /** Of `points`, those still pending: they expire on that day too unless spent after release. */
  pendingPoints: number;
  lots: number;
  reminders: { offsetDays: number; points: number; sentAt: string }[];
}

/** Every upcoming expiry of one member, soonest first (SPEC §3.5: not only the next one). */
export async function memberExpiryCalendar(
  db: Queryable,
  programId: string,
  memberKey: MemberKey,
  timezone: string,
  now: Date,
): Promise<ExpiryBucket[]> {
  const days = await memberExpiryDays(db, programId, memberKey, timezone, now);
  if (days.length === 0) return [];
  const reminders = await db.query<{
    expires_on: string;
    offset_days: number;
    points: string;
    created_at: Date;
  }>(
    `select to_char(expires_on, 'YYYY-MM-DD') as expires_on, offset_days, points, created_at
       from expiry_reminders
      where program_id = $1 and member_key = $2 and expires_on = any($3::date[])
      order by offset_days desc`,
    [programId, memberKey, days.map((day) => day.expiresOn)],
  );
  return days.map((day) => ({
    expiresOn: day.expiresOn,
    firstExpiresAt: day.firstExpiresAt.toISOString(),
    points: day.points,
    pendingPoints: day.pendingPoints,
    lots: day.lots,
    reminders: reminders
      .filter((reminder) => reminder.expires_on === day.expiresOn)
      .map((reminder) => ({
        offsetDays: reminder.offset_days,
        points: Number(reminder.points),
        sentAt: new Date(reminder.created_at).toISOString(),
      })),
  }));
}

import type { Queryable } from '../../db/database.ts';

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

const LAST_DAY = `to_char((expires_at - interval '1 millisecond') at time zone $3, 'YYYY-MM-DD')`;

/** Every upcoming expiry of one member, soonest first (SPEC §3.5: not only the next one). */
export async function memberExpiryCalendar(
  db: Queryable,
  programId: string,
  memberId: string,
  timezone: string,
  now: Date,
): Promise<ExpiryBucket[]> {
  const rows = await db.query<{
    expires_on: string;
    first_expiry: Date;
    points: string;
    pending_points: string;
    lots: number;
    reminders: { offsetDays: number; points: number; sentAt: string }[] | null;
  }>(
    `with buckets as (
       select ${LAST_DAY} as expires_on, min(expires_at) as first_expiry, sum(remaining) as points,
              sum(remaining) filter (where status = 'pending') as pending_points, count(*)::int as lots
         from lots
        where program_id = $1 and member_id = $2 and remaining > 0 and expires_at > $4
        group by 1
     )
     select b.*, (select jsonb_agg(jsonb_build_object('offsetDays', r.offset_days, 'points', r.points,
                                                     'sentAt', r.created_at) order by r.offset_days desc)
                    from expiry_reminders r
                   where r.program_id = $1 and r.member_id = $2 and r.expires_on = b.expires_on::date) as reminders
       from buckets b order by b.expires_on`,
    [programId, memberId, timezone, now.toISOString()],
  );
  return rows.map((row) => ({
    expiresOn: row.expires_on,
    firstExpiresAt: new Date(row.first_expiry).toISOString(),
    points: Number(row.points),
    pendingPoints: Number(row.pending_points ?? 0),
    lots: row.lots,
    reminders: (row.reminders ?? []).map((reminder) => ({
      offsetDays: reminder.offsetDays,
      points: Number(reminder.points),
      sentAt: new Date(reminder.sentAt).toISOString(),
    })),
  }));
}

export interface ProgramExpiryDay {
  expiresOn: string;
  points: number;
  members: number;
}

/** What expires across the program per local day in [from, to): the operator's and finance's view. */
export async function programExpiryCalendar(
  db: Queryable,
  programId: string,
  timezone: string,
  from: Date,
  to: Date,
): Promise<ProgramExpiryDay[]> {
  const rows = await db.query<{ expires_on: string; points: string; members: string }>(
    `select ${LAST_DAY} as expires_on, sum(remaining) as points, count(distinct member_id) as members
       from lots
      where program_id = $1 and status = 'available' and remaining > 0
        and expires_at > $2 and expires_at <= $4
      group by 1 order by 1`,
    [programId, from.toISOString(), timezone, to.toISOString()],
  );
  return rows.map((row) => ({
    expiresOn: row.expires_on,
    points: Number(row.points),
    members: Number(row.members),
  }));
}

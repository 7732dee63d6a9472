import type { Queryable } from '../db/database.ts';
import { asMemberKey, type MemberKey } from '../members/member-key.ts';
import { memberIdOfKeySql } from '../members/member-store.ts';

/**
 * Reads of the lots by expiry, for the areas that tell members and operators what expires when
 * (expiry reminders, calendars). Local days are the program's: the last day points can be used is
 * the day of the instant before they expire (points expiring at midnight are "将于 2026-12-31 过期").
 */

/** An interval of expiry instants: (after, until]. */
export interface ExpiryBand {
  after: Date;
  until: Date;
}

/** A member's available points that expire on one local day (the last day they can be used). */
export interface ExpiryGroup {
  memberKey: MemberKey;
  /** The merchant's id of the member as it is now. */
  memberId: string;
  expiresOn: string;
  /** The first and last instants on that day at which some of the points expire. */
  firstExpiresAt: Date;
  lastExpiresAt: Date;
  points: number;
  lots: number;
}

const LAST_DAY = `to_char((expires_at - interval '1 millisecond') at time zone $3, 'YYYY-MM-DD')`;

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
): AsyncGenerator<MemberKey[]> {
  let cursor = { expiresAt: band.after.toISOString(), memberKey: '' };
  for (;;) {
    const rows = await db.query<{ expires_at: Date; member_key: string }>(
      `select expires_at, member_key from lots
        where program_id = $1 and remaining > 0
          and expires_at > $2::timestamptz and expires_at <= $3::timestamptz
          and (expires_at, member_key) > ($4::timestamptz, $5::text)
        order by expires_at, member_key
        limit $6`,
      [
        programId,
        band.after.toISOString(),
        band.until.toISOString(),
        cursor.expiresAt,
        cursor.memberKey,
        pageSize,
      ],
    );
    if (rows.length > 0) yield [...new Set(rows.map((row) => asMemberKey(row.member_key)))];
    if (rows.length < pageSize) return;
    const last = rows.at(-1)!;
    cursor = { expiresAt: new Date(last.expires_at).toISOString(), memberKey: last.member_key };
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
): AsyncGenerator<MemberKey[]> {
  let cursor = entriesAfter;
  for (;;) {
    const rows = await db.query<{ id: string; member_key: string }>(
      `select id, member_key from entries
        where program_id = $1 and id > $2 and available_delta > 0
        order by id limit $3`,
      [programId, cursor, pageSize],
    );
    if (rows.length > 0) yield [...new Set(rows.map((row) => asMemberKey(row.member_key)))];
    if (rows.length < pageSize) return;
    cursor = rows.at(-1)!.id;
  }
}

/** The members' available points per local expiry day, for expiries in the window. */
export async function loadExpiryGroups(
  db: Queryable,
  programId: string,
  timezone: string,
  memberKeys: readonly MemberKey[],
  window: ExpiryBand,
): Promise<ExpiryGroup[]> {
  const rows = await db.query<{
    member_key: string;
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
    `select k.member_key, ${memberIdOfKeySql('k.member_key')} as member_id, g.expires_on, g.first_expiry,
            g.last_expiry, g.points, g.lots
       from unnest($2::text[]) as k(member_key)
       cross join lateral (
         select to_char((expires_at - interval '1 millisecond') at time zone $3, 'YYYY-MM-DD') as expires_on,
                min(expires_at) as first_expiry, max(expires_at) as last_expiry, sum(remaining) as points,
                count(*)::int as lots
           from (select expires_at, remaining from lots
                  where program_id = $1 and member_key = k.member_key and remaining > 0 and status = 'available'
                 offset 0) as live
          where expires_at > $4::timestamptz and expires_at <= $5::timestamptz
          group by 1
       ) as g
      order by 1, 3`,
    [programId, memberKeys, timezone, window.after.toISOString(), window.until.toISOString()],
  );
  return rows.map((row) => ({
    memberKey: asMemberKey(row.member_key),
    memberId: row.member_id,
    expiresOn: row.expires_on,
    firstExpiresAt: new Date(row.first_expiry),
    lastExpiresAt: new Date(row.last_expiry),
    points: Number(row.points),
    lots: row.lots,
  }));
}

/** A member's points (pending ones too) per local expiry day, for expiries after `now`. */
export interface MemberExpiryDay {
  expiresOn: string;
  firstExpiresAt: Date;
  points: number;
  pendingPoints: number;
  lots: number;
}

export async function memberExpiryDays(
  db: Queryable,
  programId: string,
  memberKey: MemberKey,
  timezone: string,
  now: Date,
): Promise<MemberExpiryDay[]> {
  const rows = await db.query<{
    expires_on: string;
    first_expiry: Date;
    points: string;
    pending_points: string | null;
    lots: number;
  }>(
    `select ${LAST_DAY} as expires_on, min(expires_at) as first_expiry, sum(remaining) as points,
            sum(remaining) filter (where status = 'pending') as pending_points, count(*)::int as lots
       from lots
      where program_id = $1 and member_key = $2 and remaining > 0 and expires_at > $4
      group by 1 order by 1`,
    [programId, memberKey, timezone, now.toISOString()],
  );
  return rows.map((row) => ({
    expiresOn: row.expires_on,
    firstExpiresAt: new Date(row.first_expiry),
    points: Number(row.points),
    pendingPoints: Number(row.pending_points ?? 0),
    lots: row.lots,
  }));
}

export interface ProgramExpiryDay {
  expiresOn: string;
  points: number;
  members: number;
}

/** What expires across the program per local day in [from, to): the operator's and finance's view. */
export async function programExpiryDays(
  db: Queryable,
  programId: string,
  timezone: string,
  from: Date,
  to: Date,
): Promise<ProgramExpiryDay[]> {
  const rows = await db.query<{ expires_on: string; points: string; members: string }>(
    `select ${LAST_DAY} as expires_on, sum(remaining) as points, count(distinct member_key) as members
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

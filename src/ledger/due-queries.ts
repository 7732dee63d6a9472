import type { Queryable } from '../db/database.ts';
import { asMemberKey, type MemberKey } from '../members/member-key.ts';
import { memberIdOfKeySql } from '../members/member-store.ts';

/**
 * Reads of the ledger's work that has come due by an instant: lots past their expiry, pending lots
 * past their release, open holds past their time-out. They are what background work (the sweeps)
 * asks for before it locks the members and re-reads their rows under the lock; each is answered
 * from its partial index (`lots_due_to_expire`, `lots_due_to_release`, `holds_due_to_expire`) and
 * takes no lock.
 */

/** A member of a program, by key: due rows of several programs come back together. */
export interface ProgramMember {
  programId: string;
  memberKey: MemberKey;
}

async function dueMembers(db: Queryable, sql: string, now: Date, limit: number): Promise<ProgramMember[]> {
  const rows = await db.query<{ program_id: string; member_key: string }>(sql, [now.toISOString(), limit]);
  return rows.map((row) => ({ programId: row.program_id, memberKey: asMemberKey(row.member_key) }));
}

/** Up to `limit` members with available points in lots whose expiry has passed by `now`. */
export function membersWithLotsDueToExpire(
  db: Queryable,
  now: Date,
  limit: number,
): Promise<ProgramMember[]> {
  return dueMembers(
    db,
    `select distinct program_id, member_key from lots
      where remaining > 0 and status = 'available' and expires_at is not null and expires_at <= $1
      limit $2`,
    now,
    limit,
  );
}

/** Up to `limit` members with pending lots whose points become available by `now`. */
export function membersWithLotsDueToRelease(
  db: Queryable,
  now: Date,
  limit: number,
): Promise<ProgramMember[]> {
  return dueMembers(
    db,
    `select distinct program_id, member_key from lots
      where status = 'pending' and remaining > 0 and available_at <= $1 limit $2`,
    now,
    limit,
  );
}

/** Up to `limit` members with open holds whose time-out has passed by `now`. */
export function membersWithHoldsDueToTimeOut(
  db: Queryable,
  now: Date,
  limit: number,
): Promise<ProgramMember[]> {
  return dueMembers(
    db,
    `select distinct program_id, member_key from holds
      where status = 'open' and expires_at <= $1 limit $2`,
    now,
    limit,
  );
}

/** An open hold past its time-out, with the lots it took from. */
export interface DueHold {
  holdId: string;
  lotIds: string[];
}

/**
 * The open holds of these members whose time-out has passed by `now`, with the lots each took
 * from (a hold's lots never change after it is created, so they can be read before the lock).
 */
export async function holdsDueToTimeOut(
  db: Queryable,
  programId: string,
  memberKeys: readonly MemberKey[],
  now: Date,
): Promise<DueHold[]> {
  const rows = await db.query<{ id: string; lots: { lotId: string }[] }>(
    `select id, lots from holds where program_id = $1 and member_key = any($2::text[])
        and status = 'open' and expires_at <= $3`,
    [programId, memberKeys, now.toISOString()],
  );
  return rows.map((row) => ({ holdId: row.id, lotIds: row.lots.map((touch) => touch.lotId) }));
}

/** An available lot with points left whose expiry has passed. */
export interface DueLot {
  programId: string;
  memberId: string;
  lotId: string;
  remaining: number;
  expiresAt: Date;
}

/**
 * Every available lot with points left whose expiry has passed by `now`, by program, member and
 * expiry (what the expiry sweep would expire now), with the member's id as it is now.
 */
export async function lotsDueToExpire(db: Queryable, now: Date): Promise<DueLot[]> {
  const rows = await db.query<{
    program_id: string;
    member_id: string;
    id: string;
    remaining: number;
    expires_at: Date;
  }>(
    `select program_id, ${memberIdOfKeySql('lots.member_key', 'lots.program_id')} as member_id, id, remaining,
            expires_at from lots
      where remaining > 0 and status = 'available' and expires_at is not null and expires_at <= $1
      order by program_id, member_key, expires_at, id`,
    [now.toISOString()],
  );
  return rows.map((row) => ({
    programId: row.program_id,
    memberId: row.member_id,
    lotId: row.id,
    remaining: row.remaining,
    expiresAt: new Date(row.expires_at),
  }));
}

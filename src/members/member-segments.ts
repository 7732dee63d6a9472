import type { Queryable } from '../db/database.ts';
import { type ActivityScope, inScope } from '../shared/member-activity-sql.ts';
import { asMemberKey, type MemberKey } from './member-key.ts';

/**
 * Who is in which segment (issue 19), kept with the members: rules read a member's segments with
 * the member (`member-facts.ts`), the listing filters by them. The segments area decides
 * membership and writes it here; nothing else does.
 */

export interface Membership {
  memberKey: MemberKey;
  segmentId: string;
}

/**
 * Members' own facts for segments (shared/member-activity-sql.ts): profile and balances, one row
 * per member of the scope. The birthday is sealed (`openBirthday`).
 */
export function memberProfileSql(scope: ActivityScope): string {
  return `select m.member_key, m.member_id, m.status, m.tags, m.joined_at, m.birthday, m.attributes,
                 m.available_points, m.pending_points, m.held_points, m.debt_points, m.growth_points
            from members m
           where m.program_id = $1 and ${inScope(scope, 'm.member_key')}`;
}

/** The segments each member of the scope is in now, as SQL (`segment_ids`), for the segments' own statement. */
export function membershipsSql(scope: ActivityScope): string {
  return `select s.member_key, array_agg(s.segment_id) as segment_ids
            from member_segments s
           where s.program_id = $1 and ${inScope(scope, 's.member_key')}
           group by s.member_key`;
}

/** The segments of each of `memberKeys` with the time each was entered. */
export async function loadMemberships(
  q: Queryable,
  programId: string,
  memberKeys: readonly MemberKey[],
): Promise<Map<MemberKey, Map<string, Date>>> {
  const rows = await q.query<{ member_key: string; segment_id: string; since: Date }>(
    `select member_key, segment_id, since from member_segments
      where program_id = $1 and member_key = any($2::text[])`,
    [programId, memberKeys],
  );
  const found = new Map<MemberKey, Map<string, Date>>();
  for (const row of rows) {
    const key = asMemberKey(row.member_key);
    const segments = found.get(key) ?? new Map<string, Date>();
    found.set(key, segments);
    segments.set(row.segment_id, new Date(row.since));
  }
  return found;
}

const byKeyThenSegment = (a: Membership, b: Membership) =>
  a.memberKey < b.memberKey ? -1 : a.memberKey > b.memberKey ? 1 : a.segmentId < b.segmentId ? -1 : 1;

/** Members entering and leaving segments, in one statement; entering is dated `now`. */
export async function writeMembershipChanges(
  q: Queryable,
  programId: string,
  entering: readonly Membership[],
  leaving: readonly Membership[],
  now: Date,
): Promise<void> {
  if (entering.length === 0 && leaving.length === 0) return;
  // In key order, as every writer of these rows takes them: a computation and a refresh of the
  // same members wait for each other instead of deadlocking.
  const entered = [...entering].sort(byKeyThenSegment);
  const left = [...leaving].sort(byKeyThenSegment);
  await q.query(
    `with gone as (
       delete from member_segments s
        using unnest($4::text[], $5::text[]) as l (member_key, segment_id)
        where s.program_id = $1 and s.member_key = l.member_key and s.segment_id = l.segment_id)
     insert into member_segments (program_id, member_key, segment_id, since)
     select $1, e.member_key, e.segment_id, $6::timestamptz
       from unnest($2::text[], $3::text[]) as e (member_key, segment_id)
     on conflict do nothing`,
    [
      programId,
      entered.map((m) => m.memberKey),
      entered.map((m) => m.segmentId),
      left.map((m) => m.memberKey),
      left.map((m) => m.segmentId),
      now.toISOString(),
    ],
  );
}

/** Everyone leaves a segment (archived, or no longer computed). */
export async function emptySegment(q: Queryable, programId: string, segmentId: string): Promise<void> {
  await q.query('delete from member_segments where program_id = $1 and segment_id = $2', [
    programId,
    segmentId,
  ]);
}

/**
 * An erased member's memberships, judged on the profile just erased, go; the next computation
 * judges what is left (the ledger, no profile).
 */
export async function forgetMemberships(
  q: Queryable,
  programId: string,
  memberKey: MemberKey,
): Promise<void> {
  await q.query('delete from member_segments where program_id = $1 and member_key = $2', [
    programId,
    memberKey,
  ]);
}

/** How many members each segment holds now. */
export async function segmentCounts(q: Queryable, programId: string): Promise<Map<string, number>> {
  const rows = await q.query<{ segment_id: string; members: string }>(
    `select segment_id, count(*) as members from member_segments where program_id = $1 group by segment_id`,
    [programId],
  );
  return new Map(rows.map((row) => [row.segment_id, Number(row.members)]));
}

/**
 * A page of a segment's members in key order (the index's order, so a page of a million-member
 * segment costs the same as the first), with their merchant ids and when each entered.
 */
export async function segmentMembersPage(
  q: Queryable,
  programId: string,
  segmentId: string,
  page: { afterKey: string | undefined; limit: number },
): Promise<Array<{ memberKey: MemberKey; memberId: string; since: Date }>> {
  const rows = await q.query<{ member_key: string; member_id: string; since: Date }>(
    `select s.member_key, m.member_id, s.since
       from member_segments s
       join members m on m.program_id = s.program_id and m.member_key = s.member_key
      where s.program_id = $1 and s.segment_id = $2 and ($3::text is null or s.member_key > $3::text)
      order by s.member_key
      limit $4`,
    [programId, segmentId, page.afterKey ?? null, page.limit],
  );
  return rows.map((row) => ({
    memberKey: asMemberKey(row.member_key),
    memberId: row.member_id,
    since: new Date(row.since),
  }));
}

/** A condition on a member's key for the members' listing: "is in segment `segmentId`". */
export function inSegmentCondition(
  programId: string,
  segmentId: string,
): { sql: (keyColumn: string, firstParam: number) => string; params: unknown[] } {
  return {
    sql: (keyColumn, n) =>
      `exists (select 1 from member_segments in_segment
                where in_segment.program_id = $${n}::text and in_segment.member_key = ${keyColumn}
                  and in_segment.segment_id = $${n + 1}::text)`,
    params: [programId, segmentId],
  };
}

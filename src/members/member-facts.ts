import type { ReadStatement } from '../db/combined-statements.ts';
import type { Queryable } from '../db/database.ts';
import { openBirthday } from './member-birthdays.ts';
import { asMemberKey, type MemberKey } from './member-key.ts';
import type { MemberFacts } from './member-types.ts';

interface MemberFactsRow {
  member_id: string;
  member_key: string;
  status: MemberFacts['status'];
  tags: string[];
  birthday: string | null;
  /** A Date, or its JSON text from a combined read. */
  joined_at: Date | string;
  attributes: Record<string, unknown>;
  segments: string[];
}

/** The facts of members `by` their ids or keys (`$1` the program). */
const factsQuery = (by: 'member_id' | 'member_key', members: string) =>
  `select m.member_id, m.member_key, m.status, m.tags, m.birthday, m.joined_at, m.attributes,
          array(select s.segment_id from member_segments s
                 where s.program_id = m.program_id and s.member_key = m.member_key
                 order by s.segment_id) as segments
     from members m
    where m.program_id = $1 and m.${by} = any(${members})`;

/**
 * What rules may look at about members, by key (members of stored events: back-tests), from the
 * member's own row; members that do not exist are absent. The tier is not the members' to know:
 * `tier` is null here, and callers that judge by tiers set it (event intake carries it event by
 * event; previews and back-tests ask the tiers, `tiersInForce`).
 */
export async function loadMemberFacts(
  db: Queryable,
  programId: string,
  memberKeys: readonly MemberKey[],
): Promise<Map<MemberKey, MemberFacts>> {
  if (memberKeys.length === 0) return new Map();
  const rows = await db.query<MemberFactsRow>(factsQuery('member_key', '$2::text[]'), [
    programId,
    memberKeys,
  ]);
  const facts = await Promise.all(rows.map((row) => toFacts(db, programId, row)));
  return new Map(rows.map((row, index) => [asMemberKey(row.member_key), facts[index]!]));
}

/** One member's facts and key by the merchant's id (a preview), or null when there is no such member. */
export async function findMemberFacts(
  db: Queryable,
  programId: string,
  memberId: string,
): Promise<{ memberKey: MemberKey; facts: MemberFacts } | null> {
  const [row] = await db.query<MemberFactsRow>(factsQuery('member_id', '$2::text[]'), [
    programId,
    [memberId],
  ]);
  return row ? { memberKey: asMemberKey(row.member_key), facts: await toFacts(db, programId, row) } : null;
}

/**
 * The facts of members by the merchant's ids, as part of a combined read (event intake reads
 * everything a batch needs at once).
 */
export function readMemberFacts(
  read: ReadStatement,
  memberIds: readonly string[],
): (q: Queryable) => Promise<Map<string, MemberFacts>> {
  if (memberIds.length === 0) return async () => new Map();
  const programId = read.params[0] as string;
  const rows = read.add<MemberFactsRow>(factsQuery('member_id', read.param(memberIds, 'text[]')));
  return async (q) => {
    const found = rows();
    const facts = await Promise.all(found.map((row) => toFacts(q, programId, row)));
    return new Map(found.map((row, index) => [row.member_id, facts[index]!]));
  };
}

/** A member's facts; the birthday opened from its sealed form (only members who gave one pay for it). */
async function toFacts(q: Queryable, programId: string, row: MemberFactsRow): Promise<MemberFacts> {
  return {
    status: row.status,
    tags: row.tags,
    tier: null,
    segments: row.segments,
    joinedAt: new Date(row.joined_at),
    birthday: row.birthday === null ? null : await openBirthday(q, programId, row.birthday),
    attributes: row.attributes,
  };
}

import type { Queryable } from '../db/database.ts';
import type { MemberFacts } from './member-types.ts';

interface MemberFactsRow {
  member_id: string;
  status: MemberFacts['status'];
  tags: string[];
  birthday: string | null;
  joined_at: Date;
  attributes: Record<string, unknown>;
}

/**
 * What rules may look at about members, by member id, from the member's own row; members that do
 * not exist are absent. The tier is not the members' to know: `tier` is null here, and callers that
 * judge by tiers set it (event intake carries it event by event; previews and back-tests ask the
 * tiers, `tiersInForce`).
 */
export async function loadMemberFacts(
  db: Queryable,
  programId: string,
  memberIds: readonly string[],
): Promise<Map<string, MemberFacts>> {
  const facts = new Map<string, MemberFacts>();
  if (memberIds.length === 0) return facts;
  const rows = await db.query<MemberFactsRow>(
    `select m.member_id, m.status, m.tags, to_char(m.birthday, 'YYYY-MM-DD') as birthday, m.joined_at,
            m.attributes
       from members m
      where m.program_id = $1 and m.member_id = any($2::text[])`,
    [programId, memberIds],
  );
  for (const row of rows) {
    facts.set(row.member_id, {
      status: row.status,
      tags: row.tags,
      tier: null,
      // Segments arrive with a later issue.
      segments: [],
      joinedAt: new Date(row.joined_at),
      birthday: row.birthday,
      attributes: row.attributes,
    });
  }
  return facts;
}

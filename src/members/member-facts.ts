import type { Queryable } from '../db/database.ts';
import type { MemberFacts } from '../rules/rule-facts.ts';

interface MemberFactsRow {
  member_id: string;
  status: MemberFacts['status'];
  tags: string[];
  birthday: string | null;
  joined_at: Date;
  attributes: Record<string, unknown>;
}

/** What rules may look at about members, by member id; members that do not exist are absent. */
export async function loadMemberFacts(
  db: Queryable,
  programId: string,
  memberIds: readonly string[],
): Promise<Map<string, MemberFacts>> {
  const facts = new Map<string, MemberFacts>();
  if (memberIds.length === 0) return facts;
  const rows = await db.query<MemberFactsRow>(
    `select member_id, status, tags, to_char(birthday, 'YYYY-MM-DD') as birthday, joined_at, attributes
       from members where program_id = $1 and member_id = any($2::text[])`,
    [programId, memberIds],
  );
  for (const row of rows) {
    facts.set(row.member_id, {
      status: row.status,
      tags: row.tags,
      // Tiers and segments arrive with later issues.
      tier: null,
      segments: [],
      joinedAt: new Date(row.joined_at),
      birthday: row.birthday,
      attributes: row.attributes,
    });
  }
  return facts;
}

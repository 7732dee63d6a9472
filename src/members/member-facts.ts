import type { Queryable } from '../db/database.ts';
import type { MemberFacts } from './member-types.ts';

interface MemberFactsRow {
  member_id: string;
  status: MemberFacts['status'];
  tags: string[];
  birthday: string | null;
  joined_at: Date;
  attributes: Record<string, unknown>;
  earned_tier: string | null;
  manual_tier: string | null;
  manual_until: Date | null;
}

/**
 * What rules may look at about members, by member id; members that do not exist are absent. The
 * tier is the one in force at `now` (an operator's assignment while it lasts), or `firstTier` for a
 * member who never left the first tier (null when the program has no tiers).
 */
export async function loadMemberFacts(
  db: Queryable,
  programId: string,
  memberIds: readonly string[],
  now: Date = new Date(),
  firstTier: string | null = null,
): Promise<Map<string, MemberFacts>> {
  const facts = new Map<string, MemberFacts>();
  if (memberIds.length === 0) return facts;
  const rows = await db.query<MemberFactsRow>(
    `select m.member_id, m.status, m.tags, to_char(m.birthday, 'YYYY-MM-DD') as birthday, m.joined_at,
            m.attributes, t.earned_tier, t.manual_tier, t.manual_until
       from members m left join member_tiers t using (program_id, member_id)
      where m.program_id = $1 and m.member_id = any($2::text[])`,
    [programId, memberIds],
  );
  for (const row of rows) {
    facts.set(row.member_id, {
      status: row.status,
      tags: row.tags,
      tier:
        row.manual_tier && row.manual_until && new Date(row.manual_until) > now
          ? row.manual_tier
          : (row.earned_tier ?? firstTier),
      // Segments arrive with a later issue.
      segments: [],
      joinedAt: new Date(row.joined_at),
      birthday: row.birthday,
      attributes: row.attributes,
    });
  }
  return facts;
}

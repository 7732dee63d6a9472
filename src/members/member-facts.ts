import type { ReadStatement } from '../db/combined-statements.ts';
import type { Queryable } from '../db/database.ts';
import type { MemberFacts } from './member-types.ts';

interface MemberFactsRow {
  member_id: string;
  status: MemberFacts['status'];
  tags: string[];
  birthday: string | null;
  /** A Date, or its JSON text from a combined read. */
  joined_at: Date | string;
  attributes: Record<string, unknown>;
}

const FACTS_QUERY = `select m.member_id, m.status, m.tags, to_char(m.birthday, 'YYYY-MM-DD') as birthday, m.joined_at,
                            m.attributes
                       from members m
                      where m.program_id = $1 and m.member_id = any`;

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
  if (memberIds.length === 0) return new Map();
  return toFacts(await db.query<MemberFactsRow>(`${FACTS_QUERY}($2::text[])`, [programId, memberIds]));
}

/** `loadMemberFacts` as part of a combined read (event intake reads everything a batch needs at once). */
export function readMemberFacts(
  read: ReadStatement,
  memberIds: readonly string[],
): () => Map<string, MemberFacts> {
  if (memberIds.length === 0) return () => new Map();
  const rows = read.add<MemberFactsRow>(`${FACTS_QUERY}(${read.param(memberIds, 'text[]')})`);
  return () => toFacts(rows());
}

function toFacts(rows: readonly MemberFactsRow[]): Map<string, MemberFacts> {
  const facts = new Map<string, MemberFacts>();
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

import type { Queryable } from '../db/database.ts';
import { memberKeyOfIdSql } from '../members/member-store.ts';

/**
 * Ends manual tier assignments an import made (its undo): each member whose assignment is still
 * the one given — same tier, same end — has it end now, and is judged by earned growth again. An
 * assignment an operator changed since is left alone.
 */
export async function endImportedAssignments(
  tx: Queryable,
  programId: string,
  assignments: readonly { memberId: string; tier: string; until: string }[],
  now: Date,
): Promise<number> {
  if (assignments.length === 0) return 0;
  const rows = await tx.query<{ member_key: string }>(
    `update member_tiers t set manual_until = $3
       from json_to_recordset($2::json) as a (member_id text, tier text, until timestamptz)
      where t.program_id = $1 and t.member_key = ${memberKeyOfIdSql('a.member_id')}
        and t.manual_tier = a.tier and t.manual_until = a.until and t.manual_until > $3
      returning t.member_key`,
    [
      programId,
      JSON.stringify(assignments.map((a) => ({ member_id: a.memberId, tier: a.tier, until: a.until }))),
      now.toISOString(),
    ],
  );
  return rows.length;
}

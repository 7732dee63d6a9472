import type { Queryable } from '../db/database.ts';

/**
 * Blocks (can neither earn nor spend) those of these members that hold nothing — no points in any
 * bucket, no growth — and are active: what an import's undo does to the members it created, once
 * its entries are reversed. A member that earned elsewhere since keeps growth or points and is left
 * as it is. Answers the ids it blocked.
 */
export async function deactivateUntouchedMembers(
  tx: Queryable,
  programId: string,
  memberIds: readonly string[],
  now: Date,
): Promise<string[]> {
  if (memberIds.length === 0) return [];
  const rows = await tx.query<{ member_id: string }>(
    `update members set status = 'blocked', updated_at = $3
      where program_id = $1 and member_id = any($2::text[]) and status = 'active'
        and available_points = 0 and pending_points = 0 and held_points = 0
        and debt_points = 0 and growth_points = 0
      returning member_id`,
    [programId, memberIds, now.toISOString()],
  );
  return rows.map((row) => row.member_id);
}

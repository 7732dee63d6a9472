import type { Queryable } from '../db/database.ts';

export interface DueExpiry {
  programId: string;
  memberId: string;
  lotId: string;
  points: number;
  expiresAt: string;
}

/** What the expiry sweep would expire now (`jifen expire --dry-run`). */
export async function listDueExpiries(db: Queryable, now: Date): Promise<DueExpiry[]> {
  const rows = await db.query<{
    program_id: string;
    member_id: string;
    id: string;
    remaining: number;
    expires_at: Date;
  }>(
    `select program_id, member_id, id, remaining, expires_at from lots
      where remaining > 0 and status = 'available' and expires_at is not null and expires_at <= $1
      order by program_id, member_id, expires_at, id`,
    [now.toISOString()],
  );
  return rows.map((row) => ({
    programId: row.program_id,
    memberId: row.member_id,
    lotId: row.id,
    points: row.remaining,
    expiresAt: new Date(row.expires_at).toISOString(),
  }));
}

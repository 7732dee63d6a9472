import type { Queryable } from '../db/database.ts';
import { lotsDueToExpire } from '../ledger/due-queries.ts';

export interface DueExpiry {
  programId: string;
  memberId: string;
  lotId: string;
  points: number;
  expiresAt: string;
}

/** What the expiry sweep would expire now (`jifen expire --dry-run`). */
export async function listDueExpiries(db: Queryable, now: Date): Promise<DueExpiry[]> {
  return (await lotsDueToExpire(db, now)).map((lot) => ({
    programId: lot.programId,
    memberId: lot.memberId,
    lotId: lot.lotId,
    points: lot.remaining,
    expiresAt: lot.expiresAt.toISOString(),
  }));
}

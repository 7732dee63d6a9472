import type { Queryable } from '../db/database.ts';

export const DEFAULT_IDEMPOTENCY_RETENTION_DAYS = 30;

/**
 * Deletes idempotency records older than `before`, in batches. Records are how a retried request
 * gets its original answer; a retry later than the retention period is treated as a new request.
 * Only these records are ever deleted — never the journal.
 */
export async function pruneIdempotencyKeys(db: Queryable, before: Date, batchSize = 5000): Promise<number> {
  let deleted = 0;
  for (;;) {
    const rows = await db.query<{ n: number }>(
      `with old as (select program_id, key from idempotency_keys where created_at < $1 order by created_at limit $2)
       delete from idempotency_keys k using old where k.program_id = old.program_id and k.key = old.key
       returning 1 as n`,
      [before.toISOString(), batchSize],
    );
    deleted += rows.length;
    if (rows.length < batchSize) return deleted;
  }
}

import type { Queryable } from '../../db/database.ts';
import { listProgramTimezones } from '../../programs/program-store.ts';

export const DEFAULT_NOTIFICATION_RETENTION_DAYS = 30;

/**
 * Deletes outbox messages older than `before` that are fanned out and have no delivery left to
 * try, with their deliveries and attempts, in batches per program. A webhook range replay can only
 * reach messages still kept. Members' inbox messages are theirs and are not pruned.
 */
export async function pruneNotifications(db: Queryable, before: Date, batchSize = 5000): Promise<number> {
  const programs = await listProgramTimezones(db);
  let deleted = 0;
  for (const program of programs) {
    for (;;) {
      const rows = await db.query<{ n: number }>(
        `with old as (
           select o.program_id, o.id from outbox o
            where o.program_id = $1 and o.created_at < $2 and o.dispatched_at is not null
              and not exists (select 1 from deliveries d
                               where d.program_id = o.program_id and d.message_id = o.id and d.status = 'pending')
            order by o.created_at limit $3
         ), gone_deliveries as (
           delete from deliveries d using old where d.program_id = old.program_id and d.message_id = old.id
           returning d.program_id, d.id
         ), gone_attempts as (
           delete from delivery_attempts a using gone_deliveries g
            where a.program_id = g.program_id and a.delivery_id = g.id
         )
         delete from outbox o using old where o.program_id = old.program_id and o.id = old.id
         returning 1 as n`,
        [program.id, before.toISOString(), batchSize],
      );
      deleted += rows.length;
      if (rows.length < batchSize) break;
    }
  }
  return deleted;
}

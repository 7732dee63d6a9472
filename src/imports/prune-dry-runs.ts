import type { Queryable } from '../db/database.ts';

/** A dry run not committed within this many days is removed with its staged rows. */
export const DRY_RUN_RETENTION_DAYS = 7;

/**
 * Removes dry-run imports made before `before` with the rows they staged, a few imports a
 * statement (a staged file may hold a million rows). An import being committed holds its row's lock
 * and is skipped; one removed first is then not found by the commit (404 `import_not_found`).
 * Committed and undone imports are the record of what was applied and stay.
 */
export async function pruneDryRuns(db: Queryable, before: Date, importsPerStatement = 10): Promise<number> {
  let removed = 0;
  for (;;) {
    const rows = await db.query<{ id: string }>(
      `with old as (
         select program_id, id from imports
          where state = 'dry_run' and created_at < $1
          order by created_at limit $2 for update skip locked
       ), staged as (
         delete from import_rows r using old where r.program_id = old.program_id and r.import_id = old.id
       )
       delete from imports i using old where i.program_id = old.program_id and i.id = old.id
       returning i.id`,
      [before.toISOString(), importsPerStatement],
    );
    removed += rows.length;
    if (rows.length < importsPerStatement) return removed;
  }
}

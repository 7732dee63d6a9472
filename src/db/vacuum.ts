import type { Database } from './database.ts';

/**
 * PGlite runs without autovacuum (it is one process, with no background workers), so the space of
 * updated and deleted rows is never marked for reuse and the data directory only grows. `serve`
 * and bulk loads call this now and then: one table at a time, so on PGlite's single connection
 * the API's statements go between them. PostgreSQL vacuums itself: nothing to do there.
 */
export async function vacuumEmbedded(db: Database): Promise<void> {
  if (db.engine !== 'pglite') return;
  const tables = await db.query<{ name: string }>(
    `select quote_ident(relname) as name from pg_class
      where relnamespace = 'public'::regnamespace and relkind = 'r' order by relname`,
  );
  for (const table of tables) await db.exec(`vacuum ${table.name}`);
}

/**
 * After a bulk load into the embedded database (`jifen demo`, a large import): indexes filled in
 * random key order (by member) are left about two-thirds full, and WAL holds the load. Rebuilding
 * the indexes packs them, a vacuum marks updated rows' space free, and a checkpoint lets WAL shrink
 * back to its budget: the demo's directory went from 206 to 195 MB for about a second more.
 * PostgreSQL keeps itself (autovacuum, its checkpointer): nothing to do there.
 */
export async function compactEmbedded(db: Database): Promise<void> {
  if (db.engine !== 'pglite') return;
  await db.exec('reindex schema public');
  await vacuumEmbedded(db);
  await db.exec('checkpoint');
}

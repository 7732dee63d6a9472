import type { Queryable } from '../../src/db/database.ts';

/**
 * A fingerprint of everything the program's schema holds: per table, its row count and the md5 of
 * its rows (as text, sorted). Two equal fingerprints mean no request in between changed a row.
 * The schema is the connection's own: the test's schema on PostgreSQL (one per test database),
 * public on PGlite. `idempotency_keys` is left out: recording an answer is not an effect.
 */
export type Fingerprint = Record<string, { rows: number; md5: string }>;

const NOT_EFFECTS = new Set(['idempotency_keys']);

/** The tables to fingerprint, read from the catalogue so a table added later is covered too. */
export async function schemaTables(db: Queryable): Promise<string[]> {
  const rows = await db.query<{ table_name: string }>(
    `select table_name from information_schema.tables
      where table_schema = current_schema() and table_type = 'BASE TABLE'
      order by table_name`,
  );
  return rows.map((row) => row.table_name).filter((name) => !NOT_EFFECTS.has(name));
}

/** One statement that fingerprints every table given. */
export function fingerprintSql(tables: readonly string[]): string {
  return tables
    .map(
      (table) =>
        `select '${table}' as name, count(*)::int as rows,
                md5(coalesce(string_agg(t::text, E'\\n' order by t::text), '')) as md5
           from "${table}" t`,
    )
    .join('\nunion all\n');
}

export async function fingerprint(db: Queryable, sql: string): Promise<Fingerprint> {
  const rows = await db.query<{ name: string; rows: number; md5: string }>(sql);
  return Object.fromEntries(rows.map((row) => [row.name, { rows: row.rows, md5: row.md5 }]));
}

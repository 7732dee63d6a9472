import type { Queryable } from '../../../src/db/database.ts';

/**
 * What "the database is unchanged" means for a refused request:
 * - every table of the schema except `idempotency_keys` holds exactly the same rows (per table:
 *   the row count and the sum of a 64-bit hash of each row's text);
 * - `idempotency_keys` keeps every row it had, unchanged, and may gain at most one row: the one
 *   for the request's own Idempotency-Key, storing the very status the caller got. An expected
 *   failure is an answer, stored and replayed like a success (ARCHITECTURE "Idempotency").
 * Net change counts: a transaction that inserts a row and deletes it again leaves the table as it was.
 *
 * Hashing every table around every request is slow, so a row trigger on every table bumps a
 * sequence (sequences ignore rollbacks and take no locks): while the sequence stands still, nothing
 * was written and the last full fingerprint still holds. The triggers live only in the test database.
 */
export interface Fingerprint {
  tables: Map<string, string>;
  idempotency: Map<string, { statusCode: number; hash: string }>;
}

export const IDEMPOTENCY_TABLE = 'idempotency_keys';
const SEQUENCE = 'fuzz_row_changes';

export async function programTables(db: Queryable): Promise<string[]> {
  const rows = await db.query<{ table_name: string }>(
    `select table_name from information_schema.tables
      where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`,
  );
  return rows.map((row) => row.table_name);
}

export class DatabaseWatch {
  private readonly fullSql: string;
  private known: { fingerprint: Fingerprint; changes: string } | null = null;

  private constructor(
    private readonly db: Queryable,
    tables: string[],
  ) {
    this.fullSql = tables
      .filter((table) => table !== IDEMPOTENCY_TABLE)
      .map(
        (table) =>
          `select '${table}' as t, count(*) || ':' || coalesce(sum(hashtextextended(r::text, 0)), 0) as h from "${table}" r`,
      )
      .join(' union all ');
  }

  static async install(db: Queryable): Promise<DatabaseWatch> {
    const tables = await programTables(db);
    await db.exec(`
      create sequence ${SEQUENCE};
      create function fuzz_row_changed() returns trigger language plpgsql as $$
        begin perform nextval('${SEQUENCE}'); return null; end $$;
      ${tables
        .map(
          (table) =>
            `create trigger fuzz_row_changed after insert or update or delete on "${table}"
               for each row execute function fuzz_row_changed();`,
        )
        .join('\n')}
    `);
    return new DatabaseWatch(db, tables);
  }

  private async changes(): Promise<string> {
    const [row] = await this.db.query<{ n: string }>(
      `select (case when is_called then last_value else 0 end)::text as n from ${SEQUENCE}`,
    );
    return row!.n;
  }

  private async full(): Promise<Fingerprint> {
    const rows = await this.db.query<{ t: string; h: string }>(this.fullSql);
    const keys = await this.db.query<{ program_id: string; key: string; status_code: number; h: string }>(
      `select program_id, key, status_code, md5(r::text) as h from ${IDEMPOTENCY_TABLE} r`,
    );
    return {
      tables: new Map(rows.map((row) => [row.t, row.h])),
      idempotency: new Map(
        keys.map((row) => [`${row.program_id}|${row.key}`, { statusCode: row.status_code, hash: row.h }]),
      ),
    };
  }

  /** The fingerprint of the database now (hashed again only if a row changed since the last one). */
  async fingerprint(): Promise<Fingerprint> {
    const changes = await this.changes();
    if (this.known?.changes !== changes) this.known = { fingerprint: await this.full(), changes };
    return this.known.fingerprint;
  }
}

/** What changed between two fingerprints that a refused request (status, Idempotency-Key) may not change. */
export function forbiddenChanges(
  before: Fingerprint,
  after: Fingerprint,
  refused: { status: number; programId: string; idempotencyKey: string | undefined },
): string[] {
  if (before === after) return [];
  const changes: string[] = [];
  for (const [table, hash] of after.tables) {
    if (before.tables.get(table) !== hash) changes.push(`table ${table} changed`);
  }
  for (const [key, row] of before.idempotency) {
    if (after.idempotency.get(key)?.hash !== row.hash) changes.push(`idempotency record ${key} changed`);
  }
  for (const [key, row] of after.idempotency) {
    if (before.idempotency.has(key)) continue;
    const own =
      refused.idempotencyKey !== undefined && key === `${refused.programId}|${refused.idempotencyKey}`;
    if (!own) changes.push(`idempotency record ${key} appeared`);
    else if (row.statusCode !== refused.status) {
      changes.push(`idempotency record ${key} stores ${row.statusCode}, the caller got ${refused.status}`);
    }
  }
  return changes;
}

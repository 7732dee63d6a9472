import type { Database } from '../db/database.ts';
import { JifenError } from '../shared/errors.ts';
import { encodeBackup } from './backup-file.ts';

/** The highest migration applied, or null when the database is not a Jifen database. */
export async function schemaVersion(db: Database): Promise<number | null> {
  const [table] = await db.query<{ name: string | null }>(
    `select to_regclass('schema_migrations')::text as name`,
  );
  if (!table?.name) return null;
  const [row] = await db.query<{ version: number | null }>(
    'select max(version) as version from schema_migrations',
  );
  return row?.version ?? null;
}

/**
 * A consistent snapshot of an embedded database, as the bytes of a backup file. Everything
 * committed before this is called is in it: the copy is taken between transactions after it starts.
 */
export async function takeBackup(db: Database, now: () => Date): Promise<Buffer> {
  if (!db.snapshotDataDir) {
    throw new JifenError('backup_unavailable', {
      detail:
        'Only the embedded database is backed up by `jifen backup`; back PostgreSQL up with pg_dump (see README, Backups).',
    });
  }
  const version = await schemaVersion(db);
  if (version === null) {
    throw new JifenError('backup_unavailable', {
      detail:
        'This data directory holds no Jifen database (no migrations were ever applied): nothing to back up.',
    });
  }
  const takenAt = now();
  const data = await db.snapshotDataDir();
  return encodeBackup(takenAt, version, data);
}

import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { lockDataDir } from '../db/data-dir-lock.ts';
import { listMigrations } from '../db/migrate.ts';
import { JifenError } from '../shared/errors.ts';
import { type BackupManifest, decodeBackup } from './backup-file.ts';

/** What a data directory may hold without counting as "not empty": the lock restore itself takes. */
const IGNORED_ENTRIES = new Set(['jifen.lock']);

async function unpackAndCheck(data: Buffer, into: string, manifest: BackupManifest): Promise<void> {
  mkdirSync(into);
  let db: PGlite | undefined;
  try {
    db = new PGlite(into, { loadDataDir: new File([data], 'pgdata.tar.gz', { type: 'application/gzip' }) });
    await db.waitReady;
    const { rows } = await db.query<{ version: number | null }>(
      'select max(version) as version from schema_migrations',
    );
    if (rows[0]?.version !== manifest.schemaVersion) {
      throw new Error(
        `it holds schema version ${rows[0]?.version}, its manifest says ${manifest.schemaVersion}`,
      );
    }
  } catch (error) {
    if (error instanceof JifenError) throw error;
    throw new JifenError('backup_invalid', {
      detail: `This is not a usable Jifen backup: its database could not be opened (${(error as Error).message}).`,
    });
  } finally {
    await db?.close().catch(() => {});
  }
}

/**
 * Restores a backup file into `dataDir`'s database. The database is unpacked beside the one it
 * replaces and opened once to check it, and only then moved into place, so a bad file never costs
 * the database already there. Migrations newer than the backup apply when `serve` next starts.
 */
export async function restoreBackup(
  file: Buffer,
  dataDir: string,
  options: { force: boolean },
): Promise<BackupManifest> {
  const { manifest, data } = decodeBackup(file);
  const known = Math.max(...listMigrations().map((migration) => migration.version));
  if (manifest.schemaVersion > known) {
    throw new JifenError('backup_invalid', {
      detail: `This backup was taken by a newer Jifen (schema version ${manifest.schemaVersion}; this one knows up to ${known}): restore it with that version or a later one.`,
    });
  }
  // Refuses (data_dir_locked) while a server holds the directory, and keeps one from starting.
  const lock = lockDataDir(dataDir);
  const staging = join(dataDir, `pgdata.restoring-${process.pid}`);
  try {
    const present = readdirSync(dataDir).filter((entry) => !IGNORED_ENTRIES.has(entry));
    if (present.length > 0 && !options.force) {
      throw new JifenError('restore_target_not_empty', {
        detail: `${dataDir} is not empty (it holds ${present.slice(0, 5).join(', ')}${present.length > 5 ? ', …' : ''}): restore into an empty directory, or pass --force to replace the database in it.`,
      });
    }
    rmSync(staging, { recursive: true, force: true });
    await unpackAndCheck(data, staging, manifest);
    const target = join(dataDir, 'pgdata');
    if (existsSync(target)) rmSync(target, { recursive: true });
    renameSync(staging, target);
    return manifest;
  } finally {
    rmSync(staging, { recursive: true, force: true });
    lock.release();
  }
}

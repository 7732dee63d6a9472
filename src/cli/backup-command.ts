import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_DATA_DIR } from '../db/open-database.ts';
import { backupDataDir } from '../ops/backup-data-dir.ts';
import { restoreBackup } from '../ops/restore-backup.ts';
import { systemClock } from '../shared/clock.ts';
import { DATABASE_FLAGS, databaseLocation, parse, UsageError } from './options.ts';

const PG_DUMP_HINT =
  'For PostgreSQL use its own tools: pg_dump --format=custom --file=jifen.dump "$DATABASE_URL" (restore with pg_restore), and for point-in-time recovery a base backup plus WAL archiving; see README, Operations, Backups.';

function embeddedDataDir(values: Parameters<typeof databaseLocation>[0], command: string): string {
  const location = databaseLocation(values);
  if (location.databaseUrl)
    throw new UsageError(`${command} works on the embedded database only. ${PG_DUMP_HINT}`);
  return resolve(location.dataDir ?? DEFAULT_DATA_DIR);
}

function megabytes(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(1)} MB`;
}

/** `jifen backup --out FILE`: a consistent snapshot of the embedded database, served or not. */
export async function backupCommand(args: string[]): Promise<number> {
  const { values } = parse(args, { ...DATABASE_FLAGS, out: { type: 'string' } });
  const dataDir = embeddedDataDir(values, 'jifen backup');
  if (!values.out)
    throw new UsageError('backup needs --out FILE, e.g. jifen backup --out jifen-2026-12-06.backup');
  const out = resolve(values.out);
  const { bytes, takenBy } = await backupDataDir(dataDir, () => systemClock.now());
  // Written beside the target and renamed, so FILE is never a half-written backup.
  const partial = `${out}.partial-${process.pid}`;
  try {
    writeFileSync(partial, bytes, { mode: 0o600 });
    renameSync(partial, out);
  } finally {
    rmSync(partial, { force: true });
  }
  const by = takenBy.server === null ? 'directly' : `by the running server (pid ${takenBy.server})`;
  console.log(`backup: wrote ${out} (${megabytes(bytes.length)}), taken ${by} from ${dataDir}`);
  return 0;
}

/** `jifen restore FILE --data DIR [--force]`. */
export async function restoreCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { ...DATABASE_FLAGS, force: { type: 'boolean' } });
  const dataDir = embeddedDataDir(values, 'jifen restore');
  const [file, ...extra] = positionals;
  if (!file || extra.length > 0)
    throw new UsageError('restore needs one backup file: jifen restore FILE --data DIR');
  let bytes: Buffer;
  try {
    bytes = readFileSync(resolve(file));
  } catch (error) {
    throw new UsageError(
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  const manifest = await restoreBackup(bytes, dataDir, { force: values.force === true });
  console.log(
    `restore: restored the backup taken at ${manifest.takenAt} (schema version ${manifest.schemaVersion}) into ${dataDir}; start it with jifen serve --data ${dataDir} (newer migrations apply then)`,
  );
  return 0;
}

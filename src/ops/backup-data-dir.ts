import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../db/open-database.ts';
import { JifenError } from '../shared/errors.ts';
import { callControlSocket } from './control-socket.ts';
import { takeBackup } from './take-backup.ts';

/** A backup of 1 GB takes a while to gzip; the server answers when the snapshot is done. */
const SERVER_BACKUP_TIMEOUT_MS = 30 * 60_000;

export interface DataDirBackup {
  bytes: Buffer;
  /** Who took it: the running server that holds the directory, or this process. */
  takenBy: { server: number | null };
}

function lockHolder(dataDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(dataDir, 'jifen.lock'), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Backs up the embedded database in `dataDir`: itself when no process holds the directory (taking
 * the lock meanwhile, so no server can start on it halfway), else by asking the server that holds
 * it over the control socket. The database is copied as it is, not migrated.
 */
export async function backupDataDir(dataDir: string, now: () => Date): Promise<DataDirBackup> {
  if (!existsSync(join(dataDir, 'pgdata', 'PG_VERSION'))) {
    throw new JifenError('backup_unavailable', {
      detail: `There is no embedded database in ${dataDir} (no pgdata/ in it): check --data.`,
    });
  }
  let db: Awaited<ReturnType<typeof openDatabase>>;
  try {
    db = await openDatabase({ dataDir });
  } catch (error) {
    if (!(error instanceof JifenError && error.code === 'data_dir_locked')) throw error;
    const holderPid = lockHolder(dataDir);
    const bytes = await callControlSocket(dataDir, 'backup', {
      timeoutMs: SERVER_BACKUP_TIMEOUT_MS,
      holderPid,
    });
    return { bytes, takenBy: { server: holderPid ?? 0 } };
  }
  try {
    return { bytes: await takeBackup(db, now), takenBy: { server: null } };
  } finally {
    await db.close();
  }
}

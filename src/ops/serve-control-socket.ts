import { resolve } from 'node:path';
import type { Database } from '../db/database.ts';
import { type DatabaseLocation, DEFAULT_DATA_DIR } from '../db/open-database.ts';
import type { Clock } from '../shared/clock.ts';
import { startControlSocket } from './control-socket.ts';
import type { StoppablePart } from './graceful-shutdown.ts';
import { takeBackup } from './take-backup.ts';

/**
 * `serve` on the embedded database answers `jifen backup` over a socket in its data directory
 * (it holds the directory's lock, so no other process may open the database to copy it).
 * PostgreSQL needs none: pg_dump reads it while it runs.
 */
export async function serveControlSocket(
  db: Database,
  location: DatabaseLocation,
  clock: Clock,
  log: (message: string) => void,
): Promise<StoppablePart | null> {
  if (db.engine !== 'pglite' || location.databaseUrl) return null;
  const dataDir = resolve(location.dataDir ?? DEFAULT_DATA_DIR);
  try {
    const socket = await startControlSocket(dataDir, { backup: () => takeBackup(db, () => clock.now()) });
    return {
      name: 'control socket',
      stop: () => socket.close(),
      pending: () => `${socket.active()} backup(s) being taken`,
    };
  } catch (error) {
    log(
      `no control socket, so \`jifen backup\` cannot run while this server does: ${(error as Error).message}`,
    );
    return null;
  }
}

import { join, resolve } from 'node:path';
import { lockDataDir } from './data-dir-lock.ts';
import type { Database } from './database.ts';
import { openPglite } from './pglite-database.ts';
import { openPostgres } from './postgres-database.ts';

export interface DatabaseLocation {
  /** PostgreSQL connection string; when absent, the embedded database in `dataDir` is used. */
  databaseUrl?: string | undefined;
  dataDir?: string | undefined;
  maxConnections?: number | undefined;
}

export const DEFAULT_DATA_DIR = '.jifen';

export async function openDatabase(location: DatabaseLocation): Promise<Database> {
  if (location.databaseUrl) {
    return openPostgres({
      connectionString: location.databaseUrl,
      ...(location.maxConnections ? { maxConnections: location.maxConnections } : {}),
    });
  }
  const dataDir = resolve(location.dataDir ?? DEFAULT_DATA_DIR);
  const lock = lockDataDir(dataDir);
  try {
    const db = await openPglite(join(dataDir, 'pgdata'));
    return {
      ...db,
      async close() {
        try {
          await db.close();
        } finally {
          lock.release();
        }
      },
    };
  } catch (error) {
    lock.release();
    throw error;
  }
}

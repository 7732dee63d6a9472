import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Database } from '../../src/db/database.ts';
import { migrate } from '../../src/db/migrate.ts';
import { openPglite } from '../../src/db/pglite-database.ts';
import { openPostgres } from '../../src/db/postgres-database.ts';
import { wireAreas } from '../../src/wiring.ts';

export type Engine = 'pglite' | 'postgres';

export const POSTGRES_URL = process.env.JIFEN_TEST_DATABASE_URL;

/** Every engine the suite runs on: PGlite always, PostgreSQL when JIFEN_TEST_DATABASE_URL is set. */
export const ENGINES: Engine[] = POSTGRES_URL ? ['pglite', 'postgres'] : ['pglite'];

/**
 * A fresh, migrated database. On PostgreSQL each one is its own schema in the test database, so
 * test files run in parallel without seeing each other; close() drops it.
 */
export async function openTestDatabase(
  engine: Engine,
  /** `migrate: false`: an empty database (a test of a migration applies them itself). */
  options: { maxConnections?: number; migrate?: boolean } = {},
): Promise<Database> {
  wireAreas();
  const migrated = options.migrate ?? true;
  if (engine === 'pglite') {
    const db = await openPglite();
    if (migrated) await migrate(db);
    return db;
  }
  if (!POSTGRES_URL) throw new Error('JIFEN_TEST_DATABASE_URL is not set');
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const db = openPostgres({
    connectionString: POSTGRES_URL,
    schema,
    maxConnections: options.maxConnections ?? 10,
  });
  if (migrated) await migrate(db);
  return {
    ...db,
    async close() {
      await db.close();
      const dropper = new pg.Client({ connectionString: POSTGRES_URL });
      await dropper.connect();
      await dropper.query(`drop schema ${schema} cascade`);
      await dropper.end();
    },
  };
}

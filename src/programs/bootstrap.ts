import type { Database } from '../db/database.ts';
import {
  ALL_SCOPES,
  anyAdminKeyExists,
  anyApiKeyExists,
  createAdminKey,
  createApiKey,
} from '../keys/api-keys.ts';
import { createProgram } from './program-store.ts';

const BOOTSTRAP_LOCK_ID = 7_212_015;

export interface Bootstrapped {
  programId: string;
  keyId: string;
  /** The owner key in plain text: shown once, never stored. */
  secret: string;
  /** The deployment's admin key (programs only), in plain text: shown once, never stored. */
  adminKeyId: string;
  adminSecret: string;
}

/**
 * On a database with no API key at all, creates the default program and its owner key (or uses
 * `bootstrapKey`, for automation: JIFEN_BOOTSTRAP_KEY) and the deployment's admin key (or uses
 * `adminKey`: JIFEN_ADMIN_KEY). Returns null when keys already exist. Safe with several servers.
 */
export async function bootstrap(
  db: Database,
  now: Date,
  bootstrapKey?: string,
  adminKey?: string,
  /** The first program's name (`jifen demo` on an empty database makes it its own, "demo"). */
  programName = 'Default program',
): Promise<Bootstrapped | null> {
  return db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [BOOTSTRAP_LOCK_ID]);
    if (await anyApiKeyExists(tx)) return null;
    const program = await createProgram(tx, programName, now);
    const { key, secret } = await createApiKey(
      tx,
      program.id,
      { name: 'owner', scopes: [ALL_SCOPES], ...(bootstrapKey ? { secret: bootstrapKey } : {}) },
      now,
    );
    const admin = await createAdminKey(tx, { name: 'admin', ...(adminKey ? { secret: adminKey } : {}) }, now);
    return {
      programId: program.id,
      keyId: key.id,
      secret,
      adminKeyId: admin.key.id,
      adminSecret: admin.secret,
    };
  });
}

/**
 * A deployment bootstrapped before admin keys existed gets one from JIFEN_ADMIN_KEY: created when
 * the deployment has no live admin key. Returns whether it created it.
 */
export async function ensureAdminKey(db: Database, now: Date, adminKey: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [BOOTSTRAP_LOCK_ID]);
    if (await anyAdminKeyExists(tx)) return false;
    await createAdminKey(tx, { name: 'admin', secret: adminKey }, now);
    return true;
  });
}

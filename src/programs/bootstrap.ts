import type { Database } from '../db/database.ts';
import { ALL_SCOPES, anyApiKeyExists, createApiKey } from '../keys/api-keys.ts';
import { createProgram } from './program-store.ts';

const BOOTSTRAP_LOCK_ID = 7_212_015;

export interface Bootstrapped {
  programId: string;
  keyId: string;
  /** The owner key in plain text: shown once, never stored. */
  secret: string;
}

/**
 * On a database with no API key at all, creates the default program and its owner key (or uses
 * `bootstrapKey`, for automation). Returns null when keys already exist. Safe with several servers.
 */
export async function bootstrap(
  db: Database,
  now: Date,
  bootstrapKey?: string,
): Promise<Bootstrapped | null> {
  return db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [BOOTSTRAP_LOCK_ID]);
    if (await anyApiKeyExists(tx)) return null;
    const program = await createProgram(tx, 'Default program', now);
    const { key, secret } = await createApiKey(
      tx,
      program.id,
      { name: 'owner', scopes: [ALL_SCOPES], ...(bootstrapKey ? { secret: bootstrapKey } : {}) },
      now,
    );
    return { programId: program.id, keyId: key.id, secret };
  });
}

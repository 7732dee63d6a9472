import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Queryable } from '../db/database.ts';
import { newId } from '../shared/ids.ts';
import { generateKeyFile, type MasterKey, type MasterKeys } from './master-key.ts';
import { VaultError } from './vault-error.ts';

/**
 * Data keys: 32 random bytes per program and purpose (`field`: AES-256-GCM of personal fields;
 * `index`: HMAC-SHA256 blind indexes), made on first use and stored only wrapped by the master key
 * (AES-256-GCM, bound to the key's id, program and purpose). The master keys are the process's
 * (`unlockVault` at start-up); unwrapped data keys are kept in memory by id, and the active one
 * per program: program and key ids are random, so one process may serve several databases (the
 * tests do). `deployment` (what belongs to no program) is the same name in every database, so its
 * keys are always read from the database, never cached.
 */
export type KeyPurpose = 'field' | 'index';

export const DEPLOYMENT = 'deployment';

let masterKeys: MasterKeys | null = null;
const byId = new Map<string, Buffer>();
export interface DataKey {
  id: string;
  key: Buffer;
}
const active = new Map<string, DataKey>();
/** Keys made by a transaction not committed yet, by that transaction (see `activeDataKey`). */
let uncommitted = new WeakMap<Queryable, Map<string, DataKey>>();

function bindingOf(id: string, programId: string, purpose: KeyPurpose): Buffer {
  return Buffer.from(`jifen data key v1\n${id}\n${programId}\n${purpose}`);
}

export function wrapDataKey(
  master: MasterKey,
  id: string,
  programId: string,
  purpose: KeyPurpose,
  key: Buffer,
) {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', master.key, nonce);
  cipher.setAAD(bindingOf(id, programId, purpose));
  const body = Buffer.concat([cipher.update(key), cipher.final()]);
  return Buffer.concat([nonce, cipher.getAuthTag(), body]);
}

/** The data key, or null when this master key did not wrap it (or the row was tampered with). */
export function unwrapDataKey(
  master: MasterKey,
  row: { id: string; program_id: string; purpose: KeyPurpose; wrapped: Uint8Array },
): Buffer | null {
  const wrapped = Buffer.from(row.wrapped);
  try {
    const decipher = createDecipheriv('aes-256-gcm', master.key, wrapped.subarray(0, 12));
    decipher.setAAD(bindingOf(row.id, row.program_id, row.purpose));
    decipher.setAuthTag(wrapped.subarray(12, 28));
    return Buffer.concat([decipher.update(wrapped.subarray(28)), decipher.final()]);
  } catch {
    return null;
  }
}

export interface DataKeyRow {
  id: string;
  program_id: string;
  purpose: KeyPurpose;
  wrapped: Uint8Array;
  master_fingerprint: string;
}

function masterFor(fingerprint: string): MasterKey | null {
  if (!masterKeys) return null;
  return [masterKeys.current, ...masterKeys.others].find((key) => key?.fingerprint === fingerprint) ?? null;
}

function unwrapped(row: DataKeyRow, cache = true): Buffer {
  const cached = byId.get(row.id);
  if (cached) return cached;
  const master = masterFor(row.master_fingerprint);
  if (!master) throw new VaultError(lockedMessage(row.master_fingerprint));
  const key = unwrapDataKey(master, row);
  if (!key) {
    throw new VaultError(
      `The data key ${row.id} does not open with master key ${master.fingerprint} (${master.origin}): the row was altered, or the key file replaced by another with the same name.`,
    );
  }
  if (cache && row.program_id !== DEPLOYMENT) byId.set(row.id, key);
  return key;
}

function lockedMessage(fingerprint: string | null): string {
  if (!masterKeys?.current) {
    return masterKeys?.missing ?? 'The vault is locked: no master key was configured at start-up.';
  }
  return `This database's personal data is encrypted under master key ${fingerprint}, and the configured one (${masterKeys.current.origin}) is ${masterKeys.current.fingerprint}: set JIFEN_MASTER_KEY to the key this database was made with (during a rotation, the old one as JIFEN_PREVIOUS_MASTER_KEY).`;
}

export interface UnlockReport {
  /** The key file generated now (an empty embedded database on its first start). */
  generatedKeyFile: string | null;
  /** The fingerprint of the key that wraps new data keys, or null (locked). */
  fingerprint: string | null;
}

/**
 * Takes the process's master keys and checks them against the database: every master key that
 * wrapped one of its data keys must be among them and open it, or this throws a VaultError that
 * says what to set (a server refuses to start with it). An embedded database with no data key yet
 * and no key file gets a new key file. Without a key (`required: false`, e.g. a command that
 * touches no personal data) the vault stays locked, and what needs a key fails with the reason.
 */
export async function unlockVault(
  db: Queryable,
  keys: MasterKeys,
  options: { required: boolean },
): Promise<UnlockReport> {
  const rows = await db.query<DataKeyRow>(
    `select distinct on (master_fingerprint) id, program_id, purpose, wrapped, master_fingerprint
       from vault_data_keys order by master_fingerprint, id`,
  );
  let generatedKeyFile: string | null = null;
  let configured = keys;
  if (!keys.current && rows.length === 0 && keys.keyFile) {
    const made = generateKeyFile(keys.keyFile);
    configured = { ...keys, current: made, missing: null };
    generatedKeyFile = keys.keyFile;
  }
  if (!configured.current) {
    masterKeys = configured;
    if (options.required) throw new VaultError(configured.missing ?? lockedMessage(null));
    return { generatedKeyFile, fingerprint: null };
  }
  const known = [configured.current, ...configured.others];
  for (const row of rows) {
    const master = known.find((key) => key.fingerprint === row.master_fingerprint);
    if (!master) {
      masterKeys = configured;
      throw new VaultError(lockedMessage(row.master_fingerprint));
    }
    if (!unwrapDataKey(master, row)) {
      throw new VaultError(
        `The data key ${row.id} does not open with master key ${master.fingerprint} (${master.origin}): the database's keys were altered.`,
      );
    }
  }
  masterKeys = configured;
  return { generatedKeyFile, fingerprint: configured.current.fingerprint };
}

/**
 * Takes the master keys without checking a database against them: for a process that writes only
 * databases it made itself, fresh (the bench's in-process scenarios). Everything else unlocks with
 * `unlockVault`, which refuses a key that does not open the database's data keys.
 */
export function adoptMasterKeysForFreshDatabases(keys: MasterKeys): void {
  if (!keys.current) throw new VaultError(keys.missing ?? lockedMessage(null));
  masterKeys = keys;
}

/** Whether `unlockVault` ran in this process (with a key or without). */
export function vaultConfigured(): boolean {
  return masterKeys !== null;
}

/** The master key new data keys are wrapped with; throws (what to set) when there is none. */
export function currentMasterKey(): MasterKey {
  if (!masterKeys?.current) throw new VaultError(lockedMessage(null));
  return masterKeys.current;
}

/**
 * The program's active key for `purpose`, made on first use. A key the transaction `q` made (not
 * committed yet) is kept for `q` only, never for the process: the transaction may roll back, and a
 * key only this process remembered would seal what nobody could open (after a rollback to a
 * savepoint, `forgetUncommittedDataKeys`). Two transactions making one at once: the unique index
 * makes the second wait for the first and take its key.
 */
export async function activeDataKey(q: Queryable, programId: string, purpose: KeyPurpose): Promise<DataKey> {
  const name = `${programId}\u0000${purpose}`;
  const cached = active.get(name) ?? uncommitted.get(q)?.get(name);
  if (cached) return cached;
  // `ours`: the row was inserted by this very transaction (its xmin is our transaction id), so it
  // is not committed yet: such a key is used but not cached, as the transaction may roll back.
  const select = async () =>
    (
      await q.query<DataKeyRow & { ours: boolean }>(
        `select id, program_id, purpose, wrapped, master_fingerprint,
                coalesce(xmin::text::bigint = pg_current_xact_id_if_assigned()::text::bigint % 4294967296, false) as ours
           from vault_data_keys where program_id = $1 and purpose = $2`,
        [programId, purpose],
      )
    )[0];
  const remember = (entry: DataKey, committed: boolean) => {
    if (programId === DEPLOYMENT) return entry;
    if (committed) active.set(name, entry);
    else uncommitted.set(q, (uncommitted.get(q) ?? new Map()).set(name, entry));
    return entry;
  };
  const found = await select();
  if (found) return remember({ id: found.id, key: unwrapped(found, !found.ours) }, !found.ours);
  const master = currentMasterKey();
  const id = newId('dk');
  const key = randomBytes(32);
  const made = await q.query<{ id: string }>(
    `insert into vault_data_keys (id, program_id, purpose, wrapped, master_fingerprint, created_at)
     values ($1, $2, $3, $4, $5, now())
     on conflict (program_id, purpose) do nothing
     returning id`,
    [id, programId, purpose, wrapDataKey(master, id, programId, purpose, key), master.fingerprint],
  );
  if (made.length > 0) return remember({ id, key }, false);
  const winner = await select();
  if (!winner) throw new Error(`vault: the data key of ${programId}/${purpose} vanished`);
  return remember({ id: winner.id, key: unwrapped(winner, !winner.ours) }, !winner.ours);
}

/**
 * The program's active key for `purpose` as `activeDataKey` last fetched it, without a query: for
 * SQL built synchronously (the outbox rows written in a ledger draft's statement), after the
 * caller's transaction fetched it (`activeDataKey`, e.g. in a draft's `prepare` hook). Null when
 * it was not fetched (or is a deployment key, which is never kept).
 */
export function fetchedDataKey(q: Queryable, programId: string, purpose: KeyPurpose): DataKey | null {
  const name = `${programId}\u0000${purpose}`;
  return active.get(name) ?? uncommitted.get(q)?.get(name) ?? null;
}

/** The data key with this id (from a ciphertext), or a VaultError when it cannot be opened. */
export async function dataKeyById(q: Queryable, id: string): Promise<Buffer> {
  const cached = byId.get(id);
  if (cached) return cached;
  const [row] = await q.query<DataKeyRow>(
    'select id, program_id, purpose, wrapped, master_fingerprint from vault_data_keys where id = $1',
    [id],
  );
  if (!row) throw new VaultError(`The data key ${id} named by a ciphertext is not in this database.`);
  return unwrapped(row);
}

/**
 * Forgets the keys `q`'s transaction made and has not committed: after a rollback to a savepoint,
 * which may have undone them.
 */
export function forgetUncommittedDataKeys(q: Queryable): void {
  uncommitted.delete(q);
}

/** Forgets the keys kept in memory (tests of a rotation or a wrong key). */
export function forgetVaultKeys(): void {
  byId.clear();
  active.clear();
  uncommitted = new WeakMap();
}

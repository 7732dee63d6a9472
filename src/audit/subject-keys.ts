import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Database, Queryable } from '../db/database.ts';
import { pooledRandomBytes } from '../shared/random-pool.ts';
import { openBytes, sealBytes } from '../vault/field-cipher.ts';
import { LEGACY_BATCH, sealInBatches } from '../vault/legacy-plaintext.ts';

/**
 * Personal data in audit records is ciphertext under a random AES-256-GCM key per subject (a staff
 * member, an API key, a member, a login that failed). Destroying the key erases the personal part
 * of every record of that subject at once, without touching a record, so the chain still
 * verifies. The keys themselves are stored sealed by the vault (issue 17): `enc:v1:` ciphertext
 * under the program's data key (the `deployment` one for records of no program), which the master
 * key wraps; so a copy of the database alone opens no personal part.
 *
 * Stored form: version byte 1, 12-byte nonce, 16-byte tag, ciphertext. The additional data binds
 * the ciphertext to its program, record and subject, so it cannot be moved to another record.
 */
const VERSION = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** The vault field of the keys (the additional data binds a sealed key to its column). */
export const SUBJECT_KEY_FIELD = 'audit_subject_keys.key';

export function newSubjectKey(): Buffer {
  return randomBytes(32);
}

function additionalData(programId: string, recordId: string, subject: string): Buffer {
  return Buffer.from(`${programId}\n${recordId}\n${subject}`);
}

export function encryptPersonal(
  key: Buffer,
  personal: Record<string, unknown>,
  binding: { programId: string; recordId: string; subject: string },
): Buffer {
  const nonce = pooledRandomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(additionalData(binding.programId, binding.recordId, binding.subject));
  const body = Buffer.concat([cipher.update(JSON.stringify(personal), 'utf8'), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), nonce, cipher.getAuthTag(), body]);
}

/** The personal part, or null when the ciphertext does not open with this key (tampered). */
export function decryptPersonal(
  key: Buffer,
  sealed: Buffer,
  binding: { programId: string; recordId: string; subject: string },
): Record<string, unknown> | null {
  if (sealed[0] !== VERSION || sealed.length < 1 + NONCE_BYTES + TAG_BYTES) return null;
  const nonce = sealed.subarray(1, 1 + NONCE_BYTES);
  const tag = sealed.subarray(1 + NONCE_BYTES, 1 + NONCE_BYTES + TAG_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, nonce);
    decipher.setAAD(additionalData(binding.programId, binding.recordId, binding.subject));
    decipher.setAuthTag(tag);
    const text = Buffer.concat([
      decipher.update(sealed.subarray(1 + NONCE_BYTES + TAG_BYTES)),
      decipher.final(),
    ]).toString('utf8');
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/**
 * Keys kept in memory for a short while, so that appending a record costs no round trip for its
 * key: `destroySubjectKey` forgets at once in this process; a key destroyed by another process may
 * still encrypt this process's records for up to KEY_CACHE_MS, and those are unreadable too, since
 * the key is gone.
 */
const KEY_CACHE_MS = 30_000;
const cachedKeys = new Map<string, { key: Buffer | null; until: number }>();

/**
 * The subject's key for a new record, made the first time (null once destroyed: the subject was
 * erased, so a new record keeps no personal data either).
 */
export async function keyForRecord(
  tx: Queryable,
  programId: string,
  subject: string,
  now: Date,
): Promise<Buffer | null> {
  const name = `${programId}\u0000${subject}`;
  const cached = cachedKeys.get(name);
  if (cached && cached.until > Date.now()) return cached.key;
  const key = newSubjectKey();
  const [row] = await tx.query<{ made: Buffer | null; found: boolean; existing: Buffer | null }>(
    `with made as (
       insert into audit_subject_keys (program_id, subject, key, created_at) values ($1, $2, $3, $4)
       on conflict (program_id, subject) do nothing
       returning key)
     select (select key from made) as made,
            exists (select 1 from audit_subject_keys where program_id = $1 and subject = $2) as found,
            (select key from audit_subject_keys where program_id = $1 and subject = $2) as existing`,
    [programId, subject, await sealBytes(tx, programId, SUBJECT_KEY_FIELD, key), now.toISOString()],
  );
  // Only a committed key is cached: one made by this transaction vanishes if it rolls back. The
  // cache holds keys opened, so a cached record costs no decryption of its key.
  if (row?.found) {
    const existing = row.existing ? await openBytes(tx, programId, SUBJECT_KEY_FIELD, row.existing) : null;
    cachedKeys.set(name, { key: existing, until: Date.now() + KEY_CACHE_MS });
    if (cachedKeys.size > 100_000) cachedKeys.clear();
    return existing;
  }
  // Made now: the key sealed into the row is the one just drawn.
  return row?.made ? key : null;
}

/** The live keys of these subjects (a destroyed or never-made key is absent). */
export async function subjectKeys(
  db: Queryable,
  programId: string,
  subjects: readonly string[],
): Promise<Map<string, Buffer>> {
  if (subjects.length === 0) return new Map();
  const rows = await db.query<{ subject: string; key: Buffer }>(
    `select subject, key from audit_subject_keys
      where program_id = $1 and subject = any($2::text[]) and key is not null`,
    [programId, [...new Set(subjects)]],
  );
  // One after another: `db` may be a transaction; the program's data key is cached after the first.
  const keys = new Map<string, Buffer>();
  for (const row of rows) keys.set(row.subject, await openBytes(db, programId, SUBJECT_KEY_FIELD, row.key));
  return keys;
}

/**
 * Erases a subject's personal data in the audit log: the key is destroyed (the row stays, so the
 * subject never gets a new key that would make later records readable under the old name).
 * Answers whether a key was destroyed now.
 */
export async function destroySubjectKey(
  tx: Queryable,
  programId: string,
  subject: string,
  now: Date,
): Promise<boolean> {
  const rows = await tx.query(
    `insert into audit_subject_keys (program_id, subject, key, created_at, destroyed_at)
     values ($1, $2, null, $3, $3)
     on conflict (program_id, subject) do update set key = null, destroyed_at = excluded.destroyed_at
       where audit_subject_keys.key is not null
     returning 1`,
    [programId, subject, now.toISOString()],
  );
  cachedKeys.delete(`${programId}\u0000${subject}`);
  return rows.length > 0;
}

/**
 * Seals the keys stored raw (32 bytes) before the vault: registered in src/wiring.ts, run by
 * `jifen serve` at start. 500 at a time, each batch in its own transaction (locking its rows, so a
 * key destroyed meanwhile stays destroyed); a sealed key starts with the bytes of `enc:v1:`.
 * Answers how many keys it sealed.
 */
export async function sealLegacySubjectKeys(db: Database): Promise<number> {
  return sealInBatches(db, async (tx) => {
    const rows = await tx.query<{ program_id: string; subject: string; key: Buffer }>(
      `select program_id, subject, key from audit_subject_keys
          where key is not null and substring(key from 1 for 7) <> 'enc:v1:'::bytea
          order by program_id, subject limit $1 for update`,
      [LEGACY_BATCH],
    );
    if (rows.length === 0) return 0;
    const keys: string[] = [];
    for (const row of rows) {
      keys.push(
        (await sealBytes(tx, row.program_id, SUBJECT_KEY_FIELD, Buffer.from(row.key))).toString('hex'),
      );
    }
    await tx.query(
      `update audit_subject_keys k set key = decode(v.key, 'hex')
           from unnest($1::text[], $2::text[], $3::text[]) as v(program_id, subject, key)
          where k.program_id = v.program_id and k.subject = v.subject and k.key is not null`,
      [rows.map((row) => row.program_id), rows.map((row) => row.subject), keys],
    );
    return rows.length;
  });
}

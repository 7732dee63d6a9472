import { createCipheriv, createDecipheriv, createHmac } from 'node:crypto';
import type { Queryable } from '../db/database.ts';
import { pooledRandomBytes } from '../shared/random-pool.ts';
import { VaultError } from './vault-error.ts';
import { activeDataKey, type DataKey, dataKeyById, fetchedDataKey } from './vault-keys.ts';

/**
 * Personal fields at rest: `enc:v1:<data key id>:<base64url(nonce ‖ tag ‖ ciphertext)>`, AES-256-GCM
 * under the program's field key, the additional data binding it to its program and field (a
 * ciphertext copied into another field or program does not open). Text, so the columns stay text
 * and a sealed value is told from plain text by its prefix.
 *
 * `field` names the column (`notification_preferences.phone`); docs/privacy.md lists them all.
 */
const PREFIX = 'enc:v1:';

function additionalData(programId: string, field: string): Buffer {
  return Buffer.from(`${programId}\n${field}`);
}

export function isSealed(value: string): boolean {
  return value.startsWith(PREFIX);
}

export async function sealText(
  q: Queryable,
  programId: string,
  field: string,
  plaintext: string,
): Promise<string> {
  return sealWith(await activeDataKey(q, programId, 'field'), programId, field, plaintext);
}

/**
 * `sealText` without a query, for SQL built synchronously in `q`'s transaction: the program's
 * field key must have been fetched first (`activeDataKey(q, programId, 'field')`), or this throws.
 */
export function sealTextNow(q: Queryable, programId: string, field: string, plaintext: string): string {
  const key = fetchedDataKey(q, programId, 'field');
  if (!key) {
    throw new Error(
      `vault: the field key of program ${programId} was not fetched before sealing ${field} (activeDataKey)`,
    );
  }
  return sealWith(key, programId, field, plaintext);
}

function sealWith({ id, key }: DataKey, programId: string, field: string, plaintext: string): string {
  const nonce = pooledRandomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(additionalData(programId, field));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return `${PREFIX}${id}:${Buffer.concat([nonce, cipher.getAuthTag(), body]).toString('base64url')}`;
}

export async function sealNullable(
  q: Queryable,
  programId: string,
  field: string,
  plaintext: string | null | undefined,
): Promise<string | null> {
  return plaintext === null || plaintext === undefined ? null : sealText(q, programId, field, plaintext);
}

/**
 * The plain text of a sealed value. A value without the prefix is returned as it is: plain text
 * written before the vault, which `jifen serve` seals at start (sealLegacy…) and nothing writes
 * any more. A sealed value that does not open (altered, or moved from another field) is an error.
 */
export async function openText(
  q: Queryable,
  programId: string,
  field: string,
  stored: string,
): Promise<string> {
  if (!isSealed(stored)) return stored;
  const separator = stored.indexOf(':', PREFIX.length);
  if (separator < 0) throw new VaultError(`A sealed ${field} is malformed.`);
  const key = await dataKeyById(q, stored.slice(PREFIX.length, separator));
  const sealed = Buffer.from(stored.slice(separator + 1), 'base64url');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
    decipher.setAAD(additionalData(programId, field));
    decipher.setAuthTag(sealed.subarray(12, 28));
    return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    throw new VaultError(`A sealed ${field} of program ${programId} does not open: it was altered or moved.`);
  }
}

export async function openNullable(
  q: Queryable,
  programId: string,
  field: string,
  stored: string | null,
): Promise<string | null> {
  return stored === null ? null : openText(q, programId, field, stored);
}

/**
 * A blind index: HMAC-SHA256 under the program's index key of the field and the normalised value,
 * so equal values can be found (`where phone_index = $1`) without the value being stored or a
 * table of hashes of every phone number opening it. Base64url, 43 characters.
 */
export async function blindIndex(
  q: Queryable,
  programId: string,
  field: string,
  normalized: string,
): Promise<string> {
  const { key } = await activeDataKey(q, programId, 'index');
  return createHmac('sha256', key).update(`${field}\n${normalized}`).digest('base64url');
}

/** Raw bytes sealed the same way (a key kept in a bytea column: audit subject keys). */
export async function sealBytes(
  q: Queryable,
  programId: string,
  field: string,
  bytes: Buffer,
): Promise<Buffer> {
  return Buffer.from(await sealText(q, programId, field, bytes.toString('base64')), 'utf8');
}

export async function openBytes(
  q: Queryable,
  programId: string,
  field: string,
  stored: Uint8Array,
): Promise<Buffer> {
  const text = Buffer.from(stored).toString('utf8');
  if (!isSealed(text)) return Buffer.from(stored);
  return Buffer.from(await openText(q, programId, field, text), 'base64');
}

import { createHmac, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { VaultError } from './vault-error.ts';

/**
 * The master key wraps the data keys (vault-keys.ts) and never enters the database. It comes from
 * `JIFEN_MASTER_KEY` (32 bytes, base64 or hex), or `JIFEN_MASTER_KEY_FILE` (a file holding that),
 * or, for the embedded database only, the key file beside its data directory
 * (`<data dir>.master-key`), generated on first start: outside the data directory, so no
 * `jifen backup` contains it. During a rotation the previous key (`JIFEN_PREVIOUS_MASTER_KEY`, or
 * the key file's `.previous`) still opens what it wrapped, and a rotation of the key file writes
 * the new key to `.new` first.
 */
export interface MasterKey {
  key: Buffer;
  /** Names the key without revealing it: the first 16 hex digits of an HMAC of a constant. */
  fingerprint: string;
  /** Where it came from, for messages: `JIFEN_MASTER_KEY`, a file's path. */
  origin: string;
}

export interface MasterKeys {
  /** Wraps new data keys; null when none is configured (the vault stays locked). */
  current: MasterKey | null;
  /** Other keys that may still wrap data keys (a rotation in progress). */
  others: MasterKey[];
  /** The embedded key file, when the key comes (or is to be generated) there. */
  keyFile: string | null;
  /** Why there is no current key, to say so when one is needed. */
  missing: string | null;
}

const KEY_BYTES = 32;

export function fingerprintOf(key: Buffer): string {
  return createHmac('sha256', key).update('jifen master key fingerprint v1').digest('hex').slice(0, 16);
}

/** A key as written in the environment or a key file: 32 bytes in base64 (44 characters) or hex. */
export function parseMasterKey(text: string, origin: string): MasterKey {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed)
    ? Buffer.from(trimmed, 'hex')
    : /^[A-Za-z0-9+/_-]{42,43}={0,2}$/.test(trimmed)
      ? Buffer.from(trimmed, trimmed.includes('-') || trimmed.includes('_') ? 'base64url' : 'base64')
      : null;
  if (!key || key.length !== KEY_BYTES) {
    throw new VaultError(
      `${origin} is not a master key: it must be ${KEY_BYTES} random bytes written in base64 (44 characters) or hex (64). Make one with: openssl rand -base64 32`,
    );
  }
  return { key, fingerprint: fingerprintOf(key), origin };
}

export function readKeyFile(path: string): MasterKey {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new VaultError(`The master key file ${path} cannot be read: ${(error as Error).message}`);
  }
  return parseMasterKey(text, `the master key file ${path}`);
}

/** The key file of an embedded data directory: beside it, never inside it. */
export function keyFileOf(dataDir: string): string {
  return `${dataDir.replace(/[\\/]+$/, '')}.master-key`;
}

/**
 * The configured master keys. Never throws for a key that is absent (a command that touches no
 * personal data runs without one); throws for one that is malformed or unreadable.
 */
export function masterKeysFrom(env: NodeJS.ProcessEnv, embeddedDataDir: string | null): MasterKeys {
  const others: MasterKey[] = [];
  if (env.JIFEN_PREVIOUS_MASTER_KEY)
    others.push(parseMasterKey(env.JIFEN_PREVIOUS_MASTER_KEY, 'JIFEN_PREVIOUS_MASTER_KEY'));
  if (env.JIFEN_MASTER_KEY) {
    return {
      current: parseMasterKey(env.JIFEN_MASTER_KEY, 'JIFEN_MASTER_KEY'),
      others,
      keyFile: null,
      missing: null,
    };
  }
  if (env.JIFEN_MASTER_KEY_FILE) {
    return { current: readKeyFile(env.JIFEN_MASTER_KEY_FILE), others, keyFile: null, missing: null };
  }
  if (embeddedDataDir === null) {
    return {
      current: null,
      others,
      keyFile: null,
      missing:
        'Personal data on PostgreSQL is encrypted with a master key that you keep: set JIFEN_MASTER_KEY (32 random bytes in base64: openssl rand -base64 32) or JIFEN_MASTER_KEY_FILE, the same on every process that shares the database, and back it up apart from the database.',
    };
  }
  const keyFile = keyFileOf(embeddedDataDir);
  // A rotation writes `.new`, re-wraps, then moves the key file to `.previous` and `.new` into its
  // place: between the two moves `.new` is the current key.
  const [file, ...sides] = [keyFile, `${keyFile}.new`, `${keyFile}.previous`].filter((path) =>
    existsSync(path),
  );
  if (file !== undefined && file !== `${keyFile}.previous`) {
    return {
      current: readKeyFile(file),
      others: [...others, ...sides.map(readKeyFile)],
      keyFile,
      missing: null,
    };
  }
  return {
    current: null,
    others: [...others, ...(file ? [readKeyFile(file)] : [])],
    keyFile,
    missing: `The master key file ${keyFile} is missing. It is made on the first start of an empty database; this one already has encrypted personal data, so restore the key file from where you backed it up (or set JIFEN_MASTER_KEY).`,
  };
}

/** Writes a new random key file (mode 600); refuses to overwrite one. */
export function generateKeyFile(path: string): MasterKey {
  const key = randomBytes(KEY_BYTES);
  writeFileSync(path, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  return { key, fingerprint: fingerprintOf(key), origin: `the master key file ${path}` };
}

/** Moves a key file (`.new` into place, the old one to `.previous`) at the end of a rotation. */
export function moveKeyFile(from: string, to: string): void {
  renameSync(from, to);
}

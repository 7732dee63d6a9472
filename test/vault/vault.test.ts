import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import { blindIndex, isSealed, openText, sealText } from '../../src/vault/field-cipher.ts';
import { keyFileOf, type MasterKey, masterKeysFrom, parseMasterKey } from '../../src/vault/master-key.ts';
import { rotateMasterKey, wrappedBy } from '../../src/vault/rotate-master.ts';
import { VaultError } from '../../src/vault/vault-error.ts';
import { forgetVaultKeys, unlockVault } from '../../src/vault/vault-keys.ts';
import { ENGINES, openTestDatabase } from '../support/test-database.ts';

const keyOf = (origin: string): MasterKey => parseMasterKey(randomBytes(32).toString('base64'), origin);
const TEST_KEYS = () => masterKeysFrom(process.env, null);

describe('master keys from the environment', () => {
  test('base64, base64url and hex are read; anything else is refused with what to do', () => {
    const bytes = randomBytes(32);
    const fingerprint = parseMasterKey(bytes.toString('hex'), 'x').fingerprint;
    expect(parseMasterKey(bytes.toString('base64'), 'x').fingerprint).toBe(fingerprint);
    expect(parseMasterKey(` ${bytes.toString('base64url')}\n`, 'x').fingerprint).toBe(fingerprint);
    for (const bad of ['', 'short', randomBytes(16).toString('base64'), randomBytes(33).toString('hex')]) {
      expect(() => parseMasterKey(bad, 'JIFEN_MASTER_KEY')).toThrow(
        /JIFEN_MASTER_KEY is not a master key.*openssl rand -base64 32/,
      );
    }
  });

  test('PostgreSQL without a key: locked, with the reason; the embedded default: the key file beside the data', () => {
    const none = masterKeysFrom({}, null);
    expect(none.current).toBeNull();
    expect(none.missing).toMatch(/set JIFEN_MASTER_KEY/);
    const embedded = masterKeysFrom({}, '/srv/jifen/.jifen');
    expect(embedded.keyFile).toBe('/srv/jifen/.jifen.master-key');
    expect(keyFileOf('/srv/jifen/.jifen/')).toBe('/srv/jifen/.jifen.master-key');
  });
});

describe.each(ENGINES)('the vault (%s)', (engine) => {
  let db: Database;
  beforeAll(async () => {
    db = await openTestDatabase(engine);
    await unlockVault(db, TEST_KEYS(), { required: true });
  });
  afterAll(async () => {
    await unlockVault(db, TEST_KEYS(), { required: true });
    await db?.close();
  });

  test('a sealed field opens to what was sealed, and shows nothing of it', async () => {
    const sealed = await sealText(db, 'prg_v1', 'test.phone', '+86 138 0013 8000');
    expect(isSealed(sealed)).toBe(true);
    expect(sealed).not.toContain('138');
    expect(await openText(db, 'prg_v1', 'test.phone', sealed)).toBe('+86 138 0013 8000');
    // The same value twice gives two ciphertexts (a fresh nonce each time).
    expect(await sealText(db, 'prg_v1', 'test.phone', '+86 138 0013 8000')).not.toBe(sealed);
  });

  test('a ciphertext altered, or moved to another field or program, does not open', async () => {
    const sealed = await sealText(db, 'prg_v2', 'test.email', 'li@example.com');
    const flipped = `${sealed.slice(0, -2)}${sealed.at(-2) === 'A' ? 'B' : 'A'}${sealed.at(-1)}`;
    await expect(openText(db, 'prg_v2', 'test.email', flipped)).rejects.toThrow(VaultError);
    await expect(openText(db, 'prg_v2', 'test.phone', sealed)).rejects.toThrow(/altered or moved/);
    await expect(openText(db, 'prg_v3', 'test.email', sealed)).rejects.toThrow(VaultError);
  });

  test('blind indexes: equal for equal values in a program, different across programs and fields', async () => {
    const a = await blindIndex(db, 'prg_b1', 'test.phone', '+8613800138000');
    expect(await blindIndex(db, 'prg_b1', 'test.phone', '+8613800138000')).toBe(a);
    expect(await blindIndex(db, 'prg_b1', 'test.phone', '+8613800138001')).not.toBe(a);
    expect(await blindIndex(db, 'prg_b2', 'test.phone', '+8613800138000')).not.toBe(a);
    expect(await blindIndex(db, 'prg_b1', 'test.email', '+8613800138000')).not.toBe(a);
    expect(a).not.toContain('138');
  });

  test('a key made in a transaction that rolls back is never used again, even after two seals in it', async () => {
    await db
      .transaction(async (tx) => {
        await sealText(tx, 'prg_rollback', 'test.name', 'first');
        await sealText(tx, 'prg_rollback', 'test.name', 'second');
        throw new Error('roll back');
      })
      .catch(() => {});
    expect(await db.query(`select 1 from vault_data_keys where program_id = 'prg_rollback'`)).toHaveLength(0);
    // Sealed after the rollback: under a key that is in the database, so it opens in a new process.
    const sealed = await sealText(db, 'prg_rollback', 'test.name', 'kept');
    forgetVaultKeys();
    expect(await openText(db, 'prg_rollback', 'test.name', sealed)).toBe('kept');
  });

  test('data keys are stored only wrapped: the database holds no key that opens a field', async () => {
    await sealText(db, 'prg_w', 'test.name', '李雷');
    const rows = await db.query<{ wrapped: Uint8Array }>(
      `select wrapped from vault_data_keys where program_id = 'prg_w'`,
    );
    expect(rows).toHaveLength(1);
    expect(Buffer.from(rows[0]!.wrapped).length).toBe(12 + 16 + 32);
  });

  test('a wrong master key is refused at unlock, naming the key expected', async () => {
    await sealText(db, 'prg_x', 'test.name', 'Han Meimei');
    const wrong = keyOf('JIFEN_MASTER_KEY');
    const expected = TEST_KEYS().current!.fingerprint;
    await expect(
      unlockVault(db, { current: wrong, others: [], keyFile: null, missing: null }, { required: true }),
    ).rejects.toThrow(new RegExp(`encrypted under master key ${expected}.*is ${wrong.fingerprint}`));
    // Nothing is opened or sealed with a key the vault does not have.
    forgetVaultKeys();
    await expect(sealText(db, 'prg_x', 'test.name', 'x')).rejects.toThrow(VaultError);
    await unlockVault(db, TEST_KEYS(), { required: true });
  });

  test('without a key, a database with encrypted data stays locked and says what to set', async () => {
    await sealText(db, 'prg_y', 'test.name', 'Lucy');
    await expect(unlockVault(db, masterKeysFrom({}, null), { required: true })).rejects.toThrow(
      /set JIFEN_MASTER_KEY/,
    );
    forgetVaultKeys();
    await expect(openText(db, 'prg_y', 'test.name', await sealedOf(db, 'prg_y'))).rejects.toThrow(
      /set JIFEN_MASTER_KEY/,
    );
    await unlockVault(db, TEST_KEYS(), { required: true });
  });

  test('rotation re-wraps every data key; stopped half-way it resumes, and every value still opens', async () => {
    const values = new Map<string, string>();
    for (const program of ['prg_r1', 'prg_r2', 'prg_r3']) {
      values.set(program, await sealText(db, program, 'test.name', `name of ${program}`));
      await blindIndex(db, program, 'test.phone', '1');
    }
    const old = TEST_KEYS().current!;
    const next = keyOf('JIFEN_MASTER_KEY (new)');
    // Half-way: only the keys of prg_r1 re-wrapped.
    const some = await db.query<{ id: string; program_id: string; purpose: 'field'; wrapped: Uint8Array }>(
      `select id, program_id, purpose, wrapped from vault_data_keys where program_id = 'prg_r1'`,
    );
    expect(some.length).toBe(2);
    const { wrapDataKey, unwrapDataKey } = await import('../../src/vault/vault-keys.ts');
    for (const row of some) {
      const key = unwrapDataKey(old, row)!;
      await db.query('update vault_data_keys set wrapped = $2, master_fingerprint = $3 where id = $1', [
        row.id,
        wrapDataKey(next, row.id, row.program_id, row.purpose, key),
        next.fingerprint,
      ]);
    }
    // A process with both keys opens everything in the meantime.
    forgetVaultKeys();
    await unlockVault(db, { current: next, others: [old], keyFile: null, missing: null }, { required: true });
    for (const [program, sealed] of values)
      expect(await openText(db, program, 'test.name', sealed)).toBe(`name of ${program}`);
    // The rotation finishes what was left and counts what was done before.
    const report = await rotateMasterKey(db, [next, old], next);
    expect(report.already).toBeGreaterThanOrEqual(2);
    expect(report.rewrapped).toBeGreaterThanOrEqual(4);
    expect((await wrappedBy(db)).map((row) => row.fingerprint)).toEqual([next.fingerprint]);
    // Again: nothing to do.
    expect((await rotateMasterKey(db, [next], next)).rewrapped).toBe(0);
    // Only the new key now; the old one alone is refused.
    forgetVaultKeys();
    await unlockVault(db, { current: next, others: [], keyFile: null, missing: null }, { required: true });
    for (const [program, sealed] of values)
      expect(await openText(db, program, 'test.name', sealed)).toBe(`name of ${program}`);
    await expect(
      unlockVault(db, { current: old, others: [], keyFile: null, missing: null }, { required: true }),
    ).rejects.toThrow(VaultError);
    // Back to the suite's key, for the other tests.
    await rotateMasterKey(db, [next], old);
    forgetVaultKeys();
  });

  test('a rotation without the key that wrapped a data key stops, naming it, and changes nothing', async () => {
    await sealText(db, 'prg_z', 'test.name', 'z');
    const before = await wrappedBy(db);
    const stranger = keyOf('JIFEN_MASTER_KEY');
    await expect(rotateMasterKey(db, [stranger], stranger)).rejects.toThrow(/JIFEN_PREVIOUS_MASTER_KEY/);
    expect(await wrappedBy(db)).toEqual(before);
  });
});

describe('the embedded key file', () => {
  const root = mkdtempSync(join(tmpdir(), 'jifen-vault-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  test('is made on the first start of an empty database, mode 600, beside the data directory', async () => {
    const db = await openTestDatabase('pglite');
    try {
      const dataDir = join(root, 'data');
      const report = await unlockVault(db, masterKeysFrom({}, dataDir), { required: true });
      expect(report.generatedKeyFile).toBe(`${dataDir}.master-key`);
      expect(statSync(`${dataDir}.master-key`).mode & 0o777).toBe(0o600);
      expect(readFileSync(`${dataDir}.master-key`, 'utf8').trim()).toMatch(/^[A-Za-z0-9+/]{43}=$/);
      await sealText(db, 'prg_file', 'test.name', 'kept');
      // Deleted once data is encrypted: refused, and no new key is made in its place.
      rmSync(`${dataDir}.master-key`);
      await expect(unlockVault(db, masterKeysFrom({}, dataDir), { required: true })).rejects.toThrow(
        /master key file .* is missing.*restore the key file/,
      );
      expect(existsSync(`${dataDir}.master-key`)).toBe(false);
    } finally {
      forgetVaultKeys();
      await unlockVault(db, TEST_KEYS(), { required: false }).catch(() => {});
      await db.close();
    }
  });
});

async function sealedOf(db: Database, programId: string): Promise<string> {
  // A value sealed under the program's key, written while the vault was open (the test seals one).
  const [row] = await db.query<{ id: string }>(
    `select id from vault_data_keys where program_id = $1 and purpose = 'field'`,
    [programId],
  );
  return `enc:v1:${row!.id}:${Buffer.alloc(40).toString('base64url')}`;
}

import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, test } from 'vitest';
import { migrate } from '../../src/db/migrate.ts';
import { openDatabase } from '../../src/db/open-database.ts';
import { openText, sealText } from '../../src/vault/field-cipher.ts';
import { generateKeyFile, masterKeysFrom, parseMasterKey } from '../../src/vault/master-key.ts';
import { forgetVaultKeys, unlockVault } from '../../src/vault/vault-keys.ts';
import {
  createTestPostgresDatabase,
  freePort,
  killAllChildren,
  runJifen,
  tempDataDir,
} from '../support/jifen-process.ts';
import { POSTGRES_URL } from '../support/test-database.ts';

afterAll(() => killAllChildren());

const NO_KEY = { JIFEN_MASTER_KEY: '' };

/** Seals one value in the database with these keys (in this process), and restores the suite's. */
async function sealOne(
  location: { dataDir?: string; databaseUrl?: string },
  keys: ReturnType<typeof masterKeysFrom>,
) {
  const db = await openDatabase(location);
  try {
    await migrate(db);
    await unlockVault(db, keys, { required: true });
    return await sealText(db, 'prg_cli', 'test.name', '王小明');
  } finally {
    await db.close();
    forgetVaultKeys();
  }
}

async function openOne(
  location: { dataDir?: string },
  keys: ReturnType<typeof masterKeysFrom>,
  sealed: string,
) {
  const db = await openDatabase(location);
  try {
    await unlockVault(db, keys, { required: true });
    return await openText(db, 'prg_cli', 'test.name', sealed);
  } finally {
    await db.close();
    forgetVaultKeys();
  }
}

describe.runIf(POSTGRES_URL)('jifen serve and the master key on PostgreSQL', () => {
  test('without JIFEN_MASTER_KEY it refuses to start, saying what to set', async () => {
    const database = await createTestPostgresDatabase();
    try {
      const port = String(await freePort());
      const run = await runJifen(['serve', '--port', port, '--database-url', database.url], { env: NO_KEY });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(
        /jifen serve: Personal data on PostgreSQL is encrypted with a master key that you keep: set JIFEN_MASTER_KEY/,
      );
      const malformed = await runJifen(['serve', '--port', port, '--database-url', database.url], {
        env: { JIFEN_MASTER_KEY: 'not-a-key' },
      });
      expect(malformed.code).toBe(1);
      expect(malformed.stderr).toMatch(/JIFEN_MASTER_KEY is not a master key.*openssl rand -base64 32/);
    } finally {
      await database.drop();
    }
  });

  test('with a key other than the one its data was encrypted with, it refuses to start and names both', async () => {
    const database = await createTestPostgresDatabase();
    try {
      await sealOne({ databaseUrl: database.url }, masterKeysFrom(process.env, null));
      const other = randomBytes(32).toString('base64');
      const run = await runJifen(
        ['serve', '--port', String(await freePort()), '--database-url', database.url],
        {
          env: { JIFEN_MASTER_KEY: other },
        },
      );
      expect(run.code).toBe(1);
      const expected = parseMasterKey(process.env.JIFEN_MASTER_KEY!, 'x').fingerprint;
      const given = parseMasterKey(other, 'x').fingerprint;
      expect(run.stderr).toContain(`encrypted under master key ${expected}`);
      expect(run.stderr).toContain(`is ${given}`);
    } finally {
      await database.drop();
    }
  });
});

describe('the embedded key file from the CLI', () => {
  const data = tempDataDir();
  const keyFile = `${data.dir}.master-key`;
  afterAll(async () => {
    data.remove();
    for (const path of [keyFile, `${keyFile}.new`, `${keyFile}.previous`]) {
      if (existsSync(path)) (await import('node:fs')).rmSync(path);
    }
  });

  test('made on first use with a warning to back it up; status names it; rotate re-wraps and keeps the old one', async () => {
    const first = await runJifen(['vault', 'status', '--data', data.dir], { env: NO_KEY });
    expect(first.stderr).toContain(`generated the master key that encrypts personal data: ${keyFile}`);
    expect(first.stderr).toMatch(/jifen backup` does not contain it/);
    const original = parseMasterKey(readFileSync(keyFile, 'utf8'), 'file');
    expect(first.stdout).toContain(`master key ${original.fingerprint}`);
    expect(first.code).toBe(0);

    const sealed = await sealOne({ dataDir: data.dir }, masterKeysFrom({}, data.dir));
    const rotated = await runJifen(['vault', 'rotate', '--data', data.dir], { env: NO_KEY });
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toMatch(/rotated: 1 data key\(s\) re-wrapped/);
    expect(rotated.stdout).toContain('back it up now');
    const next = parseMasterKey(readFileSync(keyFile, 'utf8'), 'file');
    expect(next.fingerprint).not.toBe(original.fingerprint);
    expect(parseMasterKey(readFileSync(`${keyFile}.previous`, 'utf8'), 'file').fingerprint).toBe(
      original.fingerprint,
    );
    expect(existsSync(`${keyFile}.new`)).toBe(false);

    const status = await runJifen(['vault', 'status', '--data', data.dir], { env: NO_KEY });
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`1 data key(s) wrapped by master key ${next.fingerprint}`);
    // The new key alone opens what was sealed before the rotation.
    expect(
      await openOne(
        { dataDir: data.dir },
        { current: next, others: [], keyFile: null, missing: null },
        sealed,
      ),
    ).toBe('王小明');
  });

  test('a rotation stopped after writing the new key resumes with that key', async () => {
    const pending = generateKeyFile(`${keyFile}.new`);
    const resumed = await runJifen(['vault', 'rotate', '--data', data.dir], { env: NO_KEY });
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain(`re-wrapped by master key ${pending.fingerprint}`);
    expect(parseMasterKey(readFileSync(keyFile, 'utf8'), 'file').fingerprint).toBe(pending.fingerprint);
  });

  test('vault with no subcommand says how to use it', async () => {
    const run = await runJifen(['vault', 'spin', '--data', data.dir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('usage: jifen vault status|rotate');
  });
});

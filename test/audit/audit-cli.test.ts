import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { appendAudit } from '../../src/audit/append-audit.ts';
import type { Database } from '../../src/db/database.ts';
import { openDatabase } from '../../src/db/open-database.ts';
import { masterKeysFrom } from '../../src/vault/master-key.ts';
import { unlockVault } from '../../src/vault/vault-keys.ts';
import { freshProcessStore, killAllChildren, runJifen } from '../support/jifen-process.ts';
import { ENGINES, type Engine } from '../support/test-database.ts';

afterAll(() => killAllChildren());

describe.each(ENGINES)('jifen audit verify (%s)', (engine: Engine) => {
  let databaseArgs: string[] = [];
  let dataDir = '';
  let cleanup: () => Promise<void> = async () => {};
  const jifen = (...args: string[]) => runJifen([...args, ...databaseArgs]);
  async function withDatabase<T>(work: (db: Database) => Promise<T>): Promise<T> {
    const db = await openDatabase(
      engine === 'pglite' ? { dataDir } : { databaseUrl: databaseArgs[1]!, maxConnections: 2 },
    );
    try {
      // Subject keys are sealed by the vault: unlocked with the tests' JIFEN_MASTER_KEY, as the
      // jifen processes started here are.
      await unlockVault(db, masterKeysFrom(process.env, null), { required: true });
      return await work(db);
    } finally {
      await db.close();
    }
  }

  beforeAll(async () => {
    const store = await freshProcessStore(engine);
    dataDir = store.dataDir ?? '';
    databaseArgs = store.args;
    cleanup = store.remove;
    expect((await jifen('migrate')).code).toBe(0);
    await withDatabase(async (db) => {
      for (const programId of ['prg_a', 'prg_a', 'prg_b', 'prg_a']) {
        await db.transaction((tx) =>
          appendAudit(
            tx,
            {
              programId,
              actor: { kind: 'staff', id: 'stf_1', role: 'owner' },
              action: 'rule.published',
              targetType: 'rule',
              targetId: 'rul_1',
              requestId: null,
              outcome: 200,
              summary: {},
              personal: { ip: '10.0.0.1' },
              subject: 'staff:stf_1',
            },
            new Date('2026-03-01T00:00:00Z'),
          ),
        );
      }
    });
  });
  afterAll(async () => cleanup());

  test('exits 0 printing each chain with its count and head', async () => {
    const result = await jifen('audit', 'verify');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/audit prg_a: 3 records, 3 sealed \(0 gaps\); head seq 4 [0-9a-f]{64}/);
    expect(result.stdout).toMatch(/audit prg_b: 1 records, 1 sealed \(0 gaps\); head seq 3 [0-9a-f]{64}/);
    const one = await jifen('audit', 'verify', '--program', 'prg_b');
    expect(one.code).toBe(0);
    expect(one.stdout).not.toContain('prg_a');
  });

  test('exits 1 naming the first broken record, and so does jifen verify', async () => {
    const [edited] = await withDatabase(async (db) => {
      await db.exec(`alter table audit_records disable trigger audit_records_append_only`);
      const rows = await db.query<{ id: string }>(
        `update audit_records set action = 'rule.retired' where seq = 2 returning id`,
      );
      await db.exec(`alter table audit_records enable trigger audit_records_append_only`);
      return rows;
    });
    const result = await jifen('audit', 'verify');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`BROKEN audit prg_a seq 2 ${edited!.id}: edited`);
    expect(result.stdout).toMatch(/audit prg_b: 1 records/);
    const verify = await jifen('verify');
    expect(verify.code).toBe(1);
    expect(verify.stdout).toMatch(/verify: all \d+ invariants hold/);
    expect(verify.stderr).toContain('BROKEN audit prg_a seq 2');
  });
});

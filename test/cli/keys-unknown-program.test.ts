import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { migrate } from '../../src/db/migrate.ts';
import { openDatabase } from '../../src/db/open-database.ts';
import { bootstrap } from '../../src/programs/bootstrap.ts';
import { freshProcessStore, killAllChildren, type RunResult, runJifen } from '../support/jifen-process.ts';
import { ENGINES, type Engine } from '../support/test-database.ts';

/** Every command is a process that opens the database: minutes, not seconds, on a loaded machine. */
const SLOW_MS = 240_000;

/** `jifen keys` pointed at a program or key that is not there: a message to act on, never a stack. */

afterAll(() => killAllChildren());

/** A Node stack frame, or the database's own words for the violation the CLI used to leak. */
const LEAKED = /\n\s+at |foreign key|violates|error: insert/i;

function expectCleanRefusal(result: RunResult, code: number, message: string | RegExp): void {
  expect(result.code, result.stderr).toBe(code);
  expect(result.stderr).toMatch(message);
  expect(result.stderr).not.toMatch(LEAKED);
  expect(result.stdout).toBe('');
}

describe.each(ENGINES)('jifen keys with an unknown program or key (%s)', (engine: Engine) => {
  let databaseArgs: string[] = [];
  let cleanup: () => Promise<void> = async () => {};
  let programId = '';
  const jifen = (...args: string[]) => runJifen([...args, ...databaseArgs], { timeoutMs: 120_000 });

  beforeAll(async () => {
    const store = await freshProcessStore(engine);
    databaseArgs = store.args;
    cleanup = store.remove;
    const db = await openDatabase(
      engine === 'pglite'
        ? { dataDir: store.dataDir! }
        : { databaseUrl: databaseArgs[1]!, maxConnections: 1 },
    );
    try {
      await migrate(db);
      programId = (await bootstrap(db, new Date()))!.programId;
    } finally {
      await db.close();
    }
  }, SLOW_MS);
  afterAll(() => cleanup(), SLOW_MS);

  test(
    'keys create --program with an unknown program names it and the programs there are',
    async () => {
      const result = await jifen('keys', 'create', '--name', 'till', '--program', 'prg_typo');
      expectCleanRefusal(result, 2, /There is no program "prg_typo" in this database/);
      expect(result.stderr).toContain(`Its programs: ${programId}.`);
    },
    SLOW_MS,
  );

  test(
    'keys list and keys revoke refuse an unknown program the same way',
    async () => {
      const listed = await jifen('keys', 'list', '--program', 'prg_typo');
      expectCleanRefusal(listed, 2, /no program "prg_typo"/);
      const revoked = await jifen('keys', 'revoke', 'key_abc', '--program', 'prg_typo');
      expectCleanRefusal(revoked, 2, /no program "prg_typo"/);
    },
    SLOW_MS,
  );

  test(
    'keys revoke with an unknown key in a known program says which key',
    async () => {
      const result = await jifen('keys', 'revoke', 'key_typo', '--program', programId);
      expectCleanRefusal(result, 1, /no API key "key_typo" in this program/);
    },
    SLOW_MS,
  );

  test(
    'the real program still works, and nothing was created by the refused commands',
    async () => {
      const result = await jifen('keys', 'list', '--program', programId);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout.trim().split('\n')).toHaveLength(1);
      expect(result.stdout).toMatch(/\towner\t.*\t\*\tactive/);
    },
    SLOW_MS,
  );
});

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import { listMigrations } from '../../src/db/migrate.ts';
import { openDatabase } from '../../src/db/open-database.ts';
import { TEMPLATE_DIRS } from '../../src/db/pglite-database.ts';
import {
  freePort,
  freshProcessStore,
  killAllChildren,
  runJifen,
  type ServerProcess,
  startServer,
} from '../support/jifen-process.ts';
import { ENGINES, type Engine } from '../support/test-database.ts';

/** The `jifen` command line, run as a child process the way an operator runs it. */

const KEY = 'jf_cli_test_owner_key_0123456789abcdef';

const hasTemplate = () => TEMPLATE_DIRS.some((dir) => existsSync(join(dir, 'jifen-template.json')));

afterAll(() => killAllChildren());

describe('jifen without a database', () => {
  test('an unknown command exits 2 and points to the help', async () => {
    const result = await runJifen(['frobnicate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown command "frobnicate"');
    expect(result.stderr).toContain('jifen help');
  });
});

describe.each(ENGINES)('jifen commands (%s)', (engine: Engine) => {
  let databaseArgs: string[] = [];
  let dataDir = '';
  let cleanup: () => Promise<void> = async () => {};
  let server: ServerProcess | undefined;
  /** When the seeded lots expire. */
  let expiresAt = 0;

  const jifen = (...args: string[]) => runJifen([...args, ...databaseArgs]);
  /** Opens the database directly, as the server would (taking the data-directory lock on PGlite). */
  async function withDatabase<T>(work: (db: Database) => Promise<T>): Promise<T> {
    const db = await openDatabase(
      engine === 'pglite' ? { dataDir } : { databaseUrl: databaseArgs[1]!, maxConnections: 2 },
    );
    try {
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
  });

  afterAll(async () => {
    await server?.stop('SIGKILL');
    await cleanup();
  });

  test('migrate applies the migrations, then says the database is up to date', async () => {
    const first = await jifen('migrate');
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    // A fresh embedded directory starts as a copy of the build's migrated template, when there is one.
    if (engine === 'pglite' && hasTemplate()) expect(first.stdout.trim()).toBe('migrate: up to date');
    else expect(first.stdout).toMatch(/migrate: applied 1\b/);
    const versions = await withDatabase((db) =>
      db.query<{ version: number }>('select version from schema_migrations order by version'),
    );
    expect(versions.map((row) => row.version)).toEqual(
      listMigrations().map((migration) => migration.version),
    );
    const second = await jifen('migrate');
    expect(second.code).toBe(0);
    expect(second.stdout.trim()).toBe('migrate: up to date');
  });

  test('serve bootstraps and serves; another process cannot open its data directory', async () => {
    server = await startServer(databaseArgs, {
      env: { JIFEN_BOOTSTRAP_KEY: KEY },
      extraArgs: ['--role', 'api'],
    });
    expect(server.output()).toContain('created the default program');
    expect(server.output()).not.toContain(KEY);

    if (engine === 'pglite') {
      const port = await freePort();
      const other = await runJifen(['serve', '--port', String(port), ...databaseArgs], { timeoutMs: 60_000 });
      expect(other.code, 'serve on a locked data directory').toBe(1);
      expect(other.stderr).toContain('in use by another Jifen process');
      expect(other.stderr).toContain(`pid ${server.pid}`);
    }

    // Seed: two members with points that expire in a moment, one with points that never do.
    const call = async (method: string, path: string, body: unknown) => {
      const response = await fetch(`${server!.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(response.status, `${method} ${path}: ${await response.clone().text()}`).toBe(201);
      return response.json();
    };
    expiresAt = Date.now() + 2_000;
    const expiry = new Date(expiresAt).toISOString();
    await call('PUT', '/v1/members/ana', {});
    await call('PUT', '/v1/members/bo', {});
    await call('POST', '/v1/members/ana/credits', { points: 100, reason: 'promo', expiresAt: expiry });
    await call('POST', '/v1/members/ana/credits', { points: 30, reason: 'base' });
    await call('POST', '/v1/members/bo/credits', { points: 50, reason: 'promo', expiresAt: expiry });
    await call('POST', '/v1/members/ana/debits', { points: 10, reason: 'coffee' });

    const stopped = await server.stop('SIGTERM');
    server = undefined;
    expect(stopped.code).toBe(0);
    if (engine === 'pglite') expect(existsSync(join(dataDir, 'jifen.lock'))).toBe(false);
  });

  test('verify exits 0 on a healthy database', async () => {
    const result = await jifen('verify');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/verify: all \d+ invariants hold/);
  });

  test('expire --dry-run lists the due lots and changes nothing; expire expires them', async () => {
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt - Date.now() + 100)));
    const dryRun = await jifen('expire', '--dry-run');
    expect(dryRun.code).toBe(0);
    const lines = dryRun.stdout.trim().split('\n');
    const lots = lines.filter((line) => line.startsWith('prg_'));
    expect(lots.map((line) => line.split('\t').slice(1, 2).concat(line.split('\t')[3]!))).toEqual([
      ['ana', '90'],
      ['bo', '50'],
    ]);
    expect(lines.at(-1)).toBe('expire --dry-run: 140 points in 2 lots would expire');
    // The dry run changed nothing: the real run below still finds both lots, and all their points.
    const expire = await jifen('expire');
    expect(expire.code).toBe(0);
    expect(expire.stdout.trim()).toBe('expire: 2 expiry entries for 2 members');
    const balances = await withDatabase((db) =>
      db.query<{ member_id: string; available_points: number; due: number }>(
        `select member_id, available_points,
                (select count(*)::int from lots l where l.member_key = m.member_key and l.remaining > 0
                    and l.expires_at <= now()) as due
           from members m order by member_id`,
      ),
    );
    expect(balances).toEqual([
      { member_id: 'ana', available_points: 30, due: 0 },
      { member_id: 'bo', available_points: 0, due: 0 },
    ]);
  });

  test('keys create, list and revoke', async () => {
    const created = await jifen('keys', 'create', '--name', 'reporting', '--scopes', 'ledger:read');
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const keyId = /created (\S+) \(ledger:read\)/.exec(created.stdout)?.[1];
    expect(keyId).toBeDefined();
    const secret = created.stdout.trim().split('\n').at(-1)!.trim();
    expect(secret.length).toBeGreaterThan(16);

    const gated = await jifen(
      'keys',
      'create',
      '--name',
      'till',
      '--scopes',
      'ledger:write',
      '--requires-approval',
    );
    expect(gated.code).toBe(0);
    expect(gated.stdout).toContain('held by the approval policy like staff');

    const listed = await jifen('keys', 'list');
    expect(listed.stdout).toMatch(/\ttill\t.*\tledger:write\trequires approval\tactive/);
    expect(listed.code).toBe(0);
    const line = () => listed.stdout.split('\n').find((row) => row.startsWith(`${keyId}\t`));
    expect(line()).toMatch(/\treporting\t.*\tledger:read\tactive$/);
    expect(listed.stdout).not.toContain(secret);
    expect(listed.stdout).toMatch(/\towner\t.*\t\*\tactive/);

    const revoked = await jifen('keys', 'revoke', keyId!);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain(`revoked ${keyId}`);
    const relisted = await jifen('keys', 'list');
    expect(relisted.stdout.split('\n').find((row) => row.startsWith(`${keyId}\t`))).toMatch(/\trevoked /);
  });

  // The error paths do not depend on the engine: run them once, on the faster one.
  test.runIf(engine === ENGINES.at(-1))('keys refuses unknown scopes and unknown keys', async () => {
    const unknownScope = await jifen('keys', 'create', '--name', 'bad', '--scopes', 'everything');
    expect(unknownScope.code).toBe(2);
    expect(unknownScope.stderr).toContain('Unknown scope(s) everything');
    const unknownKey = await jifen('keys', 'revoke', 'key_does_not_exist');
    expect(unknownKey.code).toBe(1);
    expect(unknownKey.stderr).toContain('key_does_not_exist');
  });

  test('verify exits 1 naming the invariant when a cached balance is corrupted', async () => {
    await withDatabase((db) =>
      db.query(`update members set available_points = available_points + 1 where member_id = 'ana'`),
    );
    const result = await jifen('verify');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/VIOLATION cached_balances_match_journal program=prg_\S+ ana: /);
    expect(result.stderr).toMatch(/VIOLATION lot_remainders_match_balances program=prg_\S+ ana: /);
    // Only the corrupted member: everything before (expiry included) left the ledger sound.
    const violations = result.stderr.split('\n').filter((line) => line.startsWith('VIOLATION'));
    expect(violations.every((line) => / ana: /.test(line))).toBe(true);
    expect(result.stderr).toContain(`verify: ${violations.length} violation(s) of 2 invariant(s)`);
  });
});

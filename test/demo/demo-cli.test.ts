import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freshProcessStore, killAllChildren, runJifen, tempDataDir } from '../support/jifen-process.ts';
import { ENGINES, type Engine } from '../support/test-database.ts';
import { FIXTURE_CSV } from './demo-fixture.ts';

/** `jifen demo` as a new user runs it: a fresh store, the owner key printed once, a summary. */

afterAll(() => killAllChildren());

describe('jifen demo flags', () => {
  test('a missing --csv file is named, before any database is opened', async () => {
    const result = await runJifen([
      'demo',
      '--csv',
      '/nonexistent/invoices.csv',
      '--data',
      '/nonexistent/data',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe('jifen demo: --csv: there is no file at /nonexistent/invoices.csv');
  });

  test('--program is refused: the demo loads into its own program only', async () => {
    const result = await runJifen(['demo', '--program', 'prg_nope', '--data', '/nonexistent/data']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Unknown option '--program'");
  });
});

describe.each(ENGINES)('jifen demo (%s)', (engine: Engine) => {
  let databaseArgs: string[] = [];
  let cleanup: () => Promise<void> = async () => {};
  const files = tempDataDir();
  const csv = join(files.dir, 'invoices.csv');

  beforeAll(async () => {
    writeFileSync(csv, FIXTURE_CSV);
    const store = await freshProcessStore(engine);
    databaseArgs = store.args;
    cleanup = store.remove;
  });
  afterAll(async () => {
    await cleanup();
    files.remove();
  });

  // A demo run takes seconds alone; on a machine busy with other suites PGlite's took over 30 s.
  const DEMO_RUN = { timeoutMs: 120_000 };

  test('on an empty database: creates the program, prints its key once, loads, says what next', async () => {
    const result = await runJifen(['demo', '--csv', csv, ...databaseArgs], DEMO_RUN);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const key = /Owner API key \(shown only this once; store it now\):\s+(\S+)/.exec(result.stdout)?.[1];
    expect(key).toMatch(/^jf_/);
    // On an empty database the demo's program is the first one, made beside the admin key.
    expect(result.stdout).toMatch(
      /demo: created the program "demo" prg_\S+, its owner API key and the admin key/,
    );
    const adminKey = /Admin key: .*\s+(jf_\S+)/.exec(result.stdout)?.[1];
    expect(adminKey).toMatch(/^jf_/);
    expect(adminKey).not.toBe(key);
    expect(result.stdout).toContain('demo: 14/14 events (100%)');
    expect(result.stdout).toMatch(/demo: done in \d+\.\d s/);
    expect(result.stdout).toContain('  orders             8\n');
    expect(result.stdout).toContain('2 cancellations → 3 refunds of earlier orders');
    expect(result.stdout).toContain('3 (2 rewarded; 1 second reviews of an order earn nothing)');
    expect(result.stdout).toContain('bad rows           13 of 23 rows');
    expect(result.stdout).toContain('    malformed × 2, lines 13, 14\n');
    expect(result.stdout).toContain('      e.g. line 7: invoice 536511 has no customer ("(blank)")');
    expect(result.stdout).toContain(
      `  curl -H "Authorization: Bearer ${key}" localhost:8080/v1/members/17850/entries`,
    );
    expect(result.stdout).toMatch(/member 17850 has [\d,]+ points available, 0 pending, growth 532/);
  }, 150_000);

  test('a second run replays everything and changes nothing; no key is shown again', async () => {
    const result = await runJifen(['demo', '--csv', csv, ...databaseArgs], DEMO_RUN);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('Owner API key');
    expect(result.stdout).toContain('all 14 events were replayed: nothing changed');
    expect(result.stdout).toContain('0 rule(s) created; expiry policy left as it was');
    expect(result.stdout).toContain('Bearer <your API key>');
    const verify = await runJifen(['verify', ...databaseArgs], DEMO_RUN);
    expect(verify.code).toBe(0);
  }, 250_000);

  test('with other programs there, the demo makes its own "demo" program and leaves theirs alone', async () => {
    const shop = await runJifen(['programs', 'create', '--name', 'Tea House', ...databaseArgs], DEMO_RUN);
    expect(shop.code, shop.stderr).toBe(0);
    const listed = await runJifen(['programs', 'list', ...databaseArgs], DEMO_RUN);
    const names = listed.stdout
      .trim()
      .split('\n')
      .map((line) => line.split('\t')[1]);
    expect(names).toEqual(['demo', 'Tea House']);
    // A third run still finds its program by name, and loads nothing twice.
    const again = await runJifen(['demo', '--csv', csv, ...databaseArgs], DEMO_RUN);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('all 14 events were replayed: nothing changed');
  }, 250_000);
});

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freshProcessStore, killAllChildren, runJifen, startServer } from '../support/jifen-process.ts';
import { ENGINES, type Engine } from '../support/test-database.ts';

/** The limits as an operator sets them: `jifen serve` environment variables and `keys create --rate-limit`. */

const KEY = 'jf_limits_test_owner_key_0123456789abcdef';

afterAll(() => killAllChildren());

describe.each(ENGINES)('jifen serve limits (%s)', (engine: Engine) => {
  let databaseArgs: string[] = [];
  let cleanup: () => Promise<void> = async () => {};
  beforeAll(async () => {
    const store = await freshProcessStore(engine);
    databaseArgs = store.args;
    cleanup = store.remove;
  });
  afterAll(async () => cleanup());

  test('JIFEN_RATE_LIMIT_PER_MINUTE limits each key of a running server; keys create --rate-limit sets a key its own', async () => {
    const server = await startServer(databaseArgs, {
      env: { JIFEN_BOOTSTRAP_KEY: KEY, JIFEN_RATE_LIMIT_PER_MINUTE: '4' },
      // A first start migrates a new database: slow on a loaded machine.
      startTimeoutMs: 90_000,
    });
    try {
      const statuses: number[] = [];
      const ask = () => fetch(`${server.url}/v1/members/m`, { headers: { authorization: `Bearer ${KEY}` } });
      for (let sent = 0; sent < 4; sent++) statuses.push((await ask()).status);
      const last = await ask();
      statuses.push(last.status);
      expect(statuses).toEqual([404, 404, 404, 404, 429]);
      expect(last.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(((await last.json()) as { code: string }).code).toBe('rate_limited');
      // /health is never limited.
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
    } finally {
      await server.stop();
    }

    const created = await runJifen([
      'keys',
      'create',
      '--name',
      'partner',
      '--rate-limit',
      '2',
      ...databaseArgs,
    ]);
    expect(created.stderr).toBe('');
    expect(created.stdout).toMatch(/created (\S+) \(\*, 2 requests\/min\)/);
    const listed = await runJifen(['keys', 'list', ...databaseArgs]);
    expect(listed.stdout).toMatch(/\tpartner\t.*\t2\/min\t\*\tactive/);
    expect(listed.stdout).toMatch(/\towner\t.*\tdefault rate limit\t\*\tactive/);
  }, 180_000);

  test.runIf(engine === ENGINES.at(-1))(
    'bad limits are refused with a message saying what to fix',
    async () => {
      const zero = await runJifen(['keys', 'create', '--name', 'x', '--rate-limit', '0', ...databaseArgs]);
      expect(zero.code).toBe(2);
      expect(zero.stderr).toContain(
        '--rate-limit must be a whole number of requests a minute from 1 to 1000000',
      );
      const serve = await runJifen(['serve', '--port', '0', ...databaseArgs], {
        env: { JIFEN_RATE_LIMIT_PER_MINUTE: 'lots' },
      });
      expect(serve.code).toBe(2);
      expect(serve.stderr).toContain('JIFEN_RATE_LIMIT_PER_MINUTE must be a whole number, got "lots"');
    },
    60_000,
  );
});

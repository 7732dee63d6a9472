import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  freePort,
  freshProcessStore,
  killAllChildren,
  runJifen,
  type ServerProcess,
  startServer,
  tempDataDir,
} from '../support/jifen-process.ts';
import { ENGINES, type Engine } from '../support/test-database.ts';

/** Issue 14: `jifen programs`, `keys create --admin`, `--help` and `--version`, and serve's clear errors. */

afterAll(() => killAllChildren());

const COMMANDS = [
  'serve',
  'migrate',
  'verify',
  'expire',
  'programs',
  'keys',
  'staff',
  'demo',
  'import',
  'backup',
  'restore',
];

describe('jifen help and version', () => {
  test('--version prints the package version', async () => {
    const result = await runJifen(['--version']);
    expect(result.code).toBe(0);
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    expect(result.stdout.trim()).toBe(version);
  });

  test('--help lists every command; every command answers --help with its flags', async () => {
    const overview = await runJifen(['--help']);
    expect(overview.code).toBe(0);
    for (const command of COMMANDS) expect(overview.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    const flags: Record<string, string[]> = {
      serve: ['--port', '--host', '--role', '--log-level', '--data', '--database-url'],
      programs: ['create', 'list', 'archive', '--name', '--currency', '--timezone'],
      keys: ['--admin', '--scopes', '--rate-limit', '--program'],
      staff: ['create', 'list', 'password', '--role', '--login', '--password', '--stores', '--program'],
      demo: ['--csv'],
      import: [
        '--commit',
        '--skip-errors',
        '--mapping',
        '--encoding',
        '--program',
        '--data',
        '--database-url',
      ],
      expire: ['--dry-run'],
    };
    for (const command of COMMANDS) {
      const help = await runJifen([command, '--help']);
      expect(help.code, `${command} --help: ${help.stderr}`).toBe(0);
      expect(help.stderr).toBe('');
      expect(help.stdout).toContain(`Usage: jifen ${command}`);
      for (const flag of flags[command] ?? []) expect(help.stdout, `${command} --help`).toContain(flag);
    }
  });
});

describe('jifen serve refuses clearly', () => {
  test('a busy port: one line, before any key is made', async () => {
    const data = tempDataDir();
    const blocker = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      const result = await runJifen(['serve', '--port', String(port), '--data', join(data.dir, 'db')], {
        timeoutMs: 60_000,
      });
      expect(result.code).toBe(2);
      expect(result.stderr.trim()).toBe(
        `jifen serve: port ${port} is in use; stop the other process or pass --port`,
      );
      expect(result.stdout).not.toContain('API key');
    } finally {
      blocker.close();
      data.remove();
    }
  }, 90_000);
});

describe.each(ENGINES)('jifen programs and admin keys (%s)', (engine: Engine) => {
  let databaseArgs: string[] = [];
  let cleanup: () => Promise<void> = async () => {};
  let server: ServerProcess | undefined;
  const jifen = (...args: string[]) => runJifen([...args, ...databaseArgs], { timeoutMs: 90_000 });

  beforeAll(async () => {
    const store = await freshProcessStore(engine);
    databaseArgs = store.args;
    cleanup = store.remove;
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
    await cleanup();
  });

  test('programs create, list and archive; the new key and an admin key work against serve', async () => {
    const created = await jifen(
      'programs',
      'create',
      '--name',
      'Tea House',
      '--currency',
      'USD',
      '--timezone',
      'Europe/London',
    );
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const programId = /created program (prg_\S+) "Tea House" \(USD, Europe\/London\)/.exec(
      created.stdout,
    )?.[1];
    expect(programId).toBeDefined();
    const owner = /Owner API key \(shown only this once; store it now\):\s+(jf_\S+)/.exec(
      created.stdout,
    )?.[1];
    expect(owner).toBeDefined();

    const admin = await jifen('keys', 'create', '--admin');
    expect(admin.code, admin.stderr).toBe(0);
    const adminKey = admin.stdout.trim().split('\n').at(-1)!.trim();
    expect(adminKey).toMatch(/^jf_/);

    const bad = await jifen('programs', 'create', '--name', 'Zone', '--timezone', 'Mars/Base');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--timezone must be an IANA timezone');
    const noName = await jifen('programs', 'create');
    expect(noName.code).toBe(2);
    expect(noName.stderr).toContain('programs create needs --name');
    const unknown = await jifen('programs', 'archive', 'prg_nope');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('There is no program "prg_nope"');

    server = await startServer(databaseArgs, { extraArgs: ['--role', 'api'] });
    const get = (key: string, path: string) =>
      fetch(`${server!.url}${path}`, { headers: { authorization: `Bearer ${key}` } });
    const own = await get(owner!, '/v1/program');
    expect(own.status).toBe(200);
    expect(await own.json()).toMatchObject({ id: programId, currency: 'USD', timezone: 'Europe/London' });
    const listed = await get(adminKey, '/v1/programs');
    expect(listed.status).toBe(200);
    const page = (await listed.json()) as { data: { id: string }[] };
    expect(page.data.map((program) => program.id)).toContain(programId);
    expect((await get(owner!, '/v1/programs')).status).toBe(403);
    await server.stop('SIGTERM');
    server = undefined;

    const archived = await jifen('programs', 'archive', programId!);
    expect(archived.code).toBe(0);
    expect(archived.stdout).toContain(`archived ${programId}`);
    const list = await jifen('programs', 'list');
    expect(list.code).toBe(0);
    const line = list.stdout.split('\n').find((row) => row.startsWith(`${programId}\t`));
    expect(line).toMatch(/\tTea House\tUSD\tEurope\/London\tarchived /);
  }, 300_000);
});

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  freshProcessStore,
  killAllChildren,
  runJifen,
  type ServerProcess,
  startServer,
} from '../support/jifen-process.ts';
import { ENGINES, type Engine } from '../support/test-database.ts';

/** Issue 16: `jifen staff create|list|password`, the way the first owner of a program gets in. */

afterAll(() => killAllChildren());

describe.each(ENGINES)('jifen staff (%s)', (engine: Engine) => {
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

  test('staff create makes an owner who signs in; list shows them; refusals are clear', async () => {
    const program = await jifen('programs', 'create', '--name', 'Tea House');
    const programId = /created program (prg_\S+)/.exec(program.stdout)?.[1];
    expect(programId, program.stderr).toBeDefined();

    const created = await jifen(
      'staff',
      'create',
      '--program',
      programId!,
      '--role',
      'owner',
      '--login',
      'Li.Na@Example.com',
      '--name',
      '李娜',
      '--password',
      'tea-house-2026',
    );
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const staffId = /created staff (stf_\S+) \(li\.na@example\.com, owner\)/.exec(created.stdout)?.[1];
    expect(staffId).toBeDefined();

    const list = await jifen('staff', 'list', '--program', programId!);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(`${staffId}\tli.na@example.com\t李娜\towner\t-\tactive\tnever signed in`);

    // No terminal and no --password: refused, nothing made.
    const noPassword = await jifen(
      'staff',
      'create',
      '--program',
      programId!,
      '--role',
      'finance',
      '--login',
      'f@example.com',
    );
    expect(noPassword.code).toBe(2);
    expect(noPassword.stderr).toContain('no terminal to ask for the password on: pass --password');
    const badRole = await jifen(
      'staff',
      'create',
      '--program',
      programId!,
      '--role',
      'boss',
      '--login',
      'b@example.com',
      '--password',
      'long enough pw',
    );
    expect(badRole.code).toBe(1);
    expect(badRole.stderr).toContain('There is no role "boss"');
    const badLogin = await jifen(
      'staff',
      'create',
      '--program',
      programId!,
      '--role',
      'owner',
      '--login',
      'nope',
      '--password',
      'long enough pw',
    );
    expect(badLogin.code).toBe(1);
    expect(badLogin.stderr).toContain('--login must be an e-mail address or a phone number');
    const shortPassword = await jifen(
      'staff',
      'create',
      '--program',
      programId!,
      '--role',
      'owner',
      '--login',
      's@example.com',
      '--password',
      'short',
    );
    expect(shortPassword.code).toBe(2);
    expect((await jifen('staff', 'list', '--program', programId!)).stdout.trim().split('\n')).toHaveLength(1);

    const reset = await jifen(
      'staff',
      'password',
      '--login',
      'li.na@example.com',
      '--password',
      'a brand new one',
    );
    expect(reset.code, reset.stderr).toBe(0);

    server = await startServer(databaseArgs, { extraArgs: ['--role', 'api'] });
    const login = await fetch(`${server.url}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: 'li.na@example.com', password: 'a brand new one', mode: 'token' }),
    });
    expect(login.status).toBe(201);
    const signedIn = (await login.json()) as { token: string; session: { programId: string; role: string } };
    expect(signedIn.session).toMatchObject({ programId, role: 'owner' });
    const staff = await fetch(`${server.url}/v1/staff`, {
      headers: { authorization: `Bearer ${signedIn.token}` },
    });
    expect(staff.status).toBe(200);
  }, 300_000);
});

import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openTestApi, type TestApi } from '../../../test/support/test-api.ts';
import { OPERATIONS } from '../src/index.ts';

/**
 * The SDK as a consumer gets it: `npm run sdk:build`'s output installed as node_modules/@jifen/sdk
 * in a project of its own, imported by name through the package's `exports` — by plain Node 20
 * (no TypeScript loader) against a live server, and by TypeScript (nodenext), whose checks must
 * see the real types.
 */
const root = fileURLToPath(new URL('../../../', import.meta.url));
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

function run(args: string[], cwd: string) {
  // A child of its own: none of the test runner's loaders (NODE_OPTIONS) reach it.
  const { NODE_OPTIONS: _loaders, ...env } = process.env;
  const result = spawnSync(process.execPath, args, { cwd, env, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('the built SDK package', () => {
  let api: TestApi;
  let project: string;
  beforeAll(async () => {
    project = mkdtempSync(join(tmpdir(), 'jifen-sdk-consumer-'));
    const built = run(
      [join(root, 'scripts', 'build-sdk.mjs'), join(project, 'node_modules', '@jifen', 'sdk')],
      root,
    );
    expect(built.status, built.output).toBe(0);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', type: 'module' }));
    api = await openTestApi('pglite');
  });
  afterAll(async () => {
    await api?.close();
    if (project) rmSync(project, { recursive: true, force: true });
  });

  test('plain Node imports it by name and talks to a live server', async () => {
    const baseUrl = await api.app.listen({ port: 0, host: '127.0.0.1' });
    writeFileSync(
      join(project, 'consumer.mjs'),
      `import { Jifen, JifenError, OPERATIONS } from '@jifen/sdk';
       const jifen = new Jifen({ baseUrl: process.argv[2], apiKey: process.argv[3] });
       await jifen.members.upsert('built-1', { tags: ['sdk'] });
       await jifen.members.credit('built-1', { points: 300, reason: { 'zh-CN': '开卡礼', en: 'Welcome' } });
       const member = await jifen.members.get('built-1');
       const missing = await jifen.members.get('nobody').catch((error) => error);
       console.log(JSON.stringify({
         available: member.balances.available,
         missing: missing instanceof JifenError ? missing.code : String(missing),
         operations: Object.keys(OPERATIONS).length,
       }));`,
    );
    // Asynchronous, so the server in this process can answer while the consumer runs.
    const { NODE_OPTIONS: _loaders, ...env } = process.env;
    const child = spawn(process.execPath, ['consumer.mjs', baseUrl, api.key], { cwd: project, env });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    const status = await new Promise<number | null>((done) => child.on('close', done));
    expect(status, output).toBe(0);
    expect(JSON.parse(output)).toEqual({
      available: 300,
      missing: 'member_not_found',
      operations: Object.keys(OPERATIONS).length,
    });
  });

  test('TypeScript (nodenext) resolves its declarations: real types, errors where they are wrong', () => {
    mkdirSync(join(project, 'types'), { recursive: true });
    const config = {
      compilerOptions: {
        module: 'nodenext',
        moduleResolution: 'nodenext',
        target: 'es2023',
        lib: ['es2023'],
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        typeRoots: [join(root, 'node_modules', '@types')],
        types: ['node'],
      },
      files: ['consumer.ts'],
    };
    writeFileSync(join(project, 'types', 'tsconfig.json'), JSON.stringify(config));
    const good = `import { Jifen, JifenError, type Member } from '@jifen/sdk';
      const jifen = new Jifen({ baseUrl: 'http://127.0.0.1:8080', apiKey: 'key' });
      export async function balance(id: string): Promise<number> {
        const member: Member = await jifen.members.get(id);
        return member.balances.available;
      }
      export const isProblem = (error: unknown) => error instanceof JifenError && error.code.length > 0;
    `;
    writeFileSync(join(project, 'types', 'consumer.ts'), good);
    const checked = run([tsc, '-p', 'tsconfig.json'], join(project, 'types'));
    expect(checked.status, checked.output).toBe(0);

    writeFileSync(
      join(project, 'types', 'consumer.ts'),
      `${good}\nexport const wrong: string = (await jifen.members.get('m')).balances.available;\n`,
    );
    const refused = run([tsc, '-p', 'tsconfig.json'], join(project, 'types'));
    expect(refused.status).not.toBe(0);
    expect(refused.output).toContain("Type 'number' is not assignable to type 'string'");
  });
});

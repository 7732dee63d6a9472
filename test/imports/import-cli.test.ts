import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freshProcessStore, killAllChildren, runJifen } from '../support/jifen-process.ts';
import { ENGINES, type Engine } from '../support/test-database.ts';

/** `jifen import` as an operator runs it: a dry run by default, --commit, --skip-errors, GBK, a mapping. */

afterAll(() => killAllChildren());

describe.each(ENGINES)('jifen import (%s)', (engine: Engine) => {
  let databaseArgs: string[] = [];
  let dir = '';
  let remove: () => Promise<void> = async () => {};
  const jifen = (...args: string[]) => runJifen([...args, ...databaseArgs], { timeoutMs: 60_000 });
  const file = (name: string, content: string | Buffer) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };

  beforeAll(async () => {
    const store = await freshProcessStore(engine);
    databaseArgs = store.args;
    remove = store.remove;
    dir = (await import('node:fs')).mkdtempSync(join((await import('node:os')).tmpdir(), 'jifen-import-'));
    const created = await jifen('programs', 'create', '--name', 'shop');
    expect(created.code, created.stderr).toBe(0);
  }, 60_000);
  afterAll(async () => remove());

  test('a dry run reports by line and column, applies nothing, and exits 1 when rows have errors', async () => {
    const members = file('members.csv', 'memberId,birthday\nc-1,1990-01-02\nc-2,1990-13-01\n');
    const dry = await jifen('import', 'members', members);
    expect(dry.code, dry.stderr).toBe(1);
    expect(dry.stdout).toContain('2 rows read, 1 valid, 1 with errors');
    expect(dry.stdout).toContain('line 3, birthday: must be a date YYYY-MM-DD');
    expect(dry.stdout).toContain('dry run: nothing applied');
    const refused = await jifen('import', 'members', members, '--commit');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('nothing applied: 1 rows have errors');
    const applied = await jifen('import', 'members', members, '--commit', '--skip-errors');
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toMatch(
      /committed: 1 rows applied, 0 already imported \(skipped\), 1 members created/,
    );
  }, 120_000);

  test('a GBK file with a mapping commits; the same again skips every row; undo reverses it', async () => {
    const gbk = file('余额.csv', iconv.encode('编号,会员,积分,日期\nb-1,c-1,300,2026-01-05\n', 'gbk'));
    const args = [
      'import',
      'balances',
      gbk,
      '--encoding',
      'gbk',
      '--mapping',
      '编号=importId,会员=memberId,积分=points,日期=earnedAt',
    ];
    const first = await jifen(...args, '--commit');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('300 points in the valid rows');
    expect(first.stdout).toContain('1 rows applied');
    const again = await jifen(...args, '--commit');
    expect(again.stdout).toContain('0 rows applied, 1 already imported (skipped)');
    const importId = /jifen import undo (imp_\w+)/.exec(first.stdout)![1]!;
    const undone = await jifen('import', 'undo', importId);
    expect(undone.code, undone.stderr).toBe(0);
    expect(undone.stdout).toContain(`import ${importId} undone`);
  }, 120_000);

  test('a file larger than one read chunk is read whole (20,000 rows, ~0.5 MB)', async () => {
    const rows = Array.from(
      { length: 20_000 },
      (_, i) => `big-${i},1990-01-02,vip|new,2024-01-01 10:00,store-${i % 7}`,
    );
    const big = file('big.csv', `memberId,birthday,tags,joinedAt,channel\n${rows.join('\n')}\n`);
    const dry = await jifen('import', 'members', big);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('20000 rows read, 20000 valid, 0 with errors');
  }, 120_000);

  test('usage mistakes exit 2 with the fix', async () => {
    expect((await jifen('import', 'points', '/tmp/x.csv')).stderr).toContain('members|balances|events|tiers');
    const missing = await jifen('import', 'members', join(dir, 'none.csv'));
    expect(missing.code).toBe(2);
    const wrongColumns = await jifen('import', 'members', file('wrong.csv', 'id,name\n1,a\n'));
    expect(wrongColumns.code).toBe(2);
    expect(wrongColumns.stderr).toContain('--mapping id=memberId');
  }, 120_000);
});

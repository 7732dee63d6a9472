import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { JifenError } from '../../src/shared/errors.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';
import { commit, dryRun, importFile } from './import-kit.ts';

/** Hostile and broken files: every problem is reported where it is, and nothing bad is applied. */

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (error: unknown) => error as JifenError,
  );

describe.each(ENGINES)('bad import files (%s)', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await openTestApi(engine, '2026-03-01T02:00:00Z');
    await importFile(api, 'members', 'memberId\nm-1\nm-2\n');
  });
  afterAll(async () => api?.close());

  test.each([
    ['an empty file', '', 'empty'],
    ['a header only', 'importId,memberId,points,earnedAt\n', 'no data rows'],
    ['an unknown column', 'importId,memberId,points,earnedAt,bonus\nb-1,m-1,5,2025-01-01,1\n', 'bonus'],
    ['a missing required column', 'importId,memberId,points\nb-1,m-1,5\n', 'earnedAt'],
    ['a column named twice', 'importId,memberId,points,earnedAt,points\nb-1,m-1,5,2025-01-01,6\n', 'twice'],
  ])('%s is refused whole (import_file_invalid) and leaves no import behind', async (_, file, says) => {
    const before = (await api.db.query('select count(*)::int as n from imports'))[0];
    const error = await refusal(dryRun(api, 'balances', file));
    expect(error).toMatchObject({ code: 'import_file_invalid' });
    expect(error!.detail).toContain(says);
    expect((await api.db.query('select count(*)::int as n from imports'))[0]).toEqual(before);
  });

  test('bad rows are reported by line and column with what to fix; the good ones stage', async () => {
    const file = [
      'importId,memberId,points,earnedAt,expiresAt',
      'b-1,m-1,100,2025-01-01,',
      'b-2,m-1,-5,2025-01-01,', // negative
      'b-3,m-1,99999999999999999999,2025-01-01,', // huge
      'b-4,m-1,1.5,2025-01-01,', // decimals
      'b-5,m 1,10,2025-01-01,', // a space in the id
      'b-6,m-1,10,2027-01-01,', // in the future
      'b-7,m-1,10,2025-02-30,', // no such day
      'b-8,m-1,10,2025-03-01,2025-02-01', // expires before earned
      'b-1,m-2,10,2025-01-01,', // the id again
      'b-9,m-1,10', // too few fields
      'b-10,m-1,10,2025-01-01,', // fine
    ].join('\n');
    const report = await dryRun(api, 'balances', file);
    expect(report).toMatchObject({ rowsRead: 11, rowsValid: 2, rowsInvalid: 9, points: 110 });
    const where = report.errors.map(({ line, column }) => [line, column]);
    expect(where).toEqual([
      [3, 'points'],
      [4, 'points'],
      [5, 'points'],
      [6, 'memberId'],
      [7, 'earnedAt'],
      [8, 'earnedAt'],
      [9, 'expiresAt'],
      [10, 'importId'],
      [11, null],
    ]);
    const message = (line: number) => report.errors.find((error) => error.line === line)!.message;
    expect(message(3)).toContain('from 1 to');
    expect(message(7)).toContain('in the future');
    expect(message(10)).toContain('line 2');
    expect(message(11)).toContain('has 3 fields where the header has 5');
  });

  test('committing a file with errors applies nothing unless errors are skipped', async () => {
    const file = 'importId,memberId,points,earnedAt\nc-1,m-2,100,2026-02-01\nc-2,m-2,abc,2026-02-01\n';
    const staged = await dryRun(api, 'balances', file);
    const error = await refusal(commit(api, staged.id));
    expect(error).toMatchObject({ code: 'import_has_errors' });
    expect((await api.call('GET', '/v1/members/m-2')).body.balances.available).toBe(0);
    const done = await commit(api, staged.id, true);
    expect(done).toMatchObject({ state: 'committed', rowsApplied: 1 });
    expect((await api.call('GET', '/v1/members/m-2')).body.balances.available).toBe(100);
  });

  test('a balance for a member that does not exist is refused when applied, by line', async () => {
    const done = await importFile(
      api,
      'balances',
      'importId,memberId,points,earnedAt\nd-1,nobody,5,2026-02-01\nd-2,m-1,5,2026-02-01\n',
    );
    expect(done).toMatchObject({ rowsApplied: 1, rowsInvalid: 1 });
    expect(done.errors).toEqual([expect.objectContaining({ line: 2, column: 'memberId' })]);
    expect((await api.call('GET', '/v1/members/nobody')).status).toBe(404);
  });

  test('GBK with its Chinese, and UTF-8 with a BOM, read the same', async () => {
    const text = '会员号,渠道,标签\ng-1,门店,金卡|老客\n';
    const mapping = '会员号=memberId,渠道=channel,标签=tags';
    const gbk = await dryRun(api, 'members', iconv.encode(text, 'gbk'), { encoding: 'gbk', mapping });
    const bom = await dryRun(
      api,
      'members',
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]),
      { mapping },
    );
    for (const report of [gbk, bom]) expect(report).toMatchObject({ rowsValid: 1, rowsInvalid: 0 });
    await commit(api, gbk.id);
    expect((await api.call('GET', '/v1/members/g-1')).body).toMatchObject({
      channel: '门店',
      tags: ['金卡', '老客'],
    });
  });

  test('GBK read as UTF-8 is refused with the fix; bytes that are no GBK character are reported by row', async () => {
    const error = await refusal(dryRun(api, 'members', iconv.encode('memberId,channel\ng-2,门店\n', 'gbk')));
    expect(error).toMatchObject({ code: 'import_file_invalid' });
    expect(error!.detail).toContain('gbk');
    const broken = Buffer.concat([
      Buffer.from('memberId,channel\ng-3,'),
      Buffer.from([0x81, 0x20]),
      Buffer.from('\n'),
    ]);
    const report = await dryRun(api, 'members', broken, { encoding: 'gbk' });
    expect(report.errors).toEqual([expect.objectContaining({ line: 2, column: 'channel' })]);
  });

  test('values that cannot be stored are row errors, and their messages are stored safely', async () => {
    const file = [
      '{"memberId":"n-1","channel":"a\\u0000b"}',
      '{"memberId":"n-2","bad\\u0000key":"x"}',
      '{"memberId":"n-3","attributes":{"k":"\\ud800"}}',
    ].join('\n');
    const report = await dryRun(api, 'members', file, { format: 'jsonl' });
    expect(report).toMatchObject({ rowsValid: 0, rowsInvalid: 3 });
    expect(report.errors.map(({ line, column }) => [line, column])).toEqual([
      [1, 'channel'],
      [2, 'bad\uFFFDkey'],
      [3, 'attributes'],
    ]);
    const huge = await dryRun(
      api,
      'balances',
      '{"importId":"h-1","memberId":"m-1","points":1e400,"earnedAt":"2025-01-01"}',
      {
        format: 'jsonl',
      },
    );
    expect(huge.errors).toEqual([expect.objectContaining({ line: 1, column: 'points' })]);
  });

  test('JSON lines: each line an object; a broken line is one error', async () => {
    const file = '{"memberId":"j-1","tags":["a","b"]}\nnot json\n[1]\n{"memberId":"j-2","colour":"red"}\n';
    const report = await dryRun(api, 'members', file, { format: 'jsonl' });
    expect(report).toMatchObject({ rowsRead: 4, rowsValid: 1, rowsInvalid: 3 });
    expect(report.errors.map(({ line, column }) => [line, column])).toEqual([
      [2, null],
      [3, null],
      [4, 'colour'],
    ]);
  });
});

import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { JifenError } from '../../src/shared/errors.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';
import { commit, dryRun, importFile } from './import-kit.ts';

const MEMBERS = `memberId,birthday,tags,joinedAt,channel
m-1,1990-05-01,vip|new,2023-04-01 10:00,store
m-2,1985-03-15,,2024-01-02T08:00:00+08:00,
m-3,,,,online
`;

describe.each(ENGINES)('importing members (%s)', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await openTestApi(engine, '2026-03-01T02:00:00Z');
  });
  afterAll(async () => api?.close());

  test('a dry run counts and stages, and applies nothing', async () => {
    const report = await dryRun(api, 'members', MEMBERS);
    expect(report).toMatchObject({
      kind: 'members',
      state: 'dry_run',
      rowsRead: 3,
      rowsValid: 3,
      rowsInvalid: 0,
    });
    expect((await api.call('GET', '/v1/members/m-1')).status).toBe(404);
  });

  test('commit creates the members with their profiles; the dates without a zone are Shanghai time', async () => {
    const report = await importFile(api, 'members', MEMBERS);
    expect(report).toMatchObject({ state: 'committed', rowsApplied: 3, rowsSkipped: 0, membersCreated: 3 });
    const member = (await api.call('GET', '/v1/members/m-1')).body;
    expect(member).toMatchObject({ birthday: '1990-05-01', tags: ['vip', 'new'], channel: 'store' });
    expect(member.joinedAt).toBe('2023-04-01T02:00:00.000Z');
    expect((await api.call('GET', '/v1/members/m-2')).body.birthday).toBe('1985-03-15');
  });

  test('the rows keep birthdays and attributes sealed, their hashes keyed (issue 17)', async () => {
    const report = await importFile(
      api,
      'members',
      'memberId,birthday,attributes\nm-s1,1979-11-23,"{""city"":""杭州""}"\n',
    );
    const [row] = await api.db.query<{
      payload: { profile: Record<string, unknown> };
      text: string;
      row_hash: string;
    }>(
      'select payload, payload::text as text, row_hash from import_rows where program_id = $1 and import_id = $2',
      [api.programId, report.id],
    );
    expect(row!.payload.profile).toEqual({ sealed: expect.stringMatching(/^enc:v1:/) });
    expect(row!.text).not.toMatch(/1979|杭州/);
    // A plain SHA-256 of the row would give the birthday away to anyone trying every date.
    const plain = { memberId: 'm-s1', profile: { birthday: '1979-11-23', attributes: { city: '杭州' } } };
    expect(row!.row_hash).not.toBe(createHash('sha256').update(JSON.stringify(plain)).digest('base64url'));
    expect((await api.call('GET', '/v1/members/m-s1')).body).toMatchObject({
      birthday: '1979-11-23',
      attributes: { city: '杭州' },
    });
  });

  test('the same file again changes nothing; a corrected row applies, the rest are skipped', async () => {
    const again = await importFile(api, 'members', MEMBERS);
    expect(again).toMatchObject({ rowsApplied: 0, rowsSkipped: 3, membersCreated: 0 });
    const corrected = await importFile(api, 'members', MEMBERS.replace('m-3,,,,online', 'm-3,,gold,,online'));
    expect(corrected).toMatchObject({ rowsApplied: 1, rowsSkipped: 2, membersCreated: 0 });
    expect((await api.call('GET', '/v1/members/m-3')).body.tags).toEqual(['gold']);
  });

  test('a mapping renames the file’s columns', async () => {
    const staged = await dryRun(api, 'members', '会员号,生日\nm-10,1988-12-31\n', {
      mapping: '会员号=memberId,生日=birthday',
    });
    expect(staged).toMatchObject({ rowsValid: 1, rowsInvalid: 0 });
    await commit(api, staged.id);
    expect((await api.call('GET', '/v1/members/m-10')).body.birthday).toBe('1988-12-31');
  });

  test('without the mapping the file is refused whole, naming the columns and the fix', async () => {
    const refused = await dryRun(api, 'members', '会员号,生日\nm-11,1988-12-31\n').catch((error) => error);
    expect(refused).toBeInstanceOf(JifenError);
    expect(refused).toMatchObject({ code: 'import_file_invalid' });
    expect(refused.detail).toContain('会员号, 生日');
    expect(refused.detail).toContain('--mapping 会员号=memberId');
  });
});

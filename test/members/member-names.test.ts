import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sealLegacyBirthdays } from '../../src/members/member-birthdays.ts';
import { membersBornOn } from '../../src/members/member-store.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';

/** A member's name and nickname (issue 17): shown as given, stored only encrypted. */
describe.each(ENGINES)("members' names (%s)", (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await openTestApi(engine);
  });
  afterAll(async () => api.close());

  const stored = async (memberId: string) =>
    (
      await api.db.query<{ name: string | null; nickname: string | null }>(
        'select name, nickname from members where member_id = $1',
        [memberId],
      )
    )[0]!;

  test('a name and a nickname are shown as given and stored only as ciphertext', async () => {
    const created = await api.call('PUT', '/v1/members/n-1', { name: '韩梅梅', nickname: '梅子' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ memberId: 'n-1', name: '韩梅梅', nickname: '梅子' });
    expect((await api.call('GET', '/v1/members/n-1')).body).toMatchObject({
      name: '韩梅梅',
      nickname: '梅子',
    });
    const listed = await api.call('GET', '/v1/members?idPrefix=n-');
    expect(listed.body.data).toEqual([
      expect.objectContaining({ memberId: 'n-1', name: '韩梅梅', nickname: '梅子' }),
    ]);
    const row = await stored('n-1');
    expect(row.name).toMatch(/^enc:v1:/);
    expect(row.nickname).toMatch(/^enc:v1:/);
    expect(JSON.stringify(row)).not.toMatch(/韩|梅/);
  });

  test('fields left out are kept; null clears; a member without names shows null', async () => {
    await api.call('PUT', '/v1/members/n-2', { name: 'Li Lei' });
    const kept = await api.call('PUT', '/v1/members/n-2', { tags: ['vip'] });
    expect(kept.body).toMatchObject({ name: 'Li Lei', nickname: null, tags: ['vip'] });
    const cleared = await api.call('PUT', '/v1/members/n-2', { name: null, nickname: 'lei' });
    expect(cleared.body).toMatchObject({ name: null, nickname: 'lei' });
    expect((await stored('n-2')).name).toBeNull();
    await api.call('PUT', '/v1/members/n-3', {});
    expect((await api.call('GET', '/v1/members/n-3')).body).toMatchObject({ name: null, nickname: null });
  });

  test('a birthday is stored sealed with a keyed hash of its day; gifts find it; plain ones from before are sealed', async () => {
    const created = await api.call('PUT', '/v1/members/b-1', { birthday: '1990-07-15' });
    expect(created.body.birthday).toBe('1990-07-15');
    const [row] = await api.db.query<{ birthday: string; birth_day_index: string }>(
      `select birthday, birth_day_index from members where member_id = 'b-1'`,
    );
    expect(row!.birthday).toMatch(/^enc:v1:/);
    expect(row!.birth_day_index).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(JSON.stringify(row)).not.toMatch(/1990|07-15/);
    const born = async (day: string) =>
      (await membersBornOn(api.db, api.programId, [day])).map((member) => member.memberId).sort();
    expect(await born('07-15')).toContain('b-1');
    expect(await born('07-16')).not.toContain('b-1');
    // Stored before the vault: plain text, no index; sealed at start, then found.
    await api.call('PUT', '/v1/members/b-2', {});
    await api.db.query(
      `update members set birthday = '1979-12-24', birth_day_index = null where member_id = 'b-2'`,
    );
    expect((await api.call('GET', '/v1/members/b-2')).body.birthday).toBe('1979-12-24');
    expect(await sealLegacyBirthdays(api.db)).toBe(1);
    expect(await born('12-24')).toEqual(['b-2']);
    expect((await api.call('GET', '/v1/members/b-2')).body.birthday).toBe('1979-12-24');
    expect(await sealLegacyBirthdays(api.db)).toBe(0);
  });

  test.each([
    { body: { name: '' }, field: 'body/name' },
    { body: { nickname: 'x'.repeat(41) }, field: 'body/nickname' },
    { body: { name: 42 }, field: 'body/name' },
  ])('a bad name is refused with its field: $field', async ({ body, field }) => {
    const reply = await api.call('PUT', '/v1/members/n-4', body);
    expect(reply.status).toBe(400);
    expect(reply.body.code).toBe('validation_failed');
    expect(JSON.stringify(reply.body.errors)).toContain(field);
  });
});

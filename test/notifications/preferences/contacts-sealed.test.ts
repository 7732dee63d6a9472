import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { memberKeyOf } from '../../../src/members/member-store.ts';
import { sealLegacyContacts } from '../../../src/notifications/preferences/member-preferences.ts';
import { openTestApi, type TestApi } from '../../support/test-api.ts';
import { ENGINES } from '../../support/test-database.ts';
import { createMember, newProgram, type ProgramClient } from '../api/notification-api-kit.ts';

/**
 * Members' contacts (issue 17): stored only sealed, shown plain through the API, and a member found
 * by phone through the blind index.
 */
describe.each(ENGINES)('contacts sealed at rest (%s)', (engine) => {
  let api: TestApi;
  let program: ProgramClient;
  const put = (memberId: string, body: object) =>
    program.call('PUT', `/v1/members/${memberId}/notification-preferences`, body);
  const byPhone = async (phone: string) => {
    const reply = await program.call('GET', `/v1/members?phone=${encodeURIComponent(phone)}`);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    return (reply.body.data as { memberId: string }[]).map((member) => member.memberId);
  };
  const rowOf = async (memberId: string) => {
    const memberKey = await memberKeyOf(api.db, program.programId, memberId);
    const [row] = await api.db.query<{
      email: string | null;
      phone: string | null;
      phone_index: string | null;
    }>(
      'select email, phone, phone_index from member_notification_preferences where program_id = $1 and member_key = $2',
      [program.programId, memberKey],
    );
    return row!;
  };

  beforeAll(async () => {
    api = await openTestApi(engine);
    program = await newProgram(api);
    for (const memberId of ['li', 'wang', 'zhao', 'legacy']) await createMember(program, memberId);
  });
  afterAll(async () => api.close());

  test('the API shows contacts as given; the table holds only ciphertext and a keyed hash', async () => {
    const reply = await put('li', { email: 'li.lei@example.com', phone: '13800138000' });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ email: 'li.lei@example.com', phone: '13800138000' });
    const read = await program.call('GET', '/v1/members/li/notification-preferences');
    expect(read.body).toMatchObject({ email: 'li.lei@example.com', phone: '13800138000' });
    const row = await rowOf('li');
    expect(row.email).toMatch(/^enc:v1:/);
    expect(row.phone).toMatch(/^enc:v1:/);
    const stored = JSON.stringify(row);
    for (const plain of ['li.lei', 'example.com', '13800138000', '38000'])
      expect(stored).not.toContain(plain);
    expect(row.phone_index).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  test('a member is found by phone in either accepted form, and only by their current number', async () => {
    await put('wang', { phone: '+8613900139000' });
    expect(await byPhone('13800138000')).toEqual(['li']);
    expect(await byPhone('+8613800138000')).toEqual(['li']);
    expect(await byPhone('13900139000')).toEqual(['wang']);
    expect(await byPhone('13700137000')).toEqual([]);
    await put('wang', { phone: '13600136000' });
    expect(await byPhone('13900139000')).toEqual([]);
    expect(await byPhone('13600136000')).toEqual(['wang']);
    await put('wang', { phone: null });
    expect(await byPhone('13600136000')).toEqual([]);
    expect((await rowOf('wang')).phone_index).toBeNull();
    // Other filters still apply with it.
    expect(await byPhone('13800138000')).toEqual(['li']);
    const both = await program.call('GET', '/v1/members?phone=13800138000&idPrefix=wa');
    expect(both.body.data).toEqual([]);
  });

  test('a phone filter that cannot be a phone number is refused, saying what form it must have', async () => {
    const reply = await program.call('GET', '/v1/members?phone=12345');
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({
      code: 'validation_failed',
      errors: [{ field: 'querystring/phone', message: expect.stringMatching(/E\.164/) }],
    });
  });

  test('another program with the same number has its own hash: nothing links members across programs', async () => {
    const other = await newProgram(api);
    await createMember(other, 'li');
    await other.call('PUT', '/v1/members/li/notification-preferences', { phone: '13800138000' });
    const otherKey = await memberKeyOf(api.db, other.programId, 'li');
    const [otherRow] = await api.db.query<{ phone_index: string }>(
      'select phone_index from member_notification_preferences where program_id = $1 and member_key = $2',
      [other.programId, otherKey],
    );
    expect(otherRow!.phone_index).not.toBe((await rowOf('li')).phone_index);
  });

  test('a kept answer holding contacts is sealed; its replay answers them as first given', async () => {
    const headers = { authorization: `Bearer ${program.key}`, 'idempotency-key': 'prefs-zhao-1' };
    const body = { email: 'zhao@example.com', phone: '13300133000' };
    const first = await api.call('PUT', '/v1/members/zhao/notification-preferences', body, headers);
    expect(first.status).toBe(200);
    const [kept] = await api.db.query<{ response: unknown }>(
      `select response from idempotency_keys where program_id = $1 and key = 'prefs-zhao-1'`,
      [program.programId],
    );
    const stored = JSON.stringify(kept!.response);
    expect(stored).toContain('enc:v1:');
    for (const plain of ['zhao@', '13300133000']) expect(stored).not.toContain(plain);
    const replay = await api.call('PUT', '/v1/members/zhao/notification-preferences', body, headers);
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual(first.body);
    // A member's own answers are sealed the same way (a birthday).
    const member = await api.call(
      'PUT',
      '/v1/members/zhao',
      { birthday: '1990-05-17' },
      {
        ...headers,
        'idempotency-key': 'member-zhao-1',
      },
    );
    expect(member.status).toBe(200);
    const [keptMember] = await api.db.query<{ response: unknown }>(
      `select response from idempotency_keys where program_id = $1 and key = 'member-zhao-1'`,
      [program.programId],
    );
    expect(JSON.stringify(keptMember!.response)).not.toContain('1990-05-17');
  });

  test('contacts stored in plain text before the vault are sealed at start, and stay readable and findable', async () => {
    await put('legacy', { channels: { sms: true } });
    const memberKey = await memberKeyOf(api.db, program.programId, 'legacy');
    await api.db.query(
      `update member_notification_preferences set email = 'old@example.com', phone = '13500135000', phone_index = null
        where program_id = $1 and member_key = $2`,
      [program.programId, memberKey],
    );
    expect(await sealLegacyContacts(api.db)).toBe(2);
    const row = await rowOf('legacy');
    expect(row.email).toMatch(/^enc:v1:/);
    expect(row.phone).toMatch(/^enc:v1:/);
    const read = await program.call('GET', '/v1/members/legacy/notification-preferences');
    expect(read.body).toMatchObject({ email: 'old@example.com', phone: '13500135000' });
    expect(await byPhone('13500135000')).toEqual(['legacy']);
    expect(await sealLegacyContacts(api.db)).toBe(0);
  });
});

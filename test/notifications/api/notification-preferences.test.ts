import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { asMemberKey } from '../../../src/members/member-key.ts';
import { memberKeyOf } from '../../../src/members/member-store.ts';
import {
  defaultPreferences,
  memberPreferences,
} from '../../../src/notifications/preferences/member-preferences.ts';
import { openTestApi, type TestApi } from '../../support/test-api.ts';
import { ENGINES } from '../../support/test-database.ts';
import { createMember, newProgram, type ProgramClient, withKey } from './notification-api-kit.ts';

/**
 * Member notification preferences and marketing consent: defaults without a row, merging PUTs,
 * the consent timestamp moving only when consent changes, validation, and the dispatcher's read.
 */
const DEFAULTS = {
  email: null,
  phone: null,
  language: null,
  channels: { inbox: true, email: true, sms: true },
  marketingConsent: false,
  consentUpdatedAt: null,
  updatedAt: null,
};

const invalid: { name: string; body: Record<string, unknown>; field: string }[] = [
  { name: 'an email without @', body: { email: 'ann.example.com' }, field: 'body/email' },
  { name: 'an email with a space', body: { email: 'ann @example.com' }, field: 'body/email' },
  { name: 'an empty email', body: { email: '' }, field: 'body/email' },
  { name: 'a phone too short', body: { phone: '12345' }, field: 'body/phone' },
  { name: 'a phone with letters', body: { phone: '+86138abc00000' }, field: 'body/phone' },
  { name: 'an unknown language', body: { language: 'fr' }, field: 'body/language' },
  { name: 'an unknown channel', body: { channels: { push: true } }, field: 'body/channels/push' },
  { name: 'a channel not a boolean', body: { channels: { sms: 'off' } }, field: 'body/channels/sms' },
  { name: 'consent as text', body: { marketingConsent: 'yes' }, field: 'body/marketingConsent' },
  { name: 'an unknown field', body: { wechat: 'wxid_1' }, field: 'body/wechat' },
];

describe.each(ENGINES)('notification preferences (%s)', (engine) => {
  let api: TestApi;
  let program: ProgramClient;
  const url = (memberId: string) => `/v1/members/${memberId}/notification-preferences`;
  const put = (memberId: string, body: object) => program.call('PUT', url(memberId), body);

  beforeAll(async () => {
    api = await openTestApi(engine);
    program = await newProgram(api);
    for (const memberId of ['fresh', 'merge', 'consent', 'decliner', 'invalid', 'shared'])
      await createMember(program, memberId);
  });
  afterAll(async () => api.close());

  test('a member who never set anything gets the defaults', async () => {
    const read = await program.call('GET', url('fresh'));
    expect(read.status).toBe(200);
    expect(read.body).toEqual({ memberId: 'fresh', ...DEFAULTS });
  });

  test('PUT changes the fields given and keeps the others; null clears', async () => {
    const first = await put('merge', { email: 'ann@example.com', language: 'en' });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      ...DEFAULTS,
      memberId: 'merge',
      email: 'ann@example.com',
      language: 'en',
      updatedAt: api.clock.now().toISOString(),
    });
    api.clock.advance(1_000);
    const second = await put('merge', { phone: '13800138000', channels: { sms: false } });
    expect(second.body).toMatchObject({
      email: 'ann@example.com',
      phone: '13800138000',
      language: 'en',
      channels: { inbox: true, email: true, sms: false },
      updatedAt: api.clock.now().toISOString(),
    });
    const third = await put('merge', { email: null, language: null, channels: { inbox: false } });
    expect(third.body).toMatchObject({
      email: null,
      phone: '13800138000',
      language: null,
      channels: { inbox: false, email: true, sms: false },
      marketingConsent: false,
    });
    const empty = await put('merge', {});
    expect(empty.body).toEqual({ ...third.body, updatedAt: api.clock.now().toISOString() });
    expect((await program.call('GET', url('merge'))).body).toEqual(empty.body);
  });

  test('consentUpdatedAt moves when consent changes, and only then', async () => {
    const given = api.clock.now().toISOString();
    expect((await put('consent', { marketingConsent: true })).body).toMatchObject({
      marketingConsent: true,
      consentUpdatedAt: given,
    });
    api.clock.advance(60_000);
    expect((await put('consent', { marketingConsent: true })).body.consentUpdatedAt).toBe(given);
    expect((await put('consent', { email: 'c@example.com' })).body.consentUpdatedAt).toBe(given);
    api.clock.advance(60_000);
    const withdrawn = api.clock.now().toISOString();
    expect((await put('consent', { marketingConsent: false })).body).toMatchObject({
      marketingConsent: false,
      consentUpdatedAt: withdrawn,
      email: 'c@example.com',
    });
    // Saying no when no was the default is not a change.
    expect((await put('decliner', { marketingConsent: false })).body).toMatchObject({
      marketingConsent: false,
      consentUpdatedAt: null,
    });
  });

  test.each(invalid)('refuses $name (400 naming $field) and stores nothing', async ({ body, field }) => {
    await put('invalid', { email: 'keep@example.com', phone: '+8613800138000' });
    const refused = await put('invalid', body);
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('validation_failed');
    expect(refused.body.errors.map((error: { field: string }) => error.field)).toContain(field);
    expect((await program.call('GET', url('invalid'))).body).toMatchObject({
      email: 'keep@example.com',
      phone: '+8613800138000',
      language: null,
      channels: { inbox: true, email: true, sms: true },
      marketingConsent: false,
    });
  });

  test('an unknown member is 404 member_not_found, and gets no row', async () => {
    for (const [method, body] of [
      ['GET', undefined],
      ['PUT', { marketingConsent: true }],
    ] as const) {
      const answer = await program.call(method, url('ghost'), body);
      expect(answer.status).toBe(404);
      expect(answer.body).toMatchObject({ code: 'member_not_found', memberId: 'ghost' });
    }
    const rows = await api.db.query(
      `select 1 from member_notification_preferences p join members m using (program_id, member_key)
        where p.program_id = $1 and m.member_id = $2`,
      [program.programId, 'ghost'],
    );
    expect(rows).toEqual([]);
    const members = await api.db.query('select 1 from members where program_id = $1 and member_id = $2', [
      program.programId,
      'ghost',
    ]);
    expect(members).toEqual([]);
  });

  test('memberPreferences reads many members at once, by key, with defaults for those without a row', async () => {
    await put('shared', { phone: '+8613900139000', marketingConsent: true, channels: { email: false } });
    const shared = await memberKeyOf(api.db, program.programId, 'shared');
    const fresh = await memberKeyOf(api.db, program.programId, 'fresh');
    const notAMember = asMemberKey('mbr_not_a_member');
    const found = await memberPreferences(api.db, program.programId, [shared, fresh, notAMember]);
    expect([...found.keys()].sort()).toEqual([shared, fresh, notAMember].sort());
    expect(found.get(fresh)).toEqual(defaultPreferences());
    expect(found.get(notAMember)).toEqual(defaultPreferences());
    expect(found.get(shared)).toMatchObject({
      phone: '+8613900139000',
      channels: { inbox: true, email: false, sms: true },
      marketingConsent: true,
    });
    expect(found.get(shared)?.consentUpdatedAt).toBeInstanceOf(Date);
    expect((await memberPreferences(api.db, program.programId, [])).size).toBe(0);
  });

  test("another program sees its own member's defaults, not these", async () => {
    const other = await newProgram(api);
    expect((await other.call('GET', url('shared'))).body.code).toBe('member_not_found');
    await createMember(other, 'shared');
    expect((await other.call('GET', url('shared'))).body).toEqual({ memberId: 'shared', ...DEFAULTS });
    const theirKey = await memberKeyOf(api.db, other.programId, 'shared');
    expect(theirKey).not.toBe(await memberKeyOf(api.db, program.programId, 'shared'));
    const [theirs] = (await memberPreferences(api.db, other.programId, [theirKey])).values();
    expect(theirs).toEqual(defaultPreferences());
    await other.call('PUT', url('shared'), { marketingConsent: false, email: 'b@example.com' });
    expect((await program.call('GET', url('shared'))).body).toMatchObject({
      email: null,
      marketingConsent: true,
    });
  });

  test('reading needs members:read, changing needs members:write', async () => {
    const reader = await withKey(api, program.programId, ['members:read']);
    expect((await reader.call('GET', url('fresh'))).status).toBe(200);
    const refused = await reader.call('PUT', url('fresh'), { marketingConsent: true });
    expect(refused.status).toBe(403);
    expect(refused.body.requiredScope).toBe('members:write');
    expect((await program.call('GET', url('fresh'))).body.marketingConsent).toBe(false);
  });
});

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';

/**
 * Issue 14 §1: the deployment's admin key creates, lists and archives programs and mints a
 * program's first owner key; program keys never reach those routes, and the admin key never acts
 * inside a program.
 */
describe.each(ENGINES)('programs through the admin key (%s)', (engine) => {
  let api: TestApi;
  const as = (key: string) => ({ authorization: `Bearer ${key}` });
  const admin = (method: Parameters<TestApi['call']>[0], url: string, body?: unknown) =>
    api.call(method, url, body, as(api.adminKey));
  const withKey = (key: string, method: Parameters<TestApi['call']>[0], url: string, body?: unknown) =>
    api.call(method, url, body, as(key));

  beforeAll(async () => {
    api = await openTestApi(engine);
  });
  afterAll(async () => api?.close());

  test('the admin key creates a program with its settings, finds it, and mints its owner key once', async () => {
    const created = await admin('POST', '/v1/programs', {
      name: 'Tea House',
      currency: 'USD',
      pointValue: { points: 100, amountMinor: 5 },
      timezone: 'America/New_York',
      expiryPolicy: { kind: 'rolling', unit: 'months', count: 12 },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({
      id: expect.stringMatching(/^prg_/),
      name: 'Tea House',
      currency: 'USD',
      pointValue: { points: 100, amountMinor: 5 },
      timezone: 'America/New_York',
      expiryPolicy: { kind: 'rolling', unit: 'months', count: 12 },
      archivedAt: null,
    });
    const programId = created.body.id as string;

    const got = await admin('GET', `/v1/programs/${programId}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(created.body);

    const minted = await admin('POST', `/v1/programs/${programId}/keys`, { name: 'tea owner' });
    expect(minted.status, JSON.stringify(minted.body)).toBe(201);
    expect(minted.body.key).toMatchObject({ name: 'tea owner', scopes: ['*'] });
    const owner = minted.body.secret as string;

    // The new key acts in the new program, which starts empty and has the settings given.
    const own = await withKey(owner, 'GET', '/v1/program');
    expect(own.body).toMatchObject({ id: programId, currency: 'USD', timezone: 'America/New_York' });
    expect((await withKey(owner, 'PUT', '/v1/members/ann', {})).status).toBe(201);
    const credit = await withKey(owner, 'POST', '/v1/members/ann/credits', { points: 40, reason: 'welcome' });
    expect(credit.status, JSON.stringify(credit.body)).toBe(201);
    // ...and sees nothing of the default program, nor the default program anything of it.
    expect((await api.call('GET', '/v1/members/ann')).body.code).toBe('member_not_found');

    const again = await admin('POST', `/v1/programs/${programId}/keys`, {});
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('program_has_keys');
  });

  test('programs are listed a page at a time, oldest first, the default program included', async () => {
    for (const name of ['List A', 'List B', 'List C']) {
      expect((await admin('POST', '/v1/programs', { name })).status).toBe(201);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await admin('GET', `/v1/programs?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status, JSON.stringify(page.body)).toBe(200);
      expect(page.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.data.map((program: { id: string }) => program.id));
      cursor = page.body.nextCursor;
      pages += 1;
    } while (cursor !== null && pages < 10);
    expect(cursor, 'the last page has no next cursor').toBeNull();
    const bad = await admin('GET', '/v1/programs?cursor=zzz');
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('validation_failed');
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(seen).toEqual([...seen].sort());
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen[0]).toBe(api.programId);
    const all = await admin('GET', '/v1/programs?limit=200');
    expect(all.body.data.map((program: { name: string }) => program.name)).toEqual(
      expect.arrayContaining(['Default program', 'List A', 'List B', 'List C']),
    );
    expect(all.body.nextCursor).toBeNull();
  });

  test('bad settings are refused with what to fix, and nothing is created', async () => {
    const before = (await admin('GET', '/v1/programs?limit=200')).body.data.length;
    const badZone = await admin('POST', '/v1/programs', { name: 'Zone', timezone: 'Mars/Olympus' });
    expect(badZone.status).toBe(400);
    expect(badZone.body.code).toBe('validation_failed');
    expect(badZone.body.detail).toContain('timezone');
    const badCurrency = await admin('POST', '/v1/programs', { name: 'Money', currency: 'yuan' });
    expect(badCurrency.status).toBe(400);
    expect(badCurrency.body.code).toBe('validation_failed');
    const noName = await admin('POST', '/v1/programs', { currency: 'CNY' });
    expect(noName.status).toBe(400);
    expect(noName.body.detail).toContain('name');
    // ProgramCreate is ProgramPatch with a name required: the patch's closed set of fields holds.
    const unknownField = await admin('POST', '/v1/programs', { name: 'Extra', colour: 'red' });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.code).toBe('validation_failed');
    expect((await admin('GET', '/v1/programs?limit=200')).body.data.length).toBe(before);
    const missing = await admin('GET', '/v1/programs/prg_nosuchprogram');
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('program_not_found');
    expect((await admin('POST', '/v1/programs/prg_nosuchprogram/archive')).body.code).toBe(
      'program_not_found',
    );
    expect((await admin('POST', '/v1/programs/prg_nosuchprogram/keys', {})).body.code).toBe(
      'program_not_found',
    );
  });

  test('program keys never reach the admin routes', async () => {
    const requests: [Parameters<TestApi['call']>[0], string, unknown?][] = [
      ['POST', '/v1/programs', { name: 'Sneaky' }],
      ['GET', '/v1/programs'],
      ['GET', `/v1/programs/${api.programId}`],
      ['POST', `/v1/programs/${api.programId}/archive`],
      ['POST', `/v1/programs/${api.programId}/keys`, {}],
    ];
    for (const [method, url, body] of requests) {
      const answer = await api.call(method, url, body);
      expect(answer.status, `${method} ${url}`).toBe(403);
      expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(answer.body.code).toBe('admin_key_required');
    }
    expect((await api.call('GET', '/v1/program')).body.archivedAt).toBeNull();
    // No key at all is still 401.
    expect((await api.call('GET', '/v1/programs', undefined, { authorization: '' })).status).toBe(401);
  });

  test("the admin key never acts inside a program's member, ledger or settings routes", async () => {
    const requests: [Parameters<TestApi['call']>[0], string, unknown?][] = [
      ['GET', '/v1/program'],
      ['PUT', '/v1/members/adm', {}],
      ['GET', '/v1/members/adm'],
      ['POST', '/v1/members/adm/credits', { points: 5, reason: 'x' }],
      ['GET', '/v1/api-keys'],
      ['POST', '/v1/api-keys', { name: 'x', scopes: ['members:read'] }],
    ];
    for (const [method, url, body] of requests) {
      const answer = await admin(method, url, body);
      expect(answer.status, `${method} ${url}`).toBe(403);
      expect(answer.body.code).toBe('admin_key_not_for_programs');
    }
    expect((await api.call('GET', '/v1/members/adm')).body.code).toBe('member_not_found');
  });

  test('an archived program answers reads and read-only previews, refuses every write, and gets no new key', async () => {
    const created = await admin('POST', '/v1/programs', { name: 'Closing shop' });
    const programId = created.body.id as string;
    const owner = (await admin('POST', `/v1/programs/${programId}/keys`, {})).body.secret as string;
    expect((await withKey(owner, 'PUT', '/v1/members/bo', {})).status).toBe(201);
    expect((await withKey(owner, 'POST', '/v1/members/bo/credits', { points: 70, reason: 'x' })).status).toBe(
      201,
    );

    const archived = await admin('POST', `/v1/programs/${programId}/archive`);
    expect(archived.status, JSON.stringify(archived.body)).toBe(200);
    expect(archived.body.archivedAt).toEqual(expect.any(String));

    const credit = await withKey(owner, 'POST', '/v1/members/bo/credits', { points: 5, reason: 'x' });
    expect(credit.status).toBe(409);
    expect(credit.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(credit.body).toMatchObject({ code: 'program_archived', programId });
    for (const [method, url, body] of [
      ['PUT', '/v1/members/cy', {}],
      ['PATCH', '/v1/program', { name: 'Reopened' }],
      [
        'POST',
        '/v1/events',
        { id: 'ev-1', type: 'order.paid', memberId: 'bo', occurredAt: '2026-03-01T02:00:00Z' },
      ],
      ['POST', '/v1/api-keys', { name: 'more', scopes: ['members:read'] }],
    ] as const) {
      const answer = await withKey(owner, method, url, body);
      expect(answer.status, `${method} ${url}`).toBe(409);
      expect(answer.body.code).toBe('program_archived');
    }

    const member = await withKey(owner, 'GET', '/v1/members/bo');
    expect(member.status).toBe(200);
    expect(member.body.balances.available).toBe(70);
    expect((await withKey(owner, 'GET', '/v1/members/bo/entries')).body.data).toHaveLength(1);
    const preview = await withKey(owner, 'POST', '/v1/rules/preview', {
      event: { type: 'checkin', memberId: 'bo', occurredAt: '2026-03-01T02:00:00Z' },
    });
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);

    // Archiving again keeps the first moment; the admin still reads it; no new owner key.
    api.clock.advance(60_000);
    const twice = await admin('POST', `/v1/programs/${programId}/archive`);
    expect(twice.body.archivedAt).toBe(archived.body.archivedAt);
    expect((await admin('GET', `/v1/programs/${programId}`)).body.archivedAt).toBe(archived.body.archivedAt);
    const key = await admin('POST', `/v1/programs/${programId}/keys`, {});
    expect(key.status).toBe(409);
    expect(key.body.code).toBe('program_archived');

    // Other programs write as before.
    expect((await api.call('PUT', '/v1/members/still-open', {})).status).toBe(201);
  });
});

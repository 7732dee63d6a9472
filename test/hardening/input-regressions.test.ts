import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { expectProblem, invalidFields } from '../api/api-scenarios.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';

/** Defects the write-route fuzzer found (most answered 500, some after writing), kept as plain cases. */
describe.each(ENGINES)('input the fuzzer found (%s)', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await openTestApi(engine);
    expect((await api.call('PUT', '/v1/members/ann', {})).status).toBe(201);
    const credited = await api.call('POST', '/v1/members/ann/credits', { points: 100, reason: 'seed' });
    expect(credited.status).toBe(201);
  });
  afterAll(async () => api?.close());

  const json = (method: 'POST' | 'PUT' | 'PATCH', url: string, payload: string, key?: string) =>
    api.app.inject({
      method,
      url,
      payload,
      headers: {
        authorization: `Bearer ${api.key}`,
        'content-type': 'application/json',
        ...(key ? { 'idempotency-key': key } : {}),
      },
    });

  test('a body nested 50,000 levels deep, on an operation that takes no body, is a 400 and publishes nothing', async () => {
    const rule = await api.call('POST', '/v1/rules', {
      name: { 'zh-CN': '签到', en: 'Check-in' },
      trigger: 'member.checked_in',
      reward: { kind: 'fixed', points: 1 },
    });
    const deep = `${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`;
    const reply = await json('POST', `/v1/rules/${rule.body.id}/publish`, deep, 'deep-publish');
    expect(reply.statusCode, reply.body).toBe(400);
    expect(JSON.parse(reply.body)).toMatchObject({
      code: 'validation_failed',
      errors: [{ field: expect.stringMatching(/^body\/a/) }],
    });
    const after = await api.call('GET', `/v1/rules/${rule.body.id}`);
    expect(after.body.versions.map((v: { status: string }) => v.status)).toEqual(['draft']);
  });

  test.each([
    ['joinedAt', '0000-01-01T00:00:00Z'],
    ['joinedAt', '9999-12-31T23:59:59-01:00'],
    ['joinedAt', '1969-12-31T23:59:59Z'],
    ['birthday', '0000-01-01'],
  ])('member %s %s: a 400 naming the field', async (field, value) => {
    const reply = await api.call('PUT', '/v1/members/ann', { [field]: value });
    expectProblem(reply, 400, 'validation_failed');
    expect(invalidFields(reply)).toEqual([`body/${field}`]);
  });

  test('birthdays before 1970 and instants at the edges of 1970–9999 are accepted', async () => {
    const reply = await api.call('PUT', '/v1/members/ann', {
      birthday: '1950-05-01',
      joinedAt: '9999-12-31T23:59:59.999Z',
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(reply.body).toMatchObject({ birthday: '1950-05-01', joinedAt: '9999-12-31T23:59:59.999Z' });
  });

  test.each([
    ['credits', { points: 1, reason: 'x' }],
    ['adjustments', { points: 1, reason: 'x', operator: 'ops' }],
  ])('a %s expiresAt in the year 10000 (UTC) is a 400, and no entry is written', async (kind, body) => {
    const before = await api.call('GET', '/v1/members/ann/entries');
    const reply = await api.call('POST', `/v1/members/ann/${kind}`, {
      ...body,
      expiresAt: '9999-12-31T23:59:59-01:00',
    });
    expectProblem(reply, 400, 'validation_failed');
    expect(invalidFields(reply)).toEqual(['body/expiresAt']);
    expect((await api.call('GET', '/v1/members/ann/entries')).body.data).toEqual(before.body.data);
  });

  test('a fixed expiry date whose midnight falls in the year 10000 is refused; the day before works', async () => {
    await api.call('PATCH', '/v1/program', { timezone: 'America/Los_Angeles' });
    const refused = await api.call('PATCH', '/v1/program', {
      expiryPolicy: { kind: 'fixed_date', date: '9999-12-31' },
    });
    expectProblem(refused, 400, 'validation_failed');
    expect(invalidFields(refused)).toEqual(['body/expiryPolicy']);
    const accepted = await api.call('PATCH', '/v1/program', {
      expiryPolicy: { kind: 'fixed_date', date: '9999-12-30' },
    });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    const credited = await api.call('POST', '/v1/members/ann/credits', { points: 1, reason: 'x' });
    expect(credited.status, JSON.stringify(credited.body)).toBe(201);
    await api.call('PATCH', '/v1/program', { expiryPolicy: { kind: 'never' } });
  });

  test('an Idempotency-Key sent twice is a 400 naming the header; nothing is credited or remembered', async () => {
    const before = await api.call('GET', '/v1/members/ann/balance');
    const twice = await api.app.inject({
      method: 'POST',
      url: '/v1/members/ann/credits',
      payload: JSON.stringify({ points: 5, reason: 'twice' }),
      headers: {
        authorization: `Bearer ${api.key}`,
        'content-type': 'application/json',
        'idempotency-key': ['dup-1', 'dup-2'],
      },
    });
    expect(twice.statusCode, twice.body).toBe(400);
    expect(JSON.parse(twice.body)).toMatchObject({
      code: 'validation_failed',
      errors: [{ field: 'header/idempotency-key', message: 'must be sent once' }],
    });
    expect((await api.call('GET', '/v1/members/ann/balance')).body).toEqual(before.body);
    // Neither the joined value nor either key was kept: each works as a fresh key.
    for (const key of ['dup-1, dup-2', 'dup-1']) {
      const once = await json('POST', '/v1/members/ann/credits', '{"points":5,"reason":"once"}', key);
      expect(once.statusCode, once.body).toBe(201);
      expect(once.headers['idempotent-replayed']).toBeUndefined();
    }
  });
});

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { expectProblem, invalidFields } from '../api/api-scenarios.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';
import { WHEEL } from './draws/draw-kit.ts';
import { COUPON, fundedMember, LOUNGE, liveReward, redeem } from './reward-kit.ts';

const POOL_COUPON = { ...COUPON, coupon: { codeSource: 'pool' } };

/** Dates no database stores: a leap second, year 0, and a local time that is year 10000 in UTC. */
const UNSTORABLE = ['2026-06-30T23:59:60Z', '0000-01-01T00:00:00Z', '9999-12-31T23:59:59-10:00'];

/**
 * What the catalogue refuses before it writes: hostile code patterns (answered at once), window
 * dates no database stores (rewards and draws, create and patch), uploads a coupon would never use;
 * and what its write answers show: a pool coupon's stock is its codes left.
 */
describe.each(ENGINES)('catalogue input (%s)', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await openTestApi(engine);
  });
  afterAll(async () => api?.close());

  test('a hostile 40-character code pattern answers 400 at once (no catastrophic backtracking)', async () => {
    const started = performance.now();
    const hostile = await api.call('POST', '/v1/rewards', {
      ...COUPON,
      coupon: { codePattern: `${'X'.repeat(39)}a` },
    });
    expect(performance.now() - started).toBeLessThan(2_000);
    expectProblem(hostile, 400, 'validation_failed');
    expect(invalidFields(hostile)).toEqual(['body/coupon/codePattern']);
  });

  test.each([
    ['JF-XXXX-XXX', 400],
    ['XXXXXXXX', 201],
    ['JF-XXXX-XXXX', 201],
    ['A-X-X-X-X-X-X-X-X', 201],
    ['jf-xxxx-xxxx', 400],
  ])('code pattern %s: at least 8 Xs of capitals, digits and dashes → %i', async (codePattern, status) => {
    const reply = await api.call('POST', '/v1/rewards', { ...COUPON, coupon: { codePattern } });
    expect(reply.status, JSON.stringify(reply.body)).toBe(status);
    if (status === 400) expect(invalidFields(reply)).toEqual(['body/coupon/codePattern']);
  });

  test('a patched pattern is judged the same way', async () => {
    const created = await api.call('POST', '/v1/rewards', COUPON);
    const short = await api.call('PATCH', `/v1/rewards/${created.body.id}`, {
      coupon: { codePattern: 'XXXX' },
    });
    expect(invalidFields(short)).toEqual(['body/coupon/codePattern']);
  });

  test.each(UNSTORABLE)('reward window date %s: 400 naming the field, create and patch', async (date) => {
    for (const field of ['availableFrom', 'availableUntil']) {
      const created = await api.call('POST', '/v1/rewards', { ...LOUNGE, [field]: date });
      expectProblem(created, 400, 'validation_failed');
      expect(invalidFields(created)).toEqual([`body/${field}`]);
      const reward = await api.call('POST', '/v1/rewards', LOUNGE);
      const patched = await api.call('PATCH', `/v1/rewards/${reward.body.id}`, { [field]: date });
      expectProblem(patched, 400, 'validation_failed');
      expect(invalidFields(patched)).toEqual([`body/${field}`]);
    }
  });

  test.each(UNSTORABLE)('draw window date %s: 400 naming the field, create and patch', async (date) => {
    for (const field of ['availableFrom', 'availableUntil']) {
      const created = await api.call('POST', '/v1/draws', { ...WHEEL, [field]: date });
      expectProblem(created, 400, 'validation_failed');
      expect(invalidFields(created)).toEqual([`body/${field}`]);
      const draw = await api.call('POST', '/v1/draws', WHEEL);
      const patched = await api.call('PATCH', `/v1/draws/${draw.body.id}`, { [field]: date });
      expectProblem(patched, 400, 'validation_failed');
      expect(invalidFields(patched)).toEqual([`body/${field}`]);
    }
  });

  test('the edges of the storable range are accepted', async () => {
    const reward = await api.call('POST', '/v1/rewards', {
      ...LOUNGE,
      availableFrom: '1970-01-01T00:00:00Z',
      availableUntil: '9999-12-31T23:59:59+08:00',
    });
    expect(reward.status, JSON.stringify(reward.body)).toBe(201);
    expect(reward.body.availableUntil).toBe('9999-12-31T15:59:59.000Z');
    const draw = await api.call('POST', '/v1/draws', { ...WHEEL, availableUntil: '9999-12-31T23:59:59Z' });
    expect(draw.status, JSON.stringify(draw.body)).toBe(201);
  });

  test('codes cannot be uploaded to a coupon that generates its own', async () => {
    const generated = await liveReward(api, COUPON);
    const upload = await api.call('POST', `/v1/rewards/${generated.id}/codes`, { codes: ['GEN-0001'] });
    expectProblem(upload, 409, 'coupon_code_source');
    expect(upload.body.codeSource).toBe('generated');
    const memberId = await fundedMember(api, [500]);
    const redeemed = await redeem(api, { memberId, rewardId: generated.id });
    expect(redeemed.body.couponCodes[0].code).toMatch(/^JF-/);
    // Nothing was stored: the same code can go to a pool coupon.
    const pool = await liveReward(api, POOL_COUPON);
    const pooled = await api.call('POST', `/v1/rewards/${pool.id}/codes`, { codes: ['GEN-0001'] });
    expect(pooled.body).toEqual({ added: 1, duplicates: [] });
  });

  test('a pool coupon switches to generated codes only once its pool is empty', async () => {
    const pool = await liveReward(api, POOL_COUPON);
    await api.call('POST', `/v1/rewards/${pool.id}/codes`, { codes: ['SW-0001'] });
    const refused = await api.call('PATCH', `/v1/rewards/${pool.id}`, {
      coupon: { codeSource: 'generated' },
    });
    expectProblem(refused, 409, 'coupon_code_source');
    expect(refused.body).toMatchObject({ codeSource: 'pool', availableCodes: 1 });
    const memberId = await fundedMember(api, [500]);
    expect((await redeem(api, { memberId, rewardId: pool.id })).status).toBe(201);
    const switched = await api.call('PATCH', `/v1/rewards/${pool.id}`, {
      coupon: { codeSource: 'generated' },
    });
    expect(switched.status, JSON.stringify(switched.body)).toBe(200);
    expect(switched.body.coupon.codeSource).toBe('generated');
  });

  test("create and patch answers show a pool coupon's stock as GET does", async () => {
    const created = await api.call('POST', '/v1/rewards', POOL_COUPON);
    expect(created.body.stock).toBe(0);
    await api.call('POST', `/v1/rewards/${created.body.id}/codes`, { codes: ['ST-1', 'ST-2', 'ST-3'] });
    const live = await api.call('PATCH', `/v1/rewards/${created.body.id}`, { status: 'live' });
    const read = await api.call('GET', `/v1/rewards/${created.body.id}`);
    expect(live.body.stock).toBe(3);
    expect(read.body.stock).toBe(3);
    const capped = await api.call('PATCH', `/v1/rewards/${created.body.id}`, { stock: 2 });
    expect(capped.body.stock).toBe(2);
  });
});

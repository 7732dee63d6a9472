import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';
import { TIERS } from '../tiers/tier-kit.ts';
import { COUPON, fundedMember, LOUNGE, liveReward, redeem } from './reward-kit.ts';

/**
 * The catalogue: validation with field errors, status transitions, and for a member whether each
 * reward can be redeemed now and why not — the same answer redeeming gives.
 */
describe.each(ENGINES)('rewards catalogue (%s)', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await openTestApi(engine);
    expect((await api.call('PUT', '/v1/tiers', TIERS)).status).toBe(201);
  });
  afterAll(async () => api?.close());

  const invalid = [
    { name: 'price 0', body: { ...LOUNGE, pricePoints: 0 }, field: '/pricePoints' },
    { name: 'negative stock', body: { ...LOUNGE, stock: -1 }, field: '/stock' },
    { name: 'unknown type', body: { ...LOUNGE, type: 'lottery' }, field: '/type' },
    {
      name: 'window ends before it starts',
      body: { ...LOUNGE, availableFrom: '2026-05-01T00:00:00Z', availableUntil: '2026-04-01T00:00:00Z' },
      field: 'body/availableUntil',
    },
    {
      name: 'unknown tier',
      body: { ...LOUNGE, eligibleTiers: ['platinum-x'] },
      field: 'body/eligibleTiers/0',
    },
    { name: 'voucher without value', body: { ...LOUNGE, type: 'voucher' }, field: 'body/voucher' },
    {
      name: 'coupon settings on goods',
      body: { ...LOUNGE, type: 'goods', coupon: { codePattern: 'XXXXXXXX' } },
      field: 'body/coupon',
    },
    {
      name: 'coupon pattern too guessable',
      body: { ...COUPON, coupon: { codePattern: 'JF-XXXX' } },
      field: '/coupon/codePattern',
    },
  ];
  test.each(invalid)('refuses $name with a field error', async ({ body, field }) => {
    const reply = await api.call('POST', '/v1/rewards', body);
    expect(reply.status).toBe(400);
    expect(reply.body.code).toBe('validation_failed');
    expect(JSON.stringify(reply.body.errors)).toContain(field);
  });

  test('a new reward is a draft; coupons get the default code pattern', async () => {
    const reply = await api.call('POST', '/v1/rewards', COUPON);
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({
      status: 'draft',
      stock: null,
      cashMinor: null,
      coupon: { codePattern: 'JF-XXXX-XXXX' },
    });
    expect(reply.body.id).toMatch(/^rwd_/);
    expect((await api.call('GET', `/v1/rewards/${reply.body.id}`)).body).toEqual(reply.body);
    expect((await api.call('GET', '/v1/rewards/rwd_nope')).body.code).toBe('reward_not_found');
  });

  const transitions = [
    { path: ['live', 'paused', 'live', 'retired'], refused: 'live' },
    { path: ['retired'], refused: 'draft' },
    { path: ['live'], refused: 'draft' },
  ];
  test.each(transitions)('status path $path, then $refused is refused', async ({ path, refused }) => {
    const { body: reward } = await api.call('POST', '/v1/rewards', LOUNGE);
    for (const status of path) {
      expect((await api.call('PATCH', `/v1/rewards/${reward.id}`, { status })).body.status).toBe(status);
    }
    const reply = await api.call('PATCH', `/v1/rewards/${reward.id}`, { status: refused });
    expect(reply.status).toBe(409);
    expect(reply.body.code).toBe('reward_state');
  });

  test('a retired reward cannot be edited either', async () => {
    const { body: reward } = await api.call('POST', '/v1/rewards', LOUNGE);
    await api.call('PATCH', `/v1/rewards/${reward.id}`, { status: 'retired' });
    expect((await api.call('PATCH', `/v1/rewards/${reward.id}`, { pricePoints: 5 })).body.code).toBe(
      'reward_state',
    );
  });

  // The clock stands at 2026-03-01 10:00 in Shanghai; members have 150 points and are in the first tier, "normal".
  const availability = [
    { name: 'redeemable', reward: {}, setup: [], why: null },
    { name: 'draft', reward: {}, setup: [{ status: 'paused' }], why: 'not_live' },
    {
      name: 'window not open',
      reward: { availableFrom: '2026-03-02T00:00:00Z' },
      setup: [],
      why: 'outside_window',
    },
    {
      name: 'window closed',
      reward: { availableUntil: '2026-03-01T02:00:00Z' },
      setup: [],
      why: 'outside_window',
    },
    { name: 'sold out', reward: { stock: 0 }, setup: [], why: 'out_of_stock' },
    { name: 'gold only', reward: { eligibleTiers: ['gold'] }, setup: [], why: 'tier_not_eligible' },
    { name: 'normal or gold', reward: { eligibleTiers: ['normal', 'gold'] }, setup: [], why: null },
    { name: 'too dear', reward: { pricePoints: 151 }, setup: [], why: 'not_enough_points' },
  ];
  test.each(availability)('listing for a member: $name', async ({ reward: fields, setup, why }) => {
    const memberId = await fundedMember(api, [150]);
    const reward = await liveReward(api, { ...LOUNGE, ...fields });
    for (const patch of setup) await api.call('PATCH', `/v1/rewards/${reward.id}`, patch);
    const listed = await api.call('GET', `/v1/rewards?memberId=${memberId}&limit=200`);
    expect(listed.status).toBe(200);
    const row = listed.body.data.find((item: { id: string }) => item.id === reward.id);
    expect(row.forMember.redeemable).toBe(why === null);
    expect(row.forMember.why?.reason ?? null).toBe(why);
    if (why) {
      expect(row.forMember.why.message['zh-CN']).toMatch(/\p{Script=Han}/u);
      // Redeeming refuses with the code the listing named.
      const reply = await redeem(api, { memberId, rewardId: reward.id });
      expect(reply.body.code).toBe(row.forMember.why.code);
    }
  });

  test('the listing counts only points the member can spend: not those past expiry awaiting the sweep', async () => {
    const soon = new Date(api.clock.now().getTime() + 3_600_000).toISOString();
    const memberId = await fundedMember(api, [{ points: 500, expiresAt: soon }, 60]);
    const reward = await liveReward(api, LOUNGE);
    api.clock.advance(2 * 3_600_000);
    const listed = await api.call('GET', `/v1/rewards?memberId=${memberId}&limit=200`);
    const row = listed.body.data.find((item: { id: string }) => item.id === reward.id);
    expect(row.forMember.why).toMatchObject({ code: 'insufficient_points', reason: 'not_enough_points' });
    expect((await redeem(api, { memberId, rewardId: reward.id })).body.code).toBe('insufficient_points');
  });

  test('limits per day and lifetime are shown once reached', async () => {
    const memberId = await fundedMember(api, [1000]);
    const reward = await liveReward(api, { ...LOUNGE, limits: { perDay: 1, lifetime: 3 } });
    expect((await redeem(api, { memberId, rewardId: reward.id })).status).toBe(201);
    const listed = await api.call(
      'GET',
      `/v1/rewards?memberId=${memberId}&status=live&type=privilege&limit=200`,
    );
    const row = listed.body.data.find((item: { id: string }) => item.id === reward.id);
    expect(row.forMember.why).toMatchObject({ code: 'redemption_limit_reached', reason: 'limit_reached' });
    expect(listed.body.data.every((item: { status: string }) => item.status === 'live')).toBe(true);
  });

  test('filters by status and type, and pages with a cursor', async () => {
    const page = await api.call('GET', '/v1/rewards?type=coupon&limit=1');
    expect(page.body.data).toHaveLength(1);
    expect(page.body.data[0].type).toBe('coupon');
    const drafts = await api.call('GET', '/v1/rewards?status=draft&limit=200');
    expect(drafts.body.data.every((item: { status: string }) => item.status === 'draft')).toBe(true);
    expect((await api.call('GET', '/v1/rewards?memberId=nobody')).body.code).toBe('member_not_found');
  });
});

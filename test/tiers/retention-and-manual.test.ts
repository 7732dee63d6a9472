import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';
import { grow } from './tier-kit.ts';
import { historyLines, historyOf, join, local, programWith, sweep, tiersOf } from './tier-scenario-kit.ts';

/**
 * 用积分保级 (keeping a tier by spending points, once per evaluation) and an operator's manual
 * assignment, which lasts until its end date and is then undone by the sweep (never a silent floor).
 */

const available = async (api: TestApi, memberId: string) =>
  (await api.call('GET', `/v1/members/${memberId}`)).body.balances.available as number;

describe.each(ENGINES)('retention with points (%s)', (engine) => {
  let api: TestApi;
  let program: TestApi;
  beforeAll(async () => {
    // Gold in 2026 (5,000 growth and points), kept at the 2027-01-01 evaluation; 1,000 in 2027.
    api = await openTestApi(engine, local('2026-03-01T10:00'));
    program = await programWith(api);
    for (const memberId of ['keep', 'poor', 'silver', 'normal', 'replay']) await join(program, memberId);
    for (const memberId of ['keep', 'poor', 'replay']) await grow(program, memberId, 5000);
    await grow(program, 'silver', 1000);
    api.clock.set(local('2027-01-01T00:30'));
    await sweep(api);
    api.clock.set(local('2027-03-01T10:00'));
    for (const memberId of ['keep', 'poor', 'replay']) await grow(program, memberId, 1000);
  });
  afterAll(async () => api?.close());

  test('spends retainWithPoints, keeps gold at the evaluation, and only once', async () => {
    expect((await tiersOf(program, 'keep')).view.projectedTier.tier.code).toBe('silver');
    const retained = await program.call('POST', '/v1/members/keep/tier/retention');
    expect(retained.status, JSON.stringify(retained.body)).toBe(201);
    expect(retained.body).toMatchObject({
      evaluation: '2028-01-01',
      entry: { memberId: 'keep', points: -2000 },
    });
    expect(await available(program, 'keep')).toBe(4000);
    expect((await tiersOf(program, 'keep')).view).toMatchObject({
      retainedWithPoints: true,
      projectedTier: { tier: { code: 'gold' }, growthInWindow: 1000 },
    });

    const again = await program.call('POST', '/v1/members/keep/tier/retention');
    expect(again.body).toMatchObject({
      status: 409,
      code: 'tier_retention_unavailable',
      evaluation: '2028-01-01',
    });
    expect(await available(program, 'keep')).toBe(4000);

    api.clock.set(local('2028-01-01T00:30'));
    await sweep(api);
    expect(await historyLines(program, 'keep')).toEqual([
      'upgrade normal→gold',
      'retained gold→gold @2027-01-01',
      'retained_with_points gold→gold @2028-01-01',
    ]);
    expect((await historyOf(program, 'keep')).at(-1)!.reason.en).toBe('Evaluation: Gold kept with points');
    // The points kept gold for one evaluation: the next one is judged on growth again.
    expect((await tiersOf(program, 'keep')).view).toMatchObject({
      tier: { code: 'gold' },
      retainedWithPoints: false,
      nextEvaluationAt: new Date(local('2029-01-01T00:00')).toISOString(),
      projectedTier: { tier: { code: 'silver' } },
    });
    // Not kept with points, the others with 1,000 growth in 2027 went down one step.
    expect((await tiersOf(program, 'poor')).tier).toBe('silver');
  });

  test('the retention can be paid again for the next evaluation', async () => {
    const retained = await program.call('POST', '/v1/members/keep/tier/retention');
    expect(retained.body).toMatchObject({ evaluation: '2029-01-01', entry: { points: -2000 } });
    expect(await available(program, 'keep')).toBe(2000);
  });

  test.each([
    { name: 'too few points', memberId: 'poor', spend: 4001, status: 422, code: 'insufficient_points' },
    {
      name: 'a tier without retainWithPoints',
      memberId: 'silver',
      spend: 0,
      status: 409,
      code: 'tier_retention_unavailable',
    },
    {
      name: 'the first tier (no evaluation ahead)',
      memberId: 'normal',
      spend: 0,
      status: 409,
      code: 'tier_retention_unavailable',
    },
    {
      name: 'a member who does not exist',
      memberId: 'nobody',
      spend: 0,
      status: 404,
      code: 'member_not_found',
    },
  ])('$name → $status $code, nothing spent', async ({ memberId, spend, status, code }) => {
    if (memberId === 'poor') {
      // Poor went down to silver at the last evaluation: gold again, then spends most points.
      await grow(program, 'poor', 5000);
      expect((await tiersOf(program, 'poor')).tier).toBe('gold');
    }
    if (spend > 0) {
      const left = (await available(program, memberId)) - 1999;
      expect(
        (await program.call('POST', `/v1/members/${memberId}/debits`, { points: left, reason: 'gift' }))
          .status,
      ).toBe(201);
    }
    const before = memberId === 'nobody' ? 0 : await available(program, memberId);
    const reply = await program.call('POST', `/v1/members/${memberId}/tier/retention`);
    expect(reply.body).toMatchObject({ status, code });
    if (memberId !== 'nobody') {
      expect(await available(program, memberId)).toBe(before);
      expect((await tiersOf(program, memberId)).view.retainedWithPoints).toBe(false);
    }
  });

  test('an Idempotency-Key replays the retention instead of paying twice', async () => {
    // Down to silver at the last evaluation like poor; gold again on 5,000 growth in 2028.
    await grow(program, 'replay', 5000);
    const headers = { 'idempotency-key': 'keep-replay-1' };
    const first = await program.call('POST', '/v1/members/replay/tier/retention', undefined, headers);
    const second = await program.call('POST', '/v1/members/replay/tier/retention', undefined, headers);
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.body).toEqual(first.body);
    expect(await available(program, 'replay')).toBe(5000 + 1000 + 5000 - 2000);
  });
});

describe.each(ENGINES)('manual assignment (%s)', (engine) => {
  let api: TestApi;
  let program: TestApi;
  const until = local('2026-04-01T00:00');
  beforeAll(async () => {
    api = await openTestApi(engine, local('2026-03-01T10:00'));
    program = await programWith(api);
    for (const memberId of ['vip', 'climber', 'demoted', 'bad']) await join(program, memberId);
    await grow(program, 'demoted', 5000);
  });
  afterAll(async () => api?.close());

  const assign = (memberId: string, tier: string, at = until, reason = 'VIP guest') =>
    program.call('PUT', `/v1/members/${memberId}/tier`, { tier, until: at, reason });

  test('an assignment is in force until its end, audited, and ends on its own', async () => {
    const assigned = await assign('vip', 'gold');
    expect(assigned.status, JSON.stringify(assigned.body)).toBe(200);
    expect(assigned.body).toMatchObject({
      tier: { code: 'gold' },
      earnedTier: 'normal',
      manual: { tier: 'gold', until: new Date(until).toISOString() },
    });
    expect((await program.call('GET', '/v1/members/vip')).body.tier).toBe('gold');
    const [row] = await historyOf(program, 'vip');
    expect(row).toMatchObject({ kind: 'manual', fromTier: 'normal', toTier: 'gold', period: null });
    expect(row!.actor).toEqual(expect.any(String));
    expect(row!.reason.en).toBe('Set to Gold by an operator until 2026-03-31 (VIP guest)');

    api.clock.set(new Date(new Date(until).getTime() - 1));
    expect((await tiersOf(program, 'vip')).tier).toBe('gold');
    await sweep(api);
    expect(await historyLines(program, 'vip')).toEqual(['manual normal→gold']);
    // At the end the member is back in the earned tier even before the sweep runs...
    api.clock.set(until);
    expect((await tiersOf(program, 'vip')).view).toMatchObject({ tier: { code: 'normal' }, manual: null });
    expect((await program.call('GET', '/v1/members/vip')).body.tier).toBe('normal');
    // ...and the sweep records it, once.
    expect((await sweep(api)).manualEnded).toBe(1);
    expect((await sweep(api)).manualEnded).toBe(0);
    expect(await historyLines(program, 'vip')).toEqual(['manual normal→gold', 'manual_ended gold→normal']);
  });

  test.each([
    {
      name: 'an end in the past',
      body: { tier: 'gold', until: '2020-01-01T00:00:00Z', reason: 'x' },
      status: 400,
      code: 'validation_failed',
    },
    {
      name: 'an unknown tier',
      body: { tier: 'platinum', until: '2099-01-01T00:00:00Z', reason: 'x' },
      status: 422,
      code: 'tier_not_found',
    },
    {
      name: 'no reason',
      body: { tier: 'gold', until: '2099-01-01T00:00:00Z' },
      status: 400,
      code: 'validation_failed',
    },
    {
      name: 'no end date',
      body: { tier: 'gold', reason: 'forever' },
      status: 400,
      code: 'validation_failed',
    },
  ])('$name → $status $code', async ({ body, status, code }) => {
    const reply = await program.call('PUT', '/v1/members/bad/tier', body);
    expect(reply.body).toMatchObject({ status, code });
    expect(await historyOf(program, 'bad')).toEqual([]);
  });

  test('an unknown member → 404 member_not_found', async () => {
    expect((await assign('ghost', 'gold', '2099-01-01T00:00:00Z')).body).toMatchObject({
      code: 'member_not_found',
    });
  });

  test('growth earned during an assignment counts: after it, the member has the tier they earned', async () => {
    const end = local('2026-05-01T00:00');
    await assign('climber', 'diamond', end);
    await grow(program, 'climber', 1200);
    expect(await tiersOf(program, 'climber')).toMatchObject({ tier: 'diamond', earned: 'silver' });
    api.clock.set(end);
    await sweep(api);
    expect(await tiersOf(program, 'climber')).toMatchObject({ tier: 'silver', earned: 'silver' });
    expect(await historyLines(program, 'climber')).toEqual([
      'manual normal→diamond',
      'upgrade normal→silver',
      'manual_ended diamond→silver',
    ]);
  });

  test('an assignment below the earned tier is in force too, and evaluations go on underneath', async () => {
    await assign('demoted', 'silver', local('2027-06-01T00:00'), 'abuse review');
    expect(await tiersOf(program, 'demoted')).toMatchObject({ tier: 'silver', earned: 'gold' });
    api.clock.set(local('2027-01-01T00:30'));
    await sweep(api);
    // Gold's 2026 growth (5,000) met retention: kept underneath the assignment.
    expect(await tiersOf(program, 'demoted')).toMatchObject({ tier: 'silver', earned: 'gold' });
    api.clock.set(local('2027-06-01T00:00'));
    await sweep(api);
    expect(await historyLines(program, 'demoted')).toEqual([
      'upgrade normal→gold',
      'manual gold→silver',
      'retained gold→gold @2027-01-01',
      'manual_ended silver→gold',
    ]);
  });
});

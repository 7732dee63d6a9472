import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';
import { growAt, historyLines, join, local, programWith, tiersOf } from './tier-scenario-kit.ts';

const MONTHLY = {
  window: { kind: 'rolling_months', months: 1 },
  evaluation: { kind: 'period_end', every: 'month' },
};

/**
 * An evaluation that has fallen due but that the sweep has not reached yet: nothing may be bought
 * or earned on the old tier after its instant, and a manual tier stays a temporary one.
 */
describe.each(ENGINES)('evaluations already due (%s)', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await openTestApi(engine, local('2026-03-01T10:00'));
  });
  afterAll(async () => api?.close());

  test('keeping a tier with points is refused once its evaluation has fallen due', async () => {
    const program = await programWith(api, MONTHLY);
    await join(program, 'late');
    await growAt(program, local('2026-03-01T10:00'), 'late', 6_000);
    api.clock.set(local('2026-04-01T08:00'));
    const retain = await program.call('POST', '/v1/members/late/tier/retention');
    expect(retain).toMatchObject({ status: 409, body: { code: 'tier_retention_unavailable' } });
  });

  test('points paid to keep silver do not keep gold reached later', async () => {
    const tiers = {
      ...MONTHLY,
      evaluation: { kind: 'period_end', every: 'quarter' },
      tiers: [
        { code: 'normal', name: { 'zh-CN': '普通', en: 'Member' }, entryGrowth: 0, retainGrowth: 0 },
        {
          code: 'silver',
          name: { 'zh-CN': '银卡', en: 'Silver' },
          entryGrowth: 1_000,
          retainGrowth: 800,
          benefits: { retainWithPoints: 10 },
        },
        { code: 'gold', name: { 'zh-CN': '金卡', en: 'Gold' }, entryGrowth: 5_000, retainGrowth: 4_000 },
      ],
    };
    const program = await programWith(api, tiers);
    await join(program, 'climber');
    await growAt(program, local('2026-04-05T10:00'), 'climber', 1_200);
    expect((await program.call('POST', '/v1/members/climber/tier/retention')).status).toBe(201);
    await growAt(program, local('2026-05-01T10:00'), 'climber', 4_000);
    expect((await tiersOf(program, 'climber')).earned).toBe('gold');
    api.clock.set(local('2026-07-01T00:10'));
    const { runTierSweeps } = await import('../../src/tiers/tier-evaluation.ts');
    await runTierSweeps(api.db, api.clock);
    expect(await historyLines(program, 'climber')).toEqual([
      'upgrade normal→silver',
      'upgrade silver→gold',
      'downgrade gold→silver @2026-07-01',
    ]);
  });

  test('an order after a due evaluation earns at the tier the evaluation leaves', async () => {
    const tiers = {
      ...MONTHLY,
      tiers: [
        { code: 'normal', name: { 'zh-CN': '普通', en: 'Member' }, entryGrowth: 0, retainGrowth: 0 },
        {
          code: 'silver',
          name: { 'zh-CN': '银卡', en: 'Silver' },
          entryGrowth: 1_000,
          retainGrowth: 800,
          benefits: { earnMultiplier: 1.2 },
        },
        {
          code: 'gold',
          name: { 'zh-CN': '金卡', en: 'Gold' },
          entryGrowth: 5_000,
          retainGrowth: 4_000,
          benefits: { earnMultiplier: 1.5 },
        },
      ],
    };
    const program = await programWith(api, tiers);
    api.clock.set(local('2026-08-01T10:00'));
    const rule = await program.call('POST', '/v1/rules', {
      name: { 'zh-CN': '消费积分', en: 'Purchase points' },
      trigger: 'order.paid',
      reward: { kind: 'per_amount', points: 1, perAmountMinor: 100 },
    });
    await program.call('POST', `/v1/rules/${rule.body.id}/publish`);
    await join(program, 'gus');
    await growAt(program, local('2026-08-01T10:00'), 'gus', 6_000);
    // September brings no growth: the 10-01 evaluation drops gold one step, before this order counts.
    api.clock.set(local('2026-10-01T08:00'));
    const order = await program.call('POST', '/v1/events', {
      id: 'gus-o1',
      type: 'order.paid',
      memberId: 'gus',
      attributes: { orderId: 'gus-o1', amountMinor: 10_000 },
    });
    expect(order.body.points).toBe(120);
    expect(order.body.awards[0].multipliedBy).toEqual([expect.objectContaining({ ruleId: 'tier:silver' })]);
  });

  test('a manual tier is never a permanent floor: at most five years', async () => {
    const program = await programWith(api, MONTHLY);
    await join(program, 'vip');
    const reply = await program.call('PUT', '/v1/members/vip/tier', {
      tier: 'gold',
      until: '9999-12-31T00:00:00Z',
      reason: '补偿',
    });
    expect(reply).toMatchObject({ status: 400, body: { code: 'validation_failed' } });
  });
});

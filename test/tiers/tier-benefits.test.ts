import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { name, paid, perYuan, publish, refunded, send } from '../events/event-test-kit.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';
import { grow, TIERS } from './tier-kit.ts';
import { join, local, programWith, sweep } from './tier-scenario-kit.ts';

/**
 * Tier benefits as rules: a tier's earnMultiplier multiplies the points (not the growth) other
 * rules award, recorded as the multiplier `tier:<code>` at the configuration version, and rule
 * conditions read `member.tier` (the tier in force, an operator's assignment included).
 */

const multipliers = [
  { name: 'normal (no multiplier)', growth: 0, manual: null, tier: 'normal', points: 100, by: [] },
  {
    name: 'silver ×1.2',
    growth: 1000,
    manual: null,
    tier: 'silver',
    points: 120,
    by: [{ ruleId: 'tier:silver', version: 1, factor: 1.2 }],
  },
  {
    name: 'gold ×1.5',
    growth: 5000,
    manual: null,
    tier: 'gold',
    points: 150,
    by: [{ ruleId: 'tier:gold', version: 1, factor: 1.5 }],
  },
  {
    name: 'diamond ×2',
    growth: 20_000,
    manual: null,
    tier: 'diamond',
    points: 200,
    by: [{ ruleId: 'tier:diamond', version: 1, factor: 2 }],
  },
  {
    name: 'gold by assignment',
    growth: 0,
    manual: 'gold',
    tier: 'gold',
    points: 150,
    by: [{ ruleId: 'tier:gold', version: 1, factor: 1.5 }],
  },
  {
    name: 'silver by assignment over earned gold',
    growth: 5000,
    manual: 'silver',
    tier: 'silver',
    points: 120,
    by: [{ ruleId: 'tier:silver', version: 1, factor: 1.2 }],
  },
].map((scenario, index) => ({ ...scenario, memberId: `mx-${index}` }));

const goldBonus = {
  name: name('金卡以上专享', 'Gold and above bonus'),
  trigger: 'order.paid',
  condition: { field: 'member.tier', op: 'in', value: ['gold', 'diamond'] },
  reward: { kind: 'fixed', points: 88 },
};
const welcome = {
  name: name('普通会员欢迎', 'Welcome'),
  trigger: 'member.checked_in',
  condition: { field: 'member.tier', op: 'eq', value: 'normal' },
  reward: { kind: 'fixed', points: 5 },
};

describe.each(ENGINES)('tier benefits (%s)', (engine) => {
  let api: TestApi;
  let program: TestApi;
  let perYuanId: string;
  beforeAll(async () => {
    api = await openTestApi(engine, local('2026-03-01T10:00'));
    program = await programWith(api);
    perYuanId = await publish(program, perYuan);
  });
  afterAll(async () => api?.close());

  test.each(multipliers)('$name: ¥100 earns $points points and 100 growth', async (scenario) => {
    await join(program, scenario.memberId);
    if (scenario.growth > 0) await grow(program, scenario.memberId, scenario.growth);
    if (scenario.manual) {
      const until = '2026-12-01T00:00:00Z';
      const put = await program.call('PUT', `/v1/members/${scenario.memberId}/tier`, {
        tier: scenario.manual,
        until,
        reason: 'test',
      });
      expect(put.status).toBe(200);
    }
    expect((await program.call('GET', `/v1/members/${scenario.memberId}`)).body.tier).toBe(scenario.tier);
    const outcome = await send(
      program,
      paid(`${scenario.memberId}-p`, scenario.memberId, `${scenario.memberId}-o`, 10_000),
    );
    expect(outcome).toMatchObject({ points: scenario.points, growth: 100 });
    expect(outcome.awards).toHaveLength(1);
    expect(outcome.awards[0]).toMatchObject({ ruleId: perYuanId, points: scenario.points, growth: 100 });
    expect(outcome.awards[0].multipliedBy).toEqual(scenario.by);
  });

  test('the award says so: "金卡 1.5 倍"; a refund takes the multiplied points back', async () => {
    await join(program, 'say');
    await grow(program, 'say', 5000);
    const outcome = await send(program, paid('say-p', 'say', 'say-o', 12_800));
    expect(outcome.awards[0].reason).toEqual({
      'zh-CN': '消费 ¥128.00,每 1 元积 1 分,金卡 1.5 倍',
      en: 'Spent ¥128.00: 1 point per ¥1, Gold ×1.5',
    });
    const refund = await send(program, refunded('say-r', 'say', 'say-o'));
    expect(refund).toMatchObject({ points: -192, growth: -128 });
  });

  test('a tier multiplier stacks with an operator multiplier', async () => {
    const app = await programWith(api);
    const base = await publish(app, perYuan);
    const double = await publish(app, {
      name: name('App 双倍', 'App double'),
      trigger: 'order.paid',
      condition: { field: 'event.channel', op: 'eq', value: 'app' },
      reward: { kind: 'multiplier', factor: 2 },
    });
    await join(app, 'stack');
    await grow(app, 'stack', 5000);
    const outcome = await send(app, paid('stack-p', 'stack', 'stack-o', 10_000, { channel: 'app' }));
    expect(outcome).toMatchObject({ points: 300, growth: 100 });
    expect(outcome.awards[0].ruleId).toBe(base);
    expect(outcome.awards[0].multipliedBy).toEqual(
      expect.arrayContaining([
        { ruleId: 'tier:gold', version: 1, factor: 1.5 },
        { ruleId: double, version: 1, factor: 2 },
      ]),
    );
  });

  test('a new configuration version changes the multiplier and the version recorded', async () => {
    const changed = await programWith(api);
    await publish(changed, perYuan);
    await join(changed, 'v2');
    await grow(changed, 'v2', 5000);
    const tiers = TIERS.tiers.map((tier) =>
      tier.code === 'gold' ? { ...tier, benefits: { ...tier.benefits, earnMultiplier: 1.8 } } : tier,
    );
    expect((await changed.call('PUT', '/v1/tiers', { ...TIERS, tiers })).body.version).toBe(2);
    const outcome = await send(changed, paid('v2-p', 'v2', 'v2-o', 10_000));
    expect(outcome.points).toBe(180);
    expect(outcome.awards[0].multipliedBy).toEqual([{ ruleId: 'tier:gold', version: 2, factor: 1.8 }]);
  });

  test('rule conditions read member.tier: the tier in force, from the first event on', async () => {
    const rules = await programWith(api);
    const bonus = await publish(rules, goldBonus);
    const greeting = await publish(rules, welcome);
    await publish(rules, perYuan);
    // A member the event itself creates is in the first tier.
    const first = await send(rules, {
      id: 'new-1',
      type: 'member.checked_in',
      memberId: 'newbie',
      attributes: {},
    });
    expect(first).toMatchObject({ points: 5, awards: [{ ruleId: greeting }] });

    await join(rules, 'g');
    await grow(rules, 'g', 5000);
    const gold = await send(rules, paid('g-p', 'g', 'g-o', 10_000));
    expect(gold.awards.map((award: { ruleId: string }) => award.ruleId)).toContain(bonus);
    // The bonus is multiplied like any other award: 88 × 1.5 + 100 × 1.5.
    expect(gold.points).toBe(132 + 150);

    await join(rules, 's');
    await grow(rules, 's', 1000);
    const silver = await send(rules, paid('s-p', 's', 's-o', 10_000));
    expect(silver.points).toBe(120);
    expect(silver.misses.map((miss: { ruleId: string }) => miss.ruleId)).toContain(bonus);

    // Gold by assignment qualifies while it lasts, and no longer once it ends.
    const until = local('2026-03-02T00:00');
    await rules.call('PUT', '/v1/members/s/tier', { tier: 'gold', until, reason: 'campaign' });
    expect((await send(rules, paid('s-p2', 's', 's-o2', 10_000))).points).toBe(132 + 150);
    api.clock.set(until);
    await sweep(api);
    expect((await send(rules, paid('s-p3', 's', 's-o3', 10_000))).points).toBe(120);
  });

  test('a preview judges member.tier as intake does: the first tier for a member who never left it', async () => {
    const rules = await programWith(api);
    const greeting = await publish(rules, welcome);
    const bonus = await publish(rules, goldBonus);
    await join(rules, 'fresh');
    const checkIn = { type: 'member.checked_in', memberId: 'fresh', attributes: {} };
    const preview = await rules.call('POST', '/v1/rules/preview', { event: checkIn });
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    expect(preview.body).toMatchObject({ memberKnown: true, awards: [{ ruleId: greeting, points: 5 }] });
    await grow(rules, 'fresh', 5000);
    const order = {
      type: 'order.paid',
      memberId: 'fresh',
      attributes: { orderId: 'pv-1', amountMinor: 100 },
    };
    const asGold = await rules.call('POST', '/v1/rules/preview', { event: order });
    expect(asGold.body.awards.map((award: { ruleId: string }) => award.ruleId)).toContain(bonus);
  });
});

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';
import { grow } from './tier-kit.ts';
import { historyLines, join, local, programWith, sweep, tiersOf } from './tier-scenario-kit.ts';

/**
 * Evaluations (SPEC §3.3): downgrades only at evaluation time, one step or straight to the highest
 * tier whose retention is met; once per member and period however often the sweep runs; periods
 * missed while no sweep ran are caught up in order; and the member view's projection.
 */

type Downgrade = 'one_step' | 'to_qualified';
interface Scenario {
  downgrade: Downgrade;
  /** Growth in 2026 (the tier reached, kept at the 2027-01-01 evaluation) and in 2027. */
  reached: number;
  later: number;
  tier: string;
  history: string[];
}

const START = { normal: 0, silver: 1000, gold: 5000, diamond: 20_000 } as const;
const reached = (tier: keyof typeof START, growth: number, to: string, last: string) => ({
  reached: START[tier],
  later: growth,
  tier: to,
  history: [`upgrade normal→${tier}`, `retained ${tier}→${tier} @2027-01-01`, last],
});
const kept = (tier: keyof typeof START, growth: number) =>
  reached(tier, growth, tier, `retained ${tier}→${tier} @2028-01-01`);
const down = (tier: keyof typeof START, growth: number, to: string) =>
  reached(tier, growth, to, `downgrade ${tier}→${to} @2028-01-01`);

const scenarios: Scenario[] = [
  ...[
    kept('diamond', 16_000),
    down('diamond', 15_999, 'gold'),
    down('diamond', 0, 'gold'),
    kept('gold', 4000),
    down('gold', 3999, 'silver'),
    down('gold', 0, 'silver'),
    kept('silver', 800),
    down('silver', 799, 'normal'),
    {
      ...reached('gold', 20_000, 'diamond', 'upgrade gold→diamond'),
      history: [
        'upgrade normal→gold',
        'retained gold→gold @2027-01-01',
        'upgrade gold→diamond',
        'retained diamond→diamond @2028-01-01',
      ],
    },
  ].map((scenario) => ({ ...scenario, downgrade: 'one_step' as const })),
  ...[
    down('diamond', 0, 'normal'),
    down('diamond', 799, 'normal'),
    down('diamond', 800, 'silver'),
    down('diamond', 4000, 'gold'),
    down('diamond', 15_999, 'gold'),
    kept('diamond', 16_000),
    down('gold', 3999, 'silver'),
    down('gold', 799, 'normal'),
    down('silver', 799, 'normal'),
  ].map((scenario) => ({ ...scenario, downgrade: 'to_qualified' as const })),
];

describe.each(ENGINES)('evaluations (%s)', (engine) => {
  let api: TestApi;
  const programs = new Map<Downgrade, TestApi>();
  const memberOf = (index: number) => `ev-${index}`;

  beforeAll(async () => {
    api = await openTestApi(engine, local('2026-03-01T10:00'));
    for (const downgrade of ['one_step', 'to_qualified'] as const) {
      programs.set(downgrade, await programWith(api, { downgrade }));
    }
    for (const [index, scenario] of scenarios.entries()) {
      const program = programs.get(scenario.downgrade)!;
      await join(program, memberOf(index));
      await grow(program, memberOf(index), scenario.reached);
    }
    api.clock.set(local('2027-01-01T00:30'));
    await sweep(api);
    api.clock.set(local('2027-03-01T10:00'));
    for (const [index, scenario] of scenarios.entries()) {
      if (scenario.later > 0) await grow(programs.get(scenario.downgrade)!, memberOf(index), scenario.later);
    }
    api.clock.set(local('2028-01-01T00:30'));
    await sweep(api);
  });
  afterAll(async () => api?.close());

  test.each(scenarios.map((scenario, index) => ({ ...scenario, index })))(
    '$downgrade: $history.0, then $later growth in 2027 → $tier',
    async (scenario) => {
      const program = programs.get(scenario.downgrade)!;
      const memberId = memberOf(scenario.index);
      const { tier, view } = await tiersOf(program, memberId);
      expect(tier).toBe(scenario.tier);
      expect(await historyLines(program, memberId)).toEqual(scenario.history);
      // The first tier has nothing to lose: no evaluation ahead.
      expect(view.nextEvaluationAt).toBe(
        scenario.tier === 'normal' ? null : new Date(local('2029-01-01T00:00')).toISOString(),
      );
    },
  );

  test('an evaluation row names the period, the growth judged and why', async () => {
    const program = programs.get('one_step')!;
    const index = scenarios.findIndex(
      (s) => s.downgrade === 'one_step' && s.reached === 5000 && s.later === 3999,
    );
    const [row] = (await program.call('GET', `/v1/members/${memberOf(index)}/tier-history`)).body.data;
    expect(row).toMatchObject({
      kind: 'downgrade',
      period: '2028-01-01',
      growthInWindow: 3999,
      configVersion: 1,
      reason: {
        'zh-CN': '定级:成长值 3,999 未达金卡保级门槛 4,000,降为银卡',
        en: "Evaluation: growth 3,999 below Gold's retention (4,000): now Silver",
      },
    });
  });

  test('sweeping again, at once or later in the period, evaluates no one twice', async () => {
    const before = await api.db.query<{ rows: number }>('select count(*)::int as rows from tier_history');
    expect((await sweep(api)).evaluated).toBe(0);
    api.clock.set(local('2028-06-01T10:00'));
    expect((await sweep(api)).evaluated).toBe(0);
    expect(await api.db.query<{ rows: number }>('select count(*)::int as rows from tier_history')).toEqual(
      before,
    );
    const twice = await api.db.query(
      `select member_key, period from tier_history where period is not null
        group by program_id, member_key, period having count(*) > 1`,
    );
    expect(twice).toEqual([]);
  });

  test('periods missed while no sweep ran are evaluated in order, each on its own window', async () => {
    const program = await programWith(api);
    await join(program, 'late');
    api.clock.set(local('2028-06-01T10:00'));
    await grow(program, 'late', 20_000);
    api.clock.set(local('2031-06-01T10:00'));
    await sweep(program);
    expect(await historyLines(program, 'late')).toEqual([
      'upgrade normal→diamond',
      'retained diamond→diamond @2029-01-01',
      'downgrade diamond→gold @2030-01-01',
      'downgrade gold→silver @2031-01-01',
    ]);
    expect((await tiersOf(program, 'late')).view.nextEvaluationAt).toBe(
      new Date(local('2032-01-01T00:00')).toISOString(),
    );
  });

  test('growth earned after an evaluation instant, before the sweep got to it, still counts', async () => {
    // Silver in 2032 (two credits of 600), one reversed: 600 in 2032, below retention (800).
    const program = await programWith(api);
    await join(program, 'nye');
    api.clock.set(local('2032-03-01T10:00'));
    await grow(program, 'nye', 600);
    const second = await grow(program, 'nye', 600);
    const growthEntry = second.entries.find((entry: { type: string }) => entry.type === 'growth');
    expect((await program.call('POST', `/v1/entries/${growthEntry.id}/reversal`, {})).status).toBe(201);
    // Ten minutes into 2033, before the sweep runs, the member earns 1,500 in the new window.
    api.clock.set(local('2033-01-01T00:10'));
    await grow(program, 'nye', 1500);
    await sweep(program);
    // The 2032 evaluation may drop silver, but 1,500 in 2033 is above silver's entry.
    expect((await tiersOf(program, 'nye')).tier).toBe('silver');
  });

  test('projection: growth in the window, what the next tier needs, the tier the next evaluation gives', async () => {
    const oneStep = await programWith(api);
    const toQualified = await programWith(api, { downgrade: 'to_qualified' });
    api.clock.set(local('2034-03-01T10:00'));
    for (const program of [oneStep, toQualified]) {
      await join(program, 'pj');
      await grow(program, 'pj', 6000);
    }
    expect((await tiersOf(oneStep, 'pj')).view).toMatchObject({
      tier: { code: 'gold' },
      growthInWindow: 6000,
      window: { from: new Date(local('2034-01-01T00:00')).toISOString() },
      nextTier: { code: 'diamond', entryGrowth: 20_000, growthNeeded: 14_000 },
      nextEvaluationAt: new Date(local('2035-01-01T00:00')).toISOString(),
      projectedTier: { tier: { code: 'gold' }, growthInWindow: 6000 },
      retainedWithPoints: false,
    });
    api.clock.set(local('2035-01-01T00:30'));
    await sweep(api);
    api.clock.set(local('2035-02-01T10:00'));
    for (const program of [oneStep, toQualified]) await grow(program, 'pj', 500);
    const projected = async (program: TestApi) => (await tiersOf(program, 'pj')).view;
    expect(await projected(oneStep)).toMatchObject({
      tier: { code: 'gold' },
      growthInWindow: 500,
      nextTier: { code: 'diamond', growthNeeded: 19_500 },
      projectedTier: { tier: { code: 'silver' }, growthInWindow: 500 },
    });
    expect((await projected(toQualified)).projectedTier.tier.code).toBe('normal');

    await join(oneStep, 'pj-normal');
    await grow(oneStep, 'pj-normal', 300);
    expect((await tiersOf(oneStep, 'pj-normal')).view).toMatchObject({
      tier: { code: 'normal' },
      nextTier: { code: 'silver', growthNeeded: 700 },
      nextEvaluationAt: null,
      projectedTier: null,
    });
    await join(oneStep, 'pj-diamond');
    await grow(oneStep, 'pj-diamond', 30_000);
    expect((await tiersOf(oneStep, 'pj-diamond')).view).toMatchObject({
      nextTier: null,
      projectedTier: { tier: { code: 'diamond' } },
    });
  });
});

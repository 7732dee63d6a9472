import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';
import { growAt, historyLines, join, local, programWith, sweep, tiersOf } from './tier-scenario-kit.ts';

/**
 * Qualification windows and evaluation schedules in the program's timezone (Asia/Shanghai unless
 * a scenario says otherwise): calendar-year windows turn at local midnight on New Year's Day,
 * rolling windows reach back N months from now, and evaluations fall at local midnight.
 */

const CALENDAR = { window: { kind: 'calendar_year' } };
const rolling = (months: number) => ({ window: { kind: 'rolling_months', months } });

interface WindowScenario {
  name: string;
  config?: object;
  timezone?: string;
  /** Two credits, [local wall-clock time or instant ending in Z, growth]; 900 + 200 or 600 + 500. */
  credits: [string, number][];
  tier: string;
  growthInWindow: number;
}

const scenarios: WindowScenario[] = [
  {
    name: 'the last and the first millisecond of a local year are in different windows',
    credits: [
      ['2030-12-31T23:59:59.999', 900],
      ['2031-01-01T00:00:00.001', 200],
    ],
    tier: 'normal',
    growthInWindow: 200,
  },
  {
    name: "local midnight on New Year's Day starts the new window",
    credits: [
      ['2031-12-31T23:59', 900],
      ['2032-01-01T00:00', 200],
    ],
    tier: 'normal',
    growthInWindow: 200,
  },
  {
    name: 'one local year across two UTC years',
    credits: [
      ['2033-01-01T00:30', 900],
      ['2033-01-01T07:59', 200],
    ],
    tier: 'silver',
    growthInWindow: 1100,
  },
  {
    name: 'UTC midnight is no boundary in Shanghai',
    credits: [
      ['2033-12-31T12:00:00Z', 900],
      ['2033-12-31T15:59:59Z', 200],
    ],
    tier: 'silver',
    growthInWindow: 1100,
  },
  {
    name: 'the same instants in Shanghai: 16:00Z is already next year',
    credits: [
      ['2034-12-31T15:00:00Z', 900],
      ['2034-12-31T17:00:00Z', 200],
    ],
    tier: 'normal',
    growthInWindow: 200,
  },
  {
    name: 'the same instants in a UTC program: one year',
    timezone: 'UTC',
    credits: [
      ['2035-12-31T15:00:00Z', 900],
      ['2035-12-31T17:00:00Z', 200],
    ],
    tier: 'silver',
    growthInWindow: 1100,
  },
  {
    name: 'New York: the year turns at 05:00Z',
    timezone: 'America/New_York',
    credits: [
      ['2037-01-01T04:30:00Z', 900],
      ['2037-01-01T05:30:00Z', 200],
    ],
    tier: 'normal',
    growthInWindow: 200,
  },
  {
    name: 'rolling 12 months: eleven months apart',
    config: rolling(12),
    credits: [
      ['2038-03-01T10:00', 600],
      ['2039-02-28T10:00', 500],
    ],
    tier: 'silver',
    growthInWindow: 1100,
  },
  {
    name: 'rolling 12 months: exactly twelve months apart (the start is inside)',
    config: rolling(12),
    credits: [
      ['2039-03-01T10:00', 600],
      ['2040-03-01T10:00', 500],
    ],
    tier: 'silver',
    growthInWindow: 1100,
  },
  {
    name: 'rolling 12 months: twelve months and a millisecond apart',
    config: rolling(12),
    credits: [
      ['2040-03-01T10:00', 600],
      ['2041-03-01T10:00:00.001', 500],
    ],
    tier: 'normal',
    growthInWindow: 500,
  },
  {
    name: 'rolling 1 month at a month end: 28 Feb reaches back to 28 Jan',
    config: rolling(1),
    credits: [
      ['2042-01-31T10:00', 600],
      ['2042-02-28T10:00', 500],
    ],
    tier: 'silver',
    growthInWindow: 1100,
  },
  // The same two credits (15 Nov, 1 Feb) under three windows.
  ...[
    { config: CALENDAR, tier: 'normal', growthInWindow: 500 },
    { config: rolling(3), tier: 'silver', growthInWindow: 1100 },
    { config: rolling(2), tier: 'normal', growthInWindow: 500 },
  ].map(
    (variant, i): WindowScenario => ({
      name: `15 Nov + 1 Feb under ${JSON.stringify(variant.config.window)}`,
      credits: [
        [`${2043 + i}-11-15T10:00`, 600],
        [`${2044 + i}-02-01T10:00`, 500],
      ],
      ...variant,
    }),
  ),
];

const at = (time: string, timezone: string) => (time.endsWith('Z') ? time : local(time, timezone));

const schedules = [
  {
    name: 'yearly',
    evaluation: { kind: 'period_end', every: 'year' },
    upgrade: '2030-05-20T10:00',
    next: '2031-01-01T00:00',
  },
  {
    name: 'quarterly',
    evaluation: { kind: 'period_end', every: 'quarter' },
    upgrade: '2031-05-20T10:00',
    next: '2031-07-01T00:00',
  },
  {
    name: 'monthly',
    evaluation: { kind: 'period_end', every: 'month' },
    upgrade: '2032-05-20T10:00',
    next: '2032-06-01T00:00',
  },
  {
    name: 'quarterly, upgraded at the first instant of a quarter',
    evaluation: { kind: 'period_end', every: 'quarter' },
    upgrade: '2033-07-01T00:00',
    next: '2033-10-01T00:00',
  },
  {
    name: 'anniversary',
    evaluation: { kind: 'anniversary' },
    upgrade: '2034-05-20T10:00',
    next: '2035-05-20T00:00',
  },
  {
    name: 'anniversary of 29 February',
    evaluation: { kind: 'anniversary' },
    upgrade: '2036-02-29T10:00',
    next: '2037-02-28T00:00',
  },
].map((scenario, index) => ({ ...scenario, index }));

describe.each(ENGINES)('windows and schedules (%s)', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await openTestApi(engine, '2030-01-01T00:00:00Z');
  });
  afterAll(async () => api?.close());

  test.each(scenarios.map((scenario, index) => ({ ...scenario, index })))(
    '$name → $tier',
    async (scenario) => {
      const timezone = scenario.timezone ?? 'Asia/Shanghai';
      const program = await programWith(api, scenario.config ?? {}, scenario.timezone ? { timezone } : {});
      const memberId = `w-${scenario.index}`;
      await join(program, memberId);
      for (const [time, growth] of scenario.credits)
        await growAt(program, at(time, timezone), memberId, growth);
      const { tier, view } = await tiersOf(program, memberId);
      expect({ tier, growthInWindow: view.growthInWindow }).toEqual({
        tier: scenario.tier,
        growthInWindow: scenario.growthInWindow,
      });
    },
  );

  test.each(schedules)('$name: upgraded at $upgrade, next evaluation at $next (local)', async (scenario) => {
    const program = await programWith(api, { evaluation: scenario.evaluation, ...rolling(12) });
    const memberId = `s-${scenario.index}`;
    await join(program, memberId);
    await growAt(program, local(scenario.upgrade), memberId, 1000);
    expect((await tiersOf(program, memberId)).view).toMatchObject({
      tier: { code: 'silver' },
      nextEvaluationAt: new Date(local(scenario.next)).toISOString(),
    });
  });

  test('anniversary: evaluated on the anniversary on the rolling window, then a year later', async () => {
    const program = await programWith(api, { evaluation: { kind: 'anniversary' }, ...rolling(12) });
    await join(program, 'ann');
    await growAt(program, local('2040-04-10T10:00'), 'ann', 1000);
    await growAt(program, local('2040-08-10T10:00'), 'ann', 200);
    api.clock.set(local('2041-04-09T23:59'));
    await sweep(program);
    expect(await historyLines(program, 'ann')).toEqual(['upgrade normal→silver']);
    api.clock.set(local('2041-04-10T00:01'));
    await sweep(program);
    // Evaluated on growth in [2040-04-10, 2041-04-10): 1,200, above silver's retention.
    const [row] = (await program.call('GET', '/v1/members/ann/tier-history')).body.data;
    expect(row).toMatchObject({ kind: 'retained', period: '2041-04-10', growthInWindow: 1200 });
    expect((await tiersOf(program, 'ann')).view.nextEvaluationAt).toBe(
      new Date(local('2042-04-10T00:00')).toISOString(),
    );
    // A year on, only the August growth is in the window (200 < 800): down to normal.
    api.clock.set(local('2042-04-10T00:01'));
    await sweep(program);
    expect(await historyLines(program, 'ann')).toEqual([
      'upgrade normal→silver',
      'retained silver→silver @2041-04-10',
      'downgrade silver→normal @2042-04-10',
    ]);
  });

  test('anniversary: evaluations stay a year apart after an upgrade between them', async () => {
    // Silver in March, gold in September; evaluated (and kept) the next March.
    const program = await programWith(api, { evaluation: { kind: 'anniversary' }, ...rolling(12) });
    await join(program, 'two');
    await growAt(program, local('2044-03-01T10:00'), 'two', 1000);
    await growAt(program, local('2044-09-01T10:00'), 'two', 4000);
    const evaluatedAt = (await tiersOf(program, 'two')).view.nextEvaluationAt;
    api.clock.set(new Date(new Date(evaluatedAt).getTime() + 60_000));
    await sweep(program);
    const { view } = await tiersOf(program, 'two');
    expect(view.tier.code).toBe('gold');
    const yearAfter = new Date(evaluatedAt);
    yearAfter.setUTCFullYear(yearAfter.getUTCFullYear() + 1);
    expect(view.nextEvaluationAt).toBe(yearAfter.toISOString());
  });
});

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { paid, perYuan, publish, refunded, send } from '../events/event-test-kit.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';
import { grow } from './tier-kit.ts';
import { growAt, historyLines, join, local, programWith, sweep, tiersOf } from './tier-scenario-kit.ts';

/**
 * Upgrades happen in the transaction that earns the growth (credits, batches, events); a refund
 * undoes an upgrade only when the program says so (refundsCanDowngrade), and never below the tier
 * kept at the last evaluation. Otherwise the next evaluation judges the refunded growth.
 */

const upgrades = [
  { name: 'one short of silver', growth: [999], tier: 'normal', history: [] },
  { name: 'exactly silver', growth: [1000], tier: 'silver', history: ['upgrade normal→silver'] },
  { name: 'silver in two credits', growth: [600, 400], tier: 'silver', history: ['upgrade normal→silver'] },
  { name: 'straight to gold: one row', growth: [5000], tier: 'gold', history: ['upgrade normal→gold'] },
  {
    name: 'silver, then gold',
    growth: [1000, 3999, 1],
    tier: 'gold',
    history: ['upgrade normal→silver', 'upgrade silver→gold'],
  },
  { name: 'diamond', growth: [25_000], tier: 'diamond', history: ['upgrade normal→diamond'] },
].map((scenario, index) => ({ ...scenario, memberId: `up-${index}` }));

interface RefundScenario {
  name: string;
  refundsCanDowngrade: boolean;
  /** Orders paid (¥, 1 growth per ¥1) and refunded (¥, of the first order), in the first year. */
  paid: number[];
  refund: number;
  now: { tier: string; history: string[] };
  /** After the evaluation on New Year's Day. */
  evaluated: { tier: string; history: string[] };
}

const refunds: RefundScenario[] = [
  {
    name: 'part of silver refunded, still above retention',
    refundsCanDowngrade: false,
    paid: [1200],
    refund: 300,
    now: { tier: 'silver', history: ['upgrade normal→silver'] },
    evaluated: { tier: 'silver', history: ['upgrade normal→silver', 'retained silver→silver @Y+1-01-01'] },
  },
  {
    name: 'silver refunded in full',
    refundsCanDowngrade: false,
    paid: [1200],
    refund: 1200,
    now: { tier: 'silver', history: ['upgrade normal→silver'] },
    evaluated: { tier: 'normal', history: ['upgrade normal→silver', 'downgrade silver→normal @Y+1-01-01'] },
  },
  {
    name: 'gold refunded to silver growth: one step at evaluation',
    refundsCanDowngrade: false,
    paid: [6000],
    refund: 5000,
    now: { tier: 'gold', history: ['upgrade normal→gold'] },
    evaluated: { tier: 'silver', history: ['upgrade normal→gold', 'downgrade gold→silver @Y+1-01-01'] },
  },
  {
    name: 'silver refunded below entry, program undoes upgrades',
    refundsCanDowngrade: true,
    paid: [1200],
    refund: 300,
    now: { tier: 'normal', history: ['upgrade normal→silver', 'refund_downgrade silver→normal'] },
    evaluated: { tier: 'normal', history: ['upgrade normal→silver', 'refund_downgrade silver→normal'] },
  },
  {
    name: 'gold refunded into silver growth: back to silver at once',
    refundsCanDowngrade: true,
    paid: [6000],
    refund: 2000,
    now: { tier: 'silver', history: ['upgrade normal→gold', 'refund_downgrade gold→silver'] },
    evaluated: {
      tier: 'silver',
      history: ['upgrade normal→gold', 'refund_downgrade gold→silver', 'retained silver→silver @Y+1-01-01'],
    },
  },
  {
    name: 'a refund that leaves growth above entry changes nothing',
    refundsCanDowngrade: true,
    paid: [6000],
    refund: 1000,
    now: { tier: 'gold', history: ['upgrade normal→gold'] },
    evaluated: { tier: 'gold', history: ['upgrade normal→gold', 'retained gold→gold @Y+1-01-01'] },
  },
];

describe.each(ENGINES)('upgrades and refunds (%s)', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await openTestApi(engine);
  });
  afterAll(async () => api?.close());

  test.each(upgrades)('credits: $name → $tier', async ({ memberId, growth, tier, history }) => {
    const program = await programWith(api);
    await join(program, memberId);
    for (const amount of growth) await grow(program, memberId, amount);
    expect(await tiersOf(program, memberId)).toMatchObject({ tier, earned: tier });
    expect((await program.call('GET', `/v1/members/${memberId}`)).body.tier).toBe(tier);
    expect(await historyLines(program, memberId)).toEqual(history);
  });

  test('a member who never left the first tier has held it since joining, not since the read', async () => {
    const program = await programWith(api);
    await join(program, 'since-join', { joinedAt: '2025-06-01T00:00:00Z' });
    expect((await tiersOf(program, 'since-join')).view).toMatchObject({
      tier: { code: 'normal' },
      since: '2025-06-01T00:00:00.000Z',
    });
    await grow(program, 'since-join', 1000);
    expect((await tiersOf(program, 'since-join')).view).toMatchObject({
      tier: { code: 'silver' },
      since: api.clock.now().toISOString(),
    });
  });

  test('an upgrade row says why, with the growth and the configuration version', async () => {
    const program = await programWith(api);
    await join(program, 'why');
    await grow(program, 'why', 5200);
    const [row] = (await program.call('GET', '/v1/members/why/tier-history')).body.data;
    expect(row).toMatchObject({
      kind: 'upgrade',
      fromTier: 'normal',
      toTier: 'gold',
      growthInWindow: 5200,
      period: null,
      configVersion: 1,
      actor: null,
      reason: {
        'zh-CN': '成长值 5,200 达到金卡门槛 5,000,升级为金卡',
        en: 'Growth 5,200 reached Gold (5,000): upgraded',
      },
    });
  });

  test('batch credits upgrade every member they lift, in the same transaction, item by item as if sent alone', async () => {
    const program = await programWith(api);
    for (const memberId of ['b1', 'b2', 'b3']) await join(program, memberId);
    const batch = await program.call('POST', '/v1/credits/batch', {
      items: [
        { idempotencyKey: 'k1', memberId: 'b1', points: 1, growth: 1000, reason: 'order' },
        { idempotencyKey: 'k2', memberId: 'b2', points: 1, growth: 999, reason: 'order' },
        { idempotencyKey: 'k3', memberId: 'b3', points: 1, growth: 3000, reason: 'order' },
        { idempotencyKey: 'k4', memberId: 'b3', points: 1, growth: 3000, reason: 'order' },
      ],
    });
    expect(batch.body.results.map((result: { status: number }) => result.status)).toEqual([
      201, 201, 201, 201,
    ]);
    expect((await tiersOf(program, 'b1')).tier).toBe('silver');
    expect((await tiersOf(program, 'b2')).tier).toBe('normal');
    // 3,000 reaches silver, the next 3,000 gold: two upgrades, as two single credits would make.
    expect(await historyLines(program, 'b3')).toEqual(['upgrade normal→silver', 'upgrade silver→gold']);
  });

  test('an order that reaches gold upgrades with it; the next order earns the gold multiplier', async () => {
    const program = await programWith(api);
    await publish(program, perYuan);
    const first = await send(program, paid('gold-1', 'ord', 'ord-1', 520_000));
    expect(first).toMatchObject({ points: 5200, growth: 5200 });
    expect(first.awards[0].multipliedBy).toEqual([]);
    expect(await tiersOf(program, 'ord')).toMatchObject({ tier: 'gold' });
    const second = await send(program, paid('gold-2', 'ord', 'ord-2', 10_000));
    expect(second).toMatchObject({ points: 150, growth: 100 });
  });

  describe.each(refunds.map((scenario, index) => ({ ...scenario, index })))(
    'refund: $name (refundsCanDowngrade: $refundsCanDowngrade)',
    (scenario) => {
      const year = 2030 + scenario.index;
      const memberId = `rf-${scenario.index}`;
      const years = (lines: string[]) => lines.map((line) => line.replace('Y+1', String(year + 1)));
      let program: TestApi;
      beforeAll(async () => {
        api.clock.set(local(`${year}-03-01T10:00`));
        program = await programWith(api, { refundsCanDowngrade: scenario.refundsCanDowngrade });
        await publish(program, perYuan);
        for (const [n, yuan] of scenario.paid.entries()) {
          await send(program, paid(`${memberId}-p${n}`, memberId, `${memberId}-o${n}`, yuan * 100));
        }
        api.clock.set(local(`${year}-05-01T10:00`));
        const refund = { amountMinor: scenario.refund * 100 };
        expect(
          (await send(program, refunded(`${memberId}-r`, memberId, `${memberId}-o0`, refund))).growth,
        ).toBe(-scenario.refund);
      });

      test(`at once: ${scenario.now.tier}`, async () => {
        expect((await tiersOf(program, memberId)).tier).toBe(scenario.now.tier);
        expect(await historyLines(program, memberId)).toEqual(years(scenario.now.history));
      });

      test(`after the evaluation: ${scenario.evaluated.tier}`, async () => {
        api.clock.set(local(`${year + 1}-01-01T00:30`));
        await sweep(program);
        expect((await tiersOf(program, memberId)).tier).toBe(scenario.evaluated.tier);
        expect(await historyLines(program, memberId)).toEqual(years(scenario.evaluated.history));
      });
    },
  );

  test.each([
    { refundsCanDowngrade: false, tier: 'silver', history: ['upgrade normal→silver'] },
    {
      refundsCanDowngrade: true,
      tier: 'normal',
      history: ['upgrade normal→silver', 'refund_downgrade silver→normal'],
    },
  ])(
    'reversing a growth entry (refundsCanDowngrade: $refundsCanDowngrade) → $tier',
    async ({ refundsCanDowngrade, tier, history }) => {
      api.clock.set(local('2040-03-01T10:00'));
      const program = await programWith(api, { refundsCanDowngrade });
      await join(program, 'rev');
      await growAt(program, local('2040-03-01T10:00'), 'rev', 600);
      const second = await growAt(program, local('2040-03-02T10:00'), 'rev', 600);
      expect((await tiersOf(program, 'rev')).tier).toBe('silver');
      const growthEntry = second.entries.find((entry) => entry.type === 'growth')!;
      const reversal = await program.call('POST', `/v1/entries/${growthEntry.id}/reversal`, {
        reason: 'mistake',
      });
      expect(reversal.status).toBe(201);
      expect(await tiersOf(program, 'rev')).toMatchObject({ tier, earned: tier });
      expect(await historyLines(program, 'rev')).toEqual(history);
    },
  );

  test('a refund never undoes a tier below the one kept at the last evaluation', async () => {
    api.clock.set(local('2041-03-01T10:00'));
    const program = await programWith(api, { refundsCanDowngrade: true });
    await publish(program, perYuan);
    await send(program, paid('fl-1', 'floor', 'fl-o1', 120_000));
    api.clock.set(local('2042-01-01T00:30'));
    await sweep(program);
    api.clock.set(local('2042-02-01T10:00'));
    await send(program, paid('fl-2', 'floor', 'fl-o2', 600_000));
    expect((await tiersOf(program, 'floor')).tier).toBe('gold');
    await send(program, refunded('fl-3', 'floor', 'fl-o2'));
    expect((await tiersOf(program, 'floor')).tier).toBe('silver');
    expect(await historyLines(program, 'floor')).toEqual([
      'upgrade normal→silver',
      'retained silver→silver @2042-01-01',
      'upgrade silver→gold',
      'refund_downgrade gold→silver',
    ]);
  });

  test('a small refund in a new window does not undo an upgrade the refund did not cross', async () => {
    // Gold reached in June on 6,000 growth; evaluated on its anniversary. In the new calendar
    // year a ¥100 order is refunded: growth this year goes 100 → 0, never crossing gold's entry.
    api.clock.set(local('2043-06-15T10:00'));
    const program = await programWith(api, {
      refundsCanDowngrade: true,
      evaluation: { kind: 'anniversary' },
    });
    await publish(program, perYuan);
    await send(program, paid('sm-1', 'small', 'sm-o1', 600_000));
    api.clock.set(local('2044-02-01T10:00'));
    await send(program, paid('sm-2', 'small', 'sm-o2', 10_000));
    await send(program, refunded('sm-3', 'small', 'sm-o2'));
    expect(await historyLines(program, 'small')).toEqual(['upgrade normal→gold']);
    expect((await tiersOf(program, 'small')).tier).toBe('gold');
  });
});

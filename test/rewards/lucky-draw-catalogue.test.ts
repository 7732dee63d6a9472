import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { verifyLedger } from '../../src/verify/verify-ledger.ts';
import { expectProblem, invalidFields } from '../api/api-scenarios.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';
import { liveDraw, play, text } from './draws/draw-kit.ts';
import { available, fundedMember, liveReward, MUG, redeem } from './reward-kit.ts';

/** A draw whose one prize (30 points, 1 in stock) always comes up while it lasts. */
const SURE_THING = {
  name: text('必中抽奖', 'Sure thing'),
  costPoints: 40,
  perMemberPerDay: 2,
  prizes: [{ name: text('30 积分', '30 points'), weight: 1, stock: 1, kind: 'points', points: 30 }],
  consolation: { name: text('谢谢参与', 'Thanks'), weight: 0 },
};

const entryFor = (drawId: string, extra: Record<string, unknown> = {}) => ({
  type: 'lucky_draw',
  name: text('幸运抽奖', 'Lucky draw'),
  luckyDraw: { drawId },
  ...extra,
});

/**
 * Lucky draws in the catalogue: a lucky_draw entry costs a play of its draw, the member listing
 * says whether it can be played now and why not, and redeeming it plays the draw once.
 */
describe.each(ENGINES)('lucky draws in the catalogue (%s)', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await openTestApi(engine);
  });
  afterAll(async () => api?.close());

  const forMember = async (memberId: string, rewardId: string) =>
    (await api.call('GET', `/v1/rewards?memberId=${memberId}&type=lucky_draw&limit=200`)).body.data.find(
      (reward: { id: string }) => reward.id === rewardId,
    )?.forMember;

  test('an entry names an existing draw, and has no price, stock or cash of its own', async () => {
    const draw = await liveDraw(api, SURE_THING);
    const cases: [Record<string, unknown>, string][] = [
      [{ type: 'lucky_draw', name: text('抽奖', 'Draw') }, 'body/luckyDraw'],
      [entryFor('drw_nope'), 'body/luckyDraw/drawId'],
      [entryFor(draw.id, { pricePoints: 10 }), 'body/pricePoints'],
      [entryFor(draw.id, { stock: 5 }), 'body/stock'],
      [entryFor(draw.id, { cashMinor: 100 }), 'body/cashMinor'],
      [{ ...MUG, luckyDraw: { drawId: draw.id } }, 'body/luckyDraw'],
      [{ type: 'privilege', name: text('贵宾室', 'Lounge') }, 'body/pricePoints'],
    ];
    for (const [body, field] of cases) {
      const reply = await api.call('POST', '/v1/rewards', body);
      expectProblem(reply, 400, 'validation_failed');
      expect(invalidFields(reply), JSON.stringify(body)).toEqual([field]);
    }
    const created = await api.call('POST', '/v1/rewards', entryFor(draw.id));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({
      type: 'lucky_draw',
      pricePoints: 40,
      stock: null,
      luckyDraw: { drawId: draw.id },
    });
    // The price follows the draw's cost.
    await api.call('PATCH', `/v1/draws/${draw.id}`, { costPoints: 55 });
    expect((await api.call('GET', `/v1/rewards/${created.body.id}`)).body.pricePoints).toBe(55);
  });

  test('the member listing answers for the draw: not live, outside its window, plays left, points', async () => {
    const created = await api.call('POST', '/v1/draws', SURE_THING);
    const drawId = created.body.id;
    const entry = await liveReward(api, entryFor(drawId));
    const memberId = await fundedMember(api, [100]);
    expect(await forMember(memberId, entry.id)).toMatchObject({
      redeemable: false,
      why: { code: 'draw_unavailable', reason: 'draw_not_live' },
    });
    const tomorrow = new Date(api.clock.now().getTime() + 86_400_000).toISOString();
    await api.call('PATCH', `/v1/draws/${drawId}`, { status: 'live', availableFrom: tomorrow });
    expect((await forMember(memberId, entry.id)).why).toMatchObject({
      code: 'draw_unavailable',
      reason: 'draw_outside_window',
    });
    await api.call('PATCH', `/v1/draws/${drawId}`, { availableFrom: null });
    expect(await forMember(memberId, entry.id)).toEqual({ redeemable: true, why: null });
    // Plays of the draw itself count toward the same daily limit.
    expect((await play(api, drawId, memberId)).status).toBe(201);
    expect((await redeem(api, { memberId, rewardId: entry.id })).status).toBe(201);
    expect((await forMember(memberId, entry.id)).why).toMatchObject({
      code: 'draw_limit_reached',
      reason: 'draw_limit_reached',
    });
    const refused = await redeem(api, { memberId, rewardId: entry.id });
    expectProblem(refused, 422, 'draw_limit_reached');
    const poor = await fundedMember(api, [39]);
    expect((await forMember(poor, entry.id)).why).toMatchObject({
      code: 'insufficient_points',
      reason: 'not_enough_points',
    });
  });

  test('redeeming plays the draw once: the play, its entries, a fulfilled order; the prizes keep their stock', async () => {
    const draw = await liveDraw(api, SURE_THING);
    const entry = await liveReward(api, entryFor(draw.id));
    const memberId = await fundedMember(api, [200]);
    const won = await redeem(api, { memberId, rewardId: entry.id }, `ld-${entry.id}`);
    expect(won.status, JSON.stringify(won.body)).toBe(201);
    expect(won.body).toMatchObject({
      rewardType: 'lucky_draw',
      status: 'fulfilled',
      quantity: 1,
      pointsTotal: 40,
      play: { drawId: draw.id, memberId, outcome: 'prize', prizePoints: 30, costPoints: 40 },
    });
    expect(won.body.spendEntryId).toBe(won.body.play.costEntryId);
    expect(won.body.entries.map((e: { type: string }) => e.type)).toEqual(['spend', 'earn']);
    expect(await available(api, memberId)).toBe(190);
    // The prize's only unit is gone: the next play gets the consolation.
    const second = await redeem(api, { memberId, rewardId: entry.id });
    expect(second.body.play).toMatchObject({ outcome: 'consolation', prizePoints: 0 });
    expect((await api.call('GET', `/v1/draws/${draw.id}`)).body.prizes[0]).toMatchObject({
      stock: 0,
      awarded: 1,
    });
    const read = await api.call('GET', `/v1/rewards/${entry.id}`);
    expect(read.body).toMatchObject({ stock: null, redeemedQuantity: 2 });
    // The order shows its play, and the draw's audit trail has it.
    const order = await api.call('GET', `/v1/redemptions/${won.body.id}`);
    expect(order.body.play).toEqual(won.body.play);
    const plays = await api.call('GET', `/v1/draws/${draw.id}/plays?memberId=${memberId}`);
    expect(plays.body.data.map((p: { id: string }) => p.id)).toContain(won.body.play.id);
    const [cost] = await api.db.query<{ source: Record<string, unknown> }>(
      'select source from entries where id = $1',
      [won.body.spendEntryId],
    );
    expect(cost!.source).toMatchObject({ kind: 'redemption', redemptionId: won.body.id, drawId: draw.id });
    expect((await verifyLedger(api.db)).violations).toEqual([]);
  });

  test('one play per redemption; a play cannot be cancelled; the entry keeps its own limits', async () => {
    const draw = await liveDraw(api, { ...SURE_THING, perMemberPerDay: null });
    const entry = await liveReward(api, entryFor(draw.id, { limits: { perDay: 1 } }));
    const memberId = await fundedMember(api, [500]);
    const many = await redeem(api, { memberId, rewardId: entry.id, quantity: 2 });
    expectProblem(many, 400, 'validation_failed');
    expect(invalidFields(many)).toEqual(['body/quantity']);
    const once = await redeem(api, { memberId, rewardId: entry.id });
    expect(once.status).toBe(201);
    const cancel = await api.call('POST', `/v1/redemptions/${once.body.id}/cancel`, {});
    expectProblem(cancel, 409, 'redemption_state');
    expect(cancel.body.detail).toMatch(/lucky draw/);
    expectProblem(await redeem(api, { memberId, rewardId: entry.id }), 422, 'redemption_limit_reached');
    // The draw itself has no limit: played directly, it still works.
    expect((await play(api, draw.id, memberId)).status).toBe(201);
  });
});

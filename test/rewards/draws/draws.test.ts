import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { verifyLedger } from '../../../src/verify/verify-ledger.ts';
import { openTestApi, type TestApi } from '../../support/test-api.ts';
import { ENGINES } from '../../support/test-database.ts';
import { available, fundedMember } from '../reward-kit.ts';
import { liveDraw, play, text, WHEEL } from './draw-kit.ts';

/** Lucky draws over the API: what a play writes, the refusal table, consolation, audit, replay. */
describe.each(ENGINES)('lucky draws (%s)', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await openTestApi(engine);
  });
  afterAll(async () => api?.close());

  test('a play spends the cost, credits a points prize, and is kept for audit with its random value', async () => {
    const memberId = await fundedMember(api, [100]);
    const draw = await liveDraw(api, {
      ...WHEEL,
      prizes: [{ name: text('50 积分', '50 points'), weight: 1, kind: 'points', points: 50 }],
      consolation: { name: text('谢谢参与', 'Thanks'), weight: 0 },
    });
    const reply = await play(api, draw.id, memberId, 'play-1');
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    expect(reply.body).toMatchObject({
      outcome: 'prize',
      prizeKind: 'points',
      prizePoints: 50,
      costPoints: 10,
      totalWeight: 1,
      ticket: 0,
    });
    expect(
      reply.body.entries.map((entry: { type: string; points: number }) => [entry.type, entry.points]),
    ).toEqual([
      ['spend', -10],
      ['earn', 50],
    ]);
    expect(reply.body.entries[1].reason).toEqual({
      'zh-CN': '抽奖奖品 50 积分',
      en: 'Lucky draw prize: 50 points',
    });
    expect(await available(api, memberId)).toBe(140);
    const replay = await play(api, draw.id, memberId, 'play-1');
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(reply.body);
    expect(await available(api, memberId)).toBe(140);
    const audit = await api.call('GET', `/v1/draws/${draw.id}/plays?memberId=${memberId}`);
    expect(audit.body.data).toHaveLength(1);
    const { entries: _entries, ...recorded } = reply.body;
    expect(audit.body.data[0]).toEqual(recorded);
    expect(recorded.randomValue % recorded.totalWeight).toBe(recorded.ticket);
    expect(recorded.costEntryId).toBe(reply.body.entries[0].id);
    expect(recorded.prizeEntryId).toBe(reply.body.entries[1].id);
  });

  test('when the prize runs out, the consolation is given (with its points) and stock stays at zero', async () => {
    const memberId = await fundedMember(api, [100]);
    const draw = await liveDraw(api, {
      ...WHEEL,
      prizes: [{ name: text('耳机', 'Earbuds'), weight: 1, stock: 2, kind: 'item' }],
      consolation: { name: text('安慰奖 1 积分', '1 point'), weight: 0, points: 1 },
    });
    const outcomes = [];
    for (let i = 0; i < 4; i++) outcomes.push((await play(api, draw.id, memberId)).body);
    expect(outcomes.map((o) => [o.outcome, o.prizeKind, o.drawnPrizeId === draw.prizes[0].id])).toEqual([
      ['prize', 'item', true],
      ['prize', 'item', true],
      ['consolation', 'consolation', true],
      ['consolation', 'consolation', true],
    ]);
    expect(outcomes[2].prizeName).toEqual({ 'zh-CN': '安慰奖 1 积分', en: '1 point' });
    expect((await api.call('GET', `/v1/draws/${draw.id}`)).body.prizes[0]).toMatchObject({
      stock: 0,
      awarded: 2,
    });
    expect(await available(api, memberId)).toBe(100 - 40 + 2);
  });

  const refusals = [
    {
      name: 'a draft draw',
      setup: {},
      status: 'draft',
      points: 100,
      code: 'draw_unavailable',
      why: 'not_live',
    },
    {
      name: 'a paused draw',
      setup: {},
      status: 'paused',
      points: 100,
      code: 'draw_unavailable',
      why: 'not_live',
    },
    {
      name: 'before its window',
      setup: { availableFrom: '2026-04-01T00:00:00Z' },
      points: 100,
      code: 'draw_unavailable',
      why: 'outside_window',
    },
    {
      name: 'after its window',
      setup: { availableUntil: '2026-02-01T00:00:00Z' },
      points: 100,
      code: 'draw_unavailable',
      why: 'outside_window',
    },
    { name: 'too few points', setup: { costPoints: 500 }, points: 100, code: 'insufficient_points' },
  ];
  test.each(refusals)(
    'refused: $name → $code, nothing written',
    async ({ setup, status, points, code, why }) => {
      const memberId = await fundedMember(api, [points]);
      const created = await api.call('POST', '/v1/draws', { ...WHEEL, ...setup });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      if (status !== 'draft') await api.call('PATCH', `/v1/draws/${created.body.id}`, { status: 'live' });
      if (status === 'paused') await api.call('PATCH', `/v1/draws/${created.body.id}`, { status: 'paused' });
      const reply = await play(api, created.body.id, memberId);
      expect(reply.body.code).toBe(code);
      if (why) expect(reply.body.why).toBe(why);
      expect(await available(api, memberId)).toBe(points);
      expect((await api.call('GET', `/v1/draws/${created.body.id}/plays`)).body.data).toEqual([]);
    },
  );

  test('the daily limit counts local days in the program timezone', async () => {
    const memberId = await fundedMember(api, [1000]);
    const draw = await liveDraw(api, { ...WHEEL, perMemberPerDay: 2 });
    expect((await play(api, draw.id, memberId)).status).toBe(201);
    expect((await play(api, draw.id, memberId)).status).toBe(201);
    const third = await play(api, draw.id, memberId);
    expect(third.status).toBe(422);
    expect(third.body).toMatchObject({ code: 'draw_limit_reached', limit: 2, used: 2 });
    api.clock.advanceDays(1);
    try {
      expect((await play(api, draw.id, memberId)).status).toBe(201);
    } finally {
      api.clock.advanceDays(-1);
    }
  });

  test('status moves and validation', async () => {
    const draw = await liveDraw(api);
    expect((await api.call('PATCH', `/v1/draws/${draw.id}`, { status: 'retired' })).status).toBe(200);
    const back = await api.call('PATCH', `/v1/draws/${draw.id}`, { status: 'live' });
    expect(back.body.code).toBe('draw_state');
    const noPoints = await api.call('POST', '/v1/draws', {
      ...WHEEL,
      prizes: [{ name: text('积分', 'Points'), weight: 1, kind: 'points' }],
    });
    expect(noPoints.status).toBe(400);
    expect(noPoints.body.errors[0].field).toBe('body/prizes/0/points');
    expect((await api.call('GET', '/v1/draws/drw_nope')).body.code).toBe('draw_not_found');
    const listed = await api.call('GET', '/v1/draws?status=live');
    expect(listed.body.data.every((d: { status: string }) => d.status === 'live')).toBe(true);
    expect(draw.prizes.map((p: { probability: number }) => p.probability)).toEqual([0.01, 0.04, 0.3]);
    expect((await verifyLedger(api.db)).violations).toEqual([]);
  });
});

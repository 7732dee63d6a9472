import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { verifyLedger } from '../../src/verify/verify-ledger.ts';
import { liveDraw, play, text } from '../rewards/draws/draw-kit.ts';
import { liveReward, redeem } from '../rewards/reward-kit.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { POSTGRES_URL } from '../support/test-database.ts';

/**
 * Plays racing on PostgreSQL: the prize row locks (after the member's) never over-award stock,
 * whether the play comes from the draw or from a lucky_draw catalogue entry (member, entry, prizes).
 */
describe.skipIf(!POSTGRES_URL)('lucky draws racing (postgres)', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await openTestApi('postgres', undefined, { maxConnections: 24 });
  });
  afterAll(async () => api?.close());

  test('200 parallel plays on a stock-5 prize: never more than 5 awarded', async () => {
    const draw = await liveDraw(api, {
      name: text('限量抽奖', 'Limited draw'),
      costPoints: 10,
      prizes: [
        { name: text('手机', 'Phone'), weight: 50, stock: 5, kind: 'item' },
        { name: text('20 积分', '20 points'), weight: 30, kind: 'points', points: 20 },
      ],
      consolation: { name: text('谢谢参与', 'Thanks'), weight: 20 },
    });
    const items = Array.from({ length: 100 }, (_, i) => ({
      idempotencyKey: `draw-fund-${i}`,
      memberId: `drawrace${i}`,
      points: 100,
      reason: 'seed',
    }));
    for (const item of items) await api.call('PUT', `/v1/members/${item.memberId}`, {});
    expect((await api.call('POST', '/v1/credits/batch', { items })).status).toBe(200);
    const replies = await Promise.all(
      Array.from({ length: 200 }, (_, i) => play(api, draw.id, items[i % 100]!.memberId, `draw-race-${i}`)),
    );
    expect(replies.every((reply) => reply.status === 201)).toBe(true);
    const phones = replies.filter((reply) => reply.body.prizeId === draw.prizes[0].id).length;
    expect(phones).toBeLessThanOrEqual(5);
    expect((await api.call('GET', `/v1/draws/${draw.id}`)).body.prizes[0]).toMatchObject({
      stock: 5 - phones,
      awarded: phones,
    });
    expect((await verifyLedger(api.db)).violations).toEqual([]);
  }, 60_000);

  test('catalogue redemptions and direct plays racing: one lock order, stock never over-awarded', async () => {
    const draw = await liveDraw(api, {
      name: text('目录抽奖', 'Catalogue draw'),
      costPoints: 10,
      prizes: [{ name: text('耳机', 'Earbuds'), weight: 60, stock: 5, kind: 'item' }],
      consolation: { name: text('谢谢参与', 'Thanks'), weight: 40, points: 1 },
    });
    const entry = await liveReward(api, {
      type: 'lucky_draw',
      name: text('目录抽奖', 'Catalogue draw'),
      luckyDraw: { drawId: draw.id },
    });
    const items = Array.from({ length: 60 }, (_, i) => ({
      idempotencyKey: `entry-fund-${i}`,
      memberId: `entryrace${i}`,
      points: 100,
      reason: 'seed',
    }));
    for (const item of items) await api.call('PUT', `/v1/members/${item.memberId}`, {});
    expect((await api.call('POST', '/v1/credits/batch', { items })).status).toBe(200);
    const replies = await Promise.all(
      Array.from({ length: 180 }, (_, i) => {
        const memberId = items[i % 60]!.memberId;
        return i % 2 === 0
          ? redeem(api, { memberId, rewardId: entry.id }, `entry-race-${i}`)
          : play(api, draw.id, memberId, `entry-play-${i}`);
      }),
    );
    expect(replies.map((reply) => reply.status).every((status) => status === 201)).toBe(true);
    const prizeOf = (reply: { body: { play?: { prizeId: string | null }; prizeId?: string | null } }) =>
      reply.body.play ? reply.body.play.prizeId : reply.body.prizeId;
    const won = replies.filter((reply) => prizeOf(reply) === draw.prizes[0].id).length;
    expect(won).toBeLessThanOrEqual(5);
    expect((await api.call('GET', `/v1/draws/${draw.id}`)).body.prizes[0]).toMatchObject({
      stock: 5 - won,
      awarded: won,
    });
    expect((await api.call('GET', `/v1/rewards/${entry.id}`)).body.redeemedQuantity).toBe(90);
    expect((await verifyLedger(api.db)).violations).toEqual([]);
  }, 60_000);
});

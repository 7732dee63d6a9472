import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cursorKey } from '../../src/shared/pages.ts';
import { expectProblem, invalidFields, openShop, type Shop } from '../api/api-scenarios.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';
import { TIERS } from '../tiers/tier-kit.ts';

const text = (zh: string, en: string) => ({ 'zh-CN': zh, en });

/**
 * Operators search redemptions (member, time, coupon code, text) and the catalogue (text, type,
 * status, tier, in stock); every filter narrows the query itself, so cursor pages stay exact.
 */
describe.each(ENGINES)('operator search (%s)', (engine) => {
  let api: TestApi;
  let shop: Shop;
  const ids: Record<string, string> = {};
  const made: { id: string; memberId: string; createdAt: string; name: string; code?: string }[] = [];

  beforeAll(async () => {
    api = await openTestApi(engine);
    shop = await openShop(api);
    expect((await shop.call('PUT', '/v1/tiers', TIERS)).status).toBe(201);
    const rewards = {
      coffee: { type: 'coupon', name: text('咖啡券', 'Coffee Voucher'), pricePoints: 10 },
      tote: { type: 'goods', name: text('帆布袋', 'Canvas Tote'), pricePoints: 10, stock: 1 },
      lounge: {
        type: 'privilege',
        name: text('贵宾室', 'VIP Lounge'),
        pricePoints: 10,
        eligibleTiers: ['gold'],
      },
      soldOut: { type: 'goods', name: text('售罄杯', 'Sold-out Cup'), pricePoints: 10, stock: 0 },
      pool: {
        type: 'coupon',
        name: text('电影票', 'Movie Ticket'),
        pricePoints: 10,
        coupon: { codeSource: 'pool' },
      },
      draft: { type: 'privilege', name: text('草稿咖啡', 'Draft coffee'), pricePoints: 10 },
    };
    for (const [key, body] of Object.entries(rewards)) {
      const created = await shop.call('POST', '/v1/rewards', body);
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      ids[key] = created.body.id;
      if (key !== 'draft') await shop.call('PATCH', `/v1/rewards/${created.body.id}`, { status: 'live' });
    }
    for (const memberId of ['ann', 'bob']) {
      await shop.member(memberId);
      await shop.credit(memberId, 1_000);
    }
    const redeemOne = async (memberId: string, key: string, name: string, extra = {}) => {
      const reply = await shop.call('POST', '/v1/redemptions', { memberId, rewardId: ids[key], ...extra });
      expect(reply.status, JSON.stringify(reply.body)).toBe(201);
      made.push({
        id: reply.body.id,
        memberId,
        createdAt: reply.body.createdAt,
        name,
        code: reply.body.couponCodes[0]?.code,
      });
      api.clock.advance(60_000);
    };
    await redeemOne('ann', 'coffee', 'coffee');
    await redeemOne('bob', 'coffee', 'coffee');
    const address = { name: '王', phone: '13800000000', lines: ['上海'] };
    await redeemOne('bob', 'tote', 'tote', { shippingAddress: address });
    await redeemOne('ann', 'coffee', 'coffee');
    await redeemOne('ann', 'coffee', 'coffee');
  });
  afterAll(async () => api?.close());

  const search = async (query: string) => {
    const reply = await shop.call('GET', `/v1/redemptions?${query}`);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    return reply.body;
  };
  const idsOf = (page: { data: { id: string }[] }) => page.data.map((r) => r.id);
  const newestFirst = (rows: typeof made) => rows.map((r) => r.id).reverse();

  test('redemptions by member, reward, time and coupon code', async () => {
    expect(idsOf(await search('memberId=ann'))).toEqual(
      newestFirst(made.filter((r) => r.memberId === 'ann')),
    );
    expect(idsOf(await search(`rewardId=${ids.coffee}&memberId=bob`))).toEqual([made[1]!.id]);
    const from = made[1]!.createdAt;
    const to = made[3]!.createdAt;
    expect(idsOf(await search(`createdFrom=${from}&createdTo=${to}`))).toEqual(newestFirst(made.slice(1, 3)));
    const code = made[3]!.code!;
    expect(idsOf(await search(`couponCode=${encodeURIComponent(code)}`))).toEqual([made[3]!.id]);
    expect(idsOf(await search('couponCode=NOPE-NOPE'))).toEqual([]);
  });

  test('redemptions by text: either name, any case, or the id', async () => {
    expect(idsOf(await search('q=canvas'))).toEqual([made[2]!.id]);
    expect(idsOf(await search(`q=${encodeURIComponent('帆布')}`))).toEqual([made[2]!.id]);
    expect(idsOf(await search(`q=${made[0]!.id.toUpperCase()}`))).toEqual([made[0]!.id]);
    // Wildcards are plain text.
    expect(idsOf(await search(`q=${encodeURIComponent('%')}`))).toEqual([]);
  });

  test('cursor pages stay exact under filters', async () => {
    const coffee = newestFirst(made.filter((r) => r.name === 'coffee'));
    const first = await search(`q=coffee&limit=2`);
    expect(idsOf(first)).toEqual(coffee.slice(0, 2));
    const second = await search(`q=coffee&limit=2&cursor=${first.nextCursor}`);
    expect(idsOf(second)).toEqual(coffee.slice(2, 4));
    const ann = newestFirst(made.filter((r) => r.memberId === 'ann'));
    const annFirst = await search('memberId=ann&limit=2');
    const annRest = await search(`memberId=ann&limit=2&cursor=${annFirst.nextCursor}`);
    expect([...idsOf(annFirst), ...idsOf(annRest)]).toEqual(ann);
  });

  test('bad dates in the search are 400 naming the field', async () => {
    const reply = await shop.call('GET', '/v1/redemptions?createdFrom=0000-01-01T00:00:00Z');
    expectProblem(reply, 400, 'validation_failed');
    expect(invalidFields(reply)).toEqual(['querystring/createdFrom']);
  });

  const catalogue = async (query: string) => {
    const reply = await shop.call('GET', `/v1/rewards?${query}`);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    return reply.body;
  };

  test('the catalogue by text, type, status, tier and stock', async () => {
    expect(idsOf(await catalogue('q=COFFEE'))).toEqual([ids.coffee, ids.draft]);
    expect(idsOf(await catalogue('q=COFFEE&status=live'))).toEqual([ids.coffee]);
    expect(idsOf(await catalogue(`q=${encodeURIComponent('杯')}&type=goods`))).toEqual([ids.soldOut]);
    // Silver members see what is open to all; gold ones the lounge too.
    const silver = idsOf(await catalogue('eligibleTier=silver'));
    expect(silver).not.toContain(ids.lounge);
    expect(idsOf(await catalogue('eligibleTier=gold'))).toContain(ids.lounge);
    // In stock: not the sold-out cup, not the last tote (redeemed), not the empty pool.
    const inStock = idsOf(await catalogue('inStock=true'));
    expect(inStock.sort()).toEqual([ids.coffee, ids.lounge, ids.draft].sort());
    await shop.call('POST', `/v1/rewards/${ids.pool}/codes`, { codes: ['MOVIE-001'] });
    expect(idsOf(await catalogue('inStock=true'))).toContain(ids.pool);
  });

  test('catalogue pages stay exact under filters', async () => {
    const all = idsOf(await catalogue('inStock=true&limit=100'));
    const first = await catalogue('inStock=true&limit=2');
    const rest = await catalogue(`inStock=true&limit=2&cursor=${first.nextCursor}`);
    expect([...idsOf(first), ...idsOf(rest)]).toEqual(all.slice(0, 4));
  });

  test('a page that ends the list has no next cursor, also when it is exactly full', async () => {
    for (const list of ['/v1/rewards?inStock=true', '/v1/redemptions?memberId=ann', '/v1/draws']) {
      const everything = (await shop.call('GET', `${list}${list.includes('?') ? '&' : '?'}limit=100`)).body;
      expect(everything.nextCursor, list).toBeNull();
      const count = everything.data.length;
      if (count === 0) continue;
      const exact = (await shop.call('GET', `${list}${list.includes('?') ? '&' : '?'}limit=${count}`)).body;
      expect(exact.data.length, list).toBe(count);
      expect(exact.nextCursor, list).toBeNull();
      if (count < 2) continue;
      const short = (await shop.call('GET', `${list}${list.includes('?') ? '&' : '?'}limit=${count - 1}`))
        .body;
      expect(short.hasMore, list).toBe(true);
      expect(cursorKey(short.nextCursor), list).toBe(short.data.at(-1).id);
    }
  });
});

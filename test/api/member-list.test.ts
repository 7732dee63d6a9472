import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';
import { openShop, type Shop } from './api-scenarios.ts';

const TIERS = {
  window: { kind: 'calendar_year' },
  evaluation: { kind: 'period_end', every: 'year' },
  downgrade: 'one_step',
  tiers: [
    { code: 'normal', name: { 'zh-CN': '普通', en: 'Member' }, entryGrowth: 0, retainGrowth: 0 },
    { code: 'silver', name: { 'zh-CN': '银卡', en: 'Silver' }, entryGrowth: 1000, retainGrowth: 800 },
    { code: 'gold', name: { 'zh-CN': '金卡', en: 'Gold' }, entryGrowth: 5000, retainGrowth: 4000 },
  ],
};

const ids = (reply: { body: { data: { memberId: string }[] } }) => reply.body.data.map((m) => m.memberId);

describe.each(ENGINES)('GET /v1/members (%s)', (engine) => {
  let api: TestApi;
  let shop: Shop;
  beforeAll(async () => {
    api = await openTestApi(engine);
    shop = await openShop(api);
    const configured = await shop.call('PUT', '/v1/tiers', TIERS);
    expect(configured.status, JSON.stringify(configured.body)).toBe(201);
    const members: [string, Record<string, unknown>][] = [
      ['c-100', { tags: ['vip'], joinedAt: '2026-01-05T00:00:00Z' }],
      ['c-101', { tags: ['vip', 'staff'], joinedAt: '2026-02-05T00:00:00Z' }],
      ['c-102', { status: 'frozen', joinedAt: '2026-02-20T00:00:00Z' }],
      ['d-200', { tags: ['staff'], joinedAt: '2025-12-31T00:00:00Z' }],
      ['C-300', { joinedAt: '2026-02-01T00:00:00Z' }],
    ];
    for (const [memberId, profile] of members) await shop.member(memberId, profile);
    await shop.credit('c-101', 50);
    // d-200 reaches gold on growth; c-102 is given gold by hand until the end of the year.
    await shop.credit('d-200', 10, { growth: 6000 });
    const assigned = await shop.call('PUT', '/v1/members/c-102/tier', {
      tier: 'gold',
      until: '2026-12-31T16:00:00Z',
      reason: 'VIP',
    });
    expect(assigned.status, JSON.stringify(assigned.body)).toBe(200);
  });
  afterAll(async () => api?.close());

  test('every member in id order (bytewise), each as GET /v1/members/{id} shows it', async () => {
    const all = await shop.call('GET', '/v1/members');
    expect(all.status).toBe(200);
    expect(ids(all)).toEqual(['C-300', 'c-100', 'c-101', 'c-102', 'd-200']);
    expect(all.body).toMatchObject({ nextCursor: null, hasMore: false });
    const one = await shop.call('GET', '/v1/members/c-101');
    expect(all.body.data[2]).toEqual(one.body);
    expect(one.body.balances.available).toBe(50);
  });

  test.each([
    ['idPrefix=c-', ['c-100', 'c-101', 'c-102']],
    ['idPrefix=c-10&tag=staff', ['c-101']],
    ['tag=vip', ['c-100', 'c-101']],
    ['status=frozen', ['c-102']],
    ['tier=gold', ['c-102', 'd-200']],
    ['tier=normal', ['C-300', 'c-100', 'c-101']],
    ['tier=silver', []],
    ['tier=platinum', []],
    ['joinedFrom=2026-02-01T00:00:00Z', ['C-300', 'c-101', 'c-102']],
    ['joinedFrom=2026-02-01T00:00:00Z&joinedTo=2026-02-20T00:00:00Z', ['C-300', 'c-101']],
    ['idPrefix=zz', []],
  ])('%s', async (query, expected) => {
    const reply = await shop.call('GET', `/v1/members?${query}`);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(ids(reply)).toEqual(expected);
  });

  test('a manual tier ends on its date: the member is listed in the tier growth earned', async () => {
    const before = await shop.call('GET', '/v1/members?tier=gold');
    expect(ids(before)).toContain('c-102');
    const saved = api.clock.now();
    api.clock.set(new Date('2027-01-01T00:00:00Z'));
    try {
      expect(ids(await shop.call('GET', '/v1/members?tier=gold'))).not.toContain('c-102');
    } finally {
      api.clock.set(saved);
    }
  });

  test('pages follow the cursor with no gaps or repeats; the filters hold on every page', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const reply = await shop.call('GET', `/v1/members?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(reply.status).toBe(200);
      seen.push(...ids(reply));
      expect(reply.body.hasMore).toBe(reply.body.nextCursor !== null);
      cursor = reply.body.nextCursor;
      pages += 1;
    } while (cursor !== null);
    expect(pages).toBe(3);
    expect(seen).toEqual(['C-300', 'c-100', 'c-101', 'c-102', 'd-200']);
    const first = await shop.call('GET', '/v1/members?idPrefix=c-&limit=2');
    const rest = await shop.call('GET', `/v1/members?idPrefix=c-&limit=2&cursor=${first.body.nextCursor}`);
    expect([...ids(first), ...ids(rest)]).toEqual(['c-100', 'c-101', 'c-102']);
  });

  test.each([
    ['cursor=zzz', 'querystring/cursor'],
    ['status=gone', 'querystring/status'],
    ['joinedFrom=yesterday', 'querystring/joinedFrom'],
    ['limit=500', 'querystring/limit'],
    ['colour=red', 'querystring'],
  ])('%s is refused (400)', async (query, field) => {
    const reply = await shop.call('GET', `/v1/members?${query}`);
    expect(reply.status).toBe(400);
    expect(reply.body.code).toBe('validation_failed');
    expect(JSON.stringify(reply.body.errors)).toContain(field);
  });

  test('points past their expiry but not swept: a page shows each member as GET does, from one read of lots', async () => {
    const soon = new Date(api.clock.now().getTime() + 86_400_000).toISOString();
    await shop.member('x-1');
    await shop.credit('x-1', 100, { expiresAt: soon });
    await shop.credit('x-1', 40);
    await shop.member('x-2');
    await shop.credit('x-2', 30, { expiresAt: soon });
    await shop.member('x-3');
    await shop.credit('x-3', 70);
    await shop.member('x-4');
    const saved = api.clock.now();
    api.clock.advanceDays(2);
    const query = vi.spyOn(api.db, 'query');
    try {
      const listed = await shop.call('GET', '/v1/members?idPrefix=x-');
      const lotReads = query.mock.calls.filter(([sql]) => /\bfrom lots\b/.test(String(sql)));
      query.mockClear();
      expect(listed.status, JSON.stringify(listed.body)).toBe(200);
      expect(ids(listed)).toEqual(['x-1', 'x-2', 'x-3', 'x-4']);
      expect(listed.body.data.map((m: { balances: { available: number } }) => m.balances.available)).toEqual([
        40, 0, 70, 0,
      ]);
      for (const member of listed.body.data) {
        expect(member).toEqual((await shop.call('GET', `/v1/members/${member.memberId}`)).body);
      }
      expect(lotReads).toHaveLength(1);
    } finally {
      query.mockRestore();
      api.clock.set(saved);
    }
  });

  test("another program's key sees none of these members", async () => {
    const other = await openShop(api);
    expect(ids(await other.call('GET', '/v1/members'))).toEqual([]);
    expect(ids(await other.call('GET', '/v1/members?idPrefix=c-'))).toEqual([]);
  });
});

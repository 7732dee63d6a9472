import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';
import {
  balances,
  happened,
  ledgerSnapshot,
  name,
  paid,
  perYuan,
  publish,
  refunded,
  send,
  sendBatch,
} from './event-test-kit.ts';

const visit = (id: string, memberId: string, occurredAt?: string) =>
  happened(id, 'store.visited', memberId, { store: 'SH-01' }, occurredAt);

describe.each(ENGINES)('event intake (%s)', (engine) => {
  let api: TestApi;
  let purchase: string;
  let bigSpender: string;
  let visitRule: string;
  beforeAll(async () => {
    api = await openTestApi(engine);
    purchase = await publish(api, perYuan);
    bigSpender = await publish(api, {
      name: name('大单奖励', 'Big order bonus'),
      trigger: 'order.paid',
      condition: { field: 'event.amountMinor', op: 'gte', value: 50_000 },
      reward: { kind: 'fixed', points: 50 },
    });
    visitRule = await publish(api, {
      name: name('到店', 'Store visit'),
      trigger: 'store.visited',
      reward: { kind: 'fixed', points: 5 },
    });
    await publish(api, {
      name: name('签到'),
      trigger: 'member.checked_in',
      reward: { kind: 'fixed', points: 10 },
    });
  });
  afterAll(async () => api?.close());

  const smallOrderMiss = () => ({
    ruleId: bigSpender,
    version: 1,
    why: {
      'zh-CN': 'event.amountMinor 为 12800,不大于等于 50000',
      en: 'event.amountMinor is 12800, not at least 50000',
    },
  });

  test('an order earns by the rules in force: awards name rule and version, entries name rule and event', async () => {
    const reply = await api.call('POST', '/v1/events', paid('in-1', 'ann', 'ann-o1', 12_800));
    expect(reply.status).toBe(201);
    const reason = { 'zh-CN': '消费 ¥128.00,每 1 元积 1 分', en: 'Spent ¥128.00: 1 point per ¥1' };
    expect(reply.body).toMatchObject({
      eventId: 'in-1',
      memberId: 'ann',
      occurredAt: '2026-03-11T06:30:00.000Z',
      points: 128,
      growth: 128,
      awards: [{ ruleId: purchase, version: 1, points: 128, growth: 128, reason }],
      order: { orderId: 'ann-o1', status: 'paid', amountMinor: 12_800, points: 128, growth: 128 },
      refund: null,
    });
    // Only rules for order.paid explain themselves: not the store-visit or check-in rules.
    expect(reply.body.misses).toEqual([smallOrderMiss()]);
    const source = { kind: 'rule', ruleId: purchase, ruleVersion: 1, eventId: 'in-1' };
    const entries = await Promise.all(
      reply.body.awards[0].entryIds.map((id: string) => api.call('GET', `/v1/entries/${id}`)),
    );
    expect(entries.map((entry) => entry.body)).toMatchObject([
      { type: 'earn', memberId: 'ann', points: 128, source, reason },
      { type: 'growth', memberId: 'ann', growth: 128, source },
    ]);
    expect(await balances(api, 'ann')).toMatchObject({ available: 128, pending: 0, growth: 128 });
  });

  test('the same event again gets the stored answer, whatever the key order; a different body under its id is refused', async () => {
    const event = paid('in-2', 'ben', 'ben-o1', 5_000, { channel: 'app' });
    const first = await api.call('POST', '/v1/events', event);
    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const reordered = {
      attributes: { channel: 'app', currency: 'CNY', amountMinor: 5_000, orderId: 'ben-o1' },
      occurredAt: event.occurredAt,
      memberId: 'ben',
      type: 'order.paid',
      id: 'in-2',
    };
    const again = await api.call('POST', '/v1/events', reordered);
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    const [inBatch] = await sendBatch(api, [event]);
    expect(inBatch).toEqual({ eventId: 'in-2', status: 201, replayed: true, body: first.body });

    const changed = { ...event, attributes: { ...event.attributes, amountMinor: 6_000 } };
    const reused = await api.call('POST', '/v1/events', changed);
    expect(reused.status).toBe(409);
    expect(reused.body).toMatchObject({ code: 'event_id_reused', eventId: 'in-2' });
    expect(await balances(api, 'ben')).toMatchObject({ available: 50, growth: 50 });
  });

  test('an unknown member is created by their first event, joined when it happened', async () => {
    const first = await send(api, visit('new-1', 'newbie', '2026-03-05T01:00:00Z'));
    expect(first).toMatchObject({ memberCreated: true, points: 5 });
    const member = await api.call('GET', '/v1/members/newbie');
    expect(member.body).toMatchObject({ joinedAt: '2026-03-05T01:00:00.000Z', balances: { available: 5 } });
    expect((await send(api, visit('new-2', 'newbie'))).memberCreated).toBe(false);
  });

  test('a new member with two events in one batch joins at the earlier one; one event says it created them', async () => {
    const results = await sendBatch(api, [
      visit('new-3', 'newbie-2', '2026-03-07T01:00:00Z'),
      visit('new-4', 'newbie-2', '2026-03-04T01:00:00Z'),
    ]);
    expect((await api.call('GET', '/v1/members/newbie-2')).body.joinedAt).toBe('2026-03-04T01:00:00.000Z');
    expect(results.filter((result) => result.body.memberCreated)).toHaveLength(1);
  });

  test('a refund or cancellation from a member never seen creates nobody, and does not blame autoCreateMembers (it is on)', async () => {
    for (const event of [
      refunded('stranger-1', 'stranger', 'stranger-o1', { amountMinor: 100 }),
      {
        id: 'stranger-2',
        type: 'order.cancelled',
        memberId: 'stranger',
        attributes: { orderId: 'stranger-o1' },
      },
    ]) {
      const reply = await api.call('POST', '/v1/events', event);
      expect(reply).toMatchObject({ status: 404, body: { code: 'member_not_found', memberId: 'stranger' } });
      expect(reply.body.detail).not.toMatch(/autoCreateMembers is off/);
    }
    expect((await api.call('GET', '/v1/members/stranger')).status).toBe(404);
  });

  test('with autoCreateMembers off, events of unknown members are refused one by one and create nobody', async () => {
    expect((await api.call('PATCH', '/v1/program', { autoCreateMembers: false })).status).toBe(200);
    try {
      const results = await sendBatch(api, [visit('off-1', 'ghost-1'), visit('off-2', 'ann')]);
      expect(results.map((result) => result.status)).toEqual([404, 201]);
      expect(results[0]!.body).toMatchObject({ code: 'member_not_found', memberId: 'ghost-1' });
      const single = await api.call('POST', '/v1/events', visit('off-3', 'ghost-2'));
      expect(single).toMatchObject({ status: 404, body: { code: 'member_not_found' } });
      for (const memberId of ['ghost-1', 'ghost-2']) {
        expect((await api.call('GET', `/v1/members/${memberId}`)).status).toBe(404);
      }
      expect((await api.call('GET', '/v1/events/off-1')).status).toBe(404);
    } finally {
      await api.call('PATCH', '/v1/program', { autoCreateMembers: true });
    }
  });

  test('a custom type fires its rule; a built-in type no rule listens to is stored with nothing awarded', async () => {
    const visited = await send(api, visit('typ-1', 'cara'));
    expect(visited).toMatchObject({
      type: 'store.visited',
      points: 5,
      awards: [{ ruleId: visitRule, points: 5 }],
    });
    expect(visited.misses).toEqual([]);
    const completed = await send(api, happened('typ-2', 'member.profile_completed', 'cara', { fields: 6 }));
    expect(completed).toMatchObject({ points: 0, growth: 0, awards: [], misses: [], order: null });
    const stored = await api.call('GET', '/v1/events/typ-2');
    expect(stored.body).toMatchObject({
      id: 'typ-2',
      type: 'member.profile_completed',
      attributes: { fields: 6 },
    });
    expect(stored.body.outcome).toEqual(completed);
    expect(await balances(api, 'cara')).toMatchObject({ available: 5 });
    expect((await api.call('GET', '/v1/events/no-such-event')).body.code).toBe('event_not_found');
  });

  test('a blocked member is told why each rule gave nothing, and gets nothing; a frozen one still earns', async () => {
    await api.call('PUT', '/v1/members/dan', { status: 'blocked' });
    const outcome = await send(api, paid('blk-1', 'dan', 'dan-o1', 12_800));
    expect(outcome).toMatchObject({ points: 0, growth: 0, awards: [] });
    expect(outcome.misses).toEqual(
      expect.arrayContaining([
        {
          ruleId: purchase,
          version: 1,
          why: { 'zh-CN': '会员已被封禁,不能获得积分', en: 'the member is blocked and cannot earn' },
        },
        smallOrderMiss(),
      ]),
    );
    expect(await balances(api, 'dan')).toMatchObject({ available: 0, pending: 0, growth: 0 });
    await api.call('PUT', '/v1/members/fred', { status: 'frozen' });
    expect(await send(api, paid('frz-1', 'fred', 'fred-o1', 12_800))).toMatchObject({ points: 128 });
  });

  test("a member's events, newest first, page by page", async () => {
    const days = ['2026-03-03', '2026-03-01', '2026-03-05', '2026-03-02', '2026-03-04'];
    for (const day of days) await send(api, visit(`page-${day}`, 'eve', `${day}T04:00:00Z`));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${cursor}` : '';
      const page = await api.call('GET', `/v1/members/eve/events?limit=2${query}`);
      expect(page.status).toBe(200);
      expect(page.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.data.map((event: { id: string }) => event.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(
      [...days]
        .sort()
        .reverse()
        .map((day) => `page-${day}`),
    );
  });

  test('events with UUIDs for ids page too', async () => {
    const ids = [
      '3f1c2b9e-8a7d-4c5e-9f60-1a2b3c4d5e6f',
      '7d9e0f1a-2b3c-4d5e-8f90-a1b2c3d4e5f6',
      '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
    ];
    for (const id of ids) await send(api, visit(id, 'uuid-user'));
    const first = await api.call('GET', '/v1/members/uuid-user/events?limit=2');
    const second = await api.call(
      'GET',
      `/v1/members/uuid-user/events?limit=2&cursor=${first.body.nextCursor}`,
    );
    expect(second.status).toBe(200);
    expect([...first.body.data, ...second.body.data].map((event: { id: string }) => event.id).sort()).toEqual(
      [...ids].sort(),
    );
  });

  test('a whole batch sent twice changes nothing the second time and answers the same', async () => {
    const events = [
      paid('rb-1', 'fay', 'fay-o1', 10_000),
      visit('rb-2', 'gus'),
      refunded('rb-3', 'fay', 'fay-o1', { amountMinor: 2_500 }),
      paid('rb-4', 'gus', 'gus-o1', 3_000),
    ];
    const first = await sendBatch(api, events);
    expect(first.map((result) => [result.status, result.replayed])).toEqual(Array(4).fill([201, false]));
    const before = {
      ledger: await ledgerSnapshot(api),
      fay: await balances(api, 'fay'),
      gus: await balances(api, 'gus'),
    };
    expect(before.fay).toMatchObject({ available: 75, growth: 75 });
    const second = await sendBatch(api, events);
    expect(second).toEqual(first.map((result) => ({ ...result, replayed: true })));
    expect({
      ledger: await ledgerSnapshot(api),
      fay: await balances(api, 'fay'),
      gus: await balances(api, 'gus'),
    }).toEqual(before);
  });

  test('the same id twice in one batch: the copy is a replay, a different body under it is refused', async () => {
    const event = visit('dup-1', 'hal');
    const results = await sendBatch(api, [event, event, { ...event, attributes: { store: 'BJ-02' } }]);
    expect(results.map((result) => [result.status, result.replayed])).toEqual([
      [201, false],
      [201, true],
      [409, false],
    ]);
    expect(results[1]!.body).toEqual(results[0]!.body);
    expect(results[2]!.body.code).toBe('event_id_reused');
    expect(await balances(api, 'hal')).toMatchObject({ available: 5 });
  });

  test('an event refused for its order leaves no member behind', async () => {
    const reply = await api.call('POST', '/v1/events', paid('phantom-1', 'phantom', 'ann-o1', 12_800));
    expect(reply).toMatchObject({ status: 409, body: { code: 'order_already_paid' } });
    expect((await api.call('GET', '/v1/members/phantom')).status).toBe(404);
  });
});

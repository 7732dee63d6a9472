import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fanOutMessages } from '../../src/notifications/dispatch/fan-out.ts';
import { verifyLedger } from '../../src/verify/verify-ledger.ts';
import { paid, perYuan, publish, refunded, send } from '../events/event-test-kit.ts';
import { outboxOf } from '../notifications/notification-kit.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';
import { configure } from '../tiers/tier-kit.ts';

/**
 * `POST /v1/members/{memberId}/change-id` (issue 13): a member's id changes on the member row only.
 * The journal is left byte for byte, every read answers under the new id as it did under the old
 * one, the old id is unknown, and what comes later lands on the same account.
 */

const OLD = 'phone-13800000000';
const NEW = 'card-0001';

const cart = {
  currency: 'CNY',
  items: [{ sku: 'tea', quantity: 1, unitPriceMinor: 6_000 }],
};

/** The API's reads of one member, each as it answers. */
const READS = [
  '',
  '/lots?includeEmpty=true',
  '/entries',
  '/tier',
  '/tier-history',
  '/events',
  '/redemptions',
  '/inbox',
  '/inbox/unread-count',
  '/notification-preferences',
  '/expiry-calendar',
];

/** An answer under the old id as it reads under the new one: the member's id where it names it. */
function underNewId(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(underNewId);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => {
      // An event's outcome is its stored answer: it keeps the id it was sent with.
      if (key === 'outcome') return [key, inner];
      if ((key === 'memberId' || key === 'counterpartyMemberId') && inner === OLD) return [key, NEW];
      return [key, underNewId(inner)];
    }),
  );
}

describe.each(ENGINES)('changing a member id (%s)', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await openTestApi(engine);
    await configure(api);
    await publish(api, perYuan);
    expect(
      (await api.call('PATCH', '/v1/program', { pointValue: { points: 2, amountMinor: 1 } })).status,
    ).toBe(200);
    const settings = { enabled: true, maxShareOfOrder: 0.5, minPoints: 0, stepPoints: 1 };
    expect((await api.call('PUT', '/v1/checkout/settings', settings)).status).toBe(200);
    const endpoint = await api.call('POST', '/v1/webhooks', { url: 'https://example.com/hooks' });
    expect(endpoint.status).toBe(201);
  });
  afterAll(async () => api?.close());

  const ok = async (reply: Promise<{ status: number; body: unknown }>, status = 201) => {
    const answer = await reply;
    expect(answer.status, JSON.stringify(answer.body)).toBe(status);
    // biome-ignore lint/suspicious/noExplicitAny: answers are JSON each step reads its own way
    return answer.body as any;
  };
  const reads = async (memberId: string) =>
    Promise.all(READS.map((path) => api.call('GET', `/v1/members/${memberId}${path}`)));
  /** Every row of the journal and the lots, as PostgreSQL prints them: what must not change. */
  const journal = async () =>
    api.db.query<{ rows: string | null }>(
      `select (select string_agg(e::text, E'\\n' order by e.id) from entries e) as rows
       union all select (select string_agg(l::text, E'\\n' order by l.id) from lots l)
       union all select (select string_agg(h::text, E'\\n' order by h.id) from holds h)`,
    );
  const changeId = (memberId: string, newMemberId: string, key?: string) =>
    api.call(
      'POST',
      `/v1/members/${memberId}/change-id`,
      { newMemberId },
      key ? { 'idempotency-key': key } : {},
    );

  test('the journal stays byte for byte, every read answers under the new id, the old id is unknown', async () => {
    // A member with a bit of everything: points and lots from events and credits, growth and a
    // tier, an order (partly refunded later), a redemption, a points payment at checkout, a hold,
    // notification preferences, inbox messages, a transfer, and the outbox messages of all that.
    await ok(api.call('PUT', `/v1/members/${OLD}`, { tags: ['vip'] }));
    await ok(api.call('PUT', '/v1/members/friend', {}));
    await send(api, paid('ev-1', OLD, 'order-1', 400_000));
    await ok(
      api.call('POST', `/v1/members/${OLD}/credits`, {
        points: 500,
        reason: 'welcome',
        expiresAt: '2026-06-30T16:00:00Z',
      }),
    );
    await ok(
      api.call('POST', '/v1/transfers', {
        fromMemberId: OLD,
        toMemberId: 'friend',
        points: 30,
        reason: 'gift',
      }),
    );
    const reward = await ok(
      api.call('POST', '/v1/rewards', {
        type: 'privilege',
        name: { 'zh-CN': '贵宾室', en: 'Lounge' },
        pricePoints: 100,
      }),
    );
    await ok(api.call('PATCH', `/v1/rewards/${reward.id}`, { status: 'live' }), 200);
    await ok(api.call('POST', '/v1/redemptions', { memberId: OLD, rewardId: reward.id }));
    await ok(
      api.call('POST', '/v1/checkout/authorizations', {
        memberId: OLD,
        orderId: 'shop-1',
        points: 2_000,
        cart,
      }),
    );
    await ok(api.call('POST', '/v1/checkout/payments/shop-1/capture', {}), 200);
    await ok(api.call('POST', '/v1/holds', { memberId: OLD, points: 50, reason: 'cart', ttlSeconds: 600 }));
    await ok(api.call('PUT', `/v1/members/${OLD}/notification-preferences`, { marketingConsent: true }), 200);
    await fanOutMessages(api.db, api.clock, { emailConfigured: false });

    const before = await reads(OLD);
    for (const [index, answer] of before.entries()) expect(answer.status, READS[index]).toBe(200);
    expect(before[0]!.body.tier).toBe('silver');
    const journalBefore = await journal();

    const changed = await changeId(OLD, NEW, 'change-1');
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    const { updatedAt: _changedAt, ...profile } = changed.body;
    const { updatedAt: _before, ...profileBefore } = before[0]!.body;
    expect(profile).toEqual(underNewId(profileBefore));
    // The same request again is the same answer; the change is not made twice.
    const replayed = await changeId(OLD, NEW, 'change-1');
    expect(replayed.status).toBe(200);
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    expect(replayed.body).toEqual(changed.body);

    expect(await journal()).toEqual(journalBefore);
    const after = await reads(NEW);
    for (const [index, answer] of after.entries()) {
      expect(answer.status, READS[index]).toBe(200);
      if (index > 0) expect(answer.body, READS[index]).toEqual(underNewId(before[index]!.body));
    }
    const { updatedAt: _after, ...profileAfter } = after[0]!.body;
    expect(profileAfter).toEqual(underNewId(profileBefore));
    // The old id names no one now.
    for (const path of READS.filter((path) => path !== '/redemptions')) {
      const answer = await api.call('GET', `/v1/members/${OLD}${path}`);
      expect(answer.status, path).toBe(404);
      expect(answer.body.code, path).toBe('member_not_found');
    }
    expect((await api.call('GET', `/v1/members/${OLD}/redemptions`)).body.data).toEqual([]);
    expect((await api.call('GET', `/v1/redemptions?memberId=${NEW}`)).body.data).toHaveLength(1);
    const refused = await api.call('POST', `/v1/members/${OLD}/credits`, { points: 1, reason: 'x' });
    expect(refused.body.code).toBe('member_not_found');
    // Reads across members name the member by its new id.
    const [entry] = after[2]!.body.data;
    expect((await api.call('GET', `/v1/entries/${entry.id}`)).body.memberId).toBe(NEW);
    const payment = await api.call('GET', '/v1/checkout/payments/shop-1');
    expect(payment.body.memberId).toBe(NEW);
    expect((await api.call('GET', '/v1/events/ev-1')).body.memberId).toBe(NEW);
    expect((await verifyLedger(api.db)).violations).toEqual([]);
  });

  test('what comes later lands on the same account: events, refunds of earlier orders, checkout refunds', async () => {
    const balances = async () => (await ok(api.call('GET', `/v1/members/${NEW}`), 200)).balances;
    const start = await balances();
    const lotsBefore = (await ok(api.call('GET', `/v1/members/${NEW}/lots?includeEmpty=true`), 200)).data;
    const earned = await send(api, paid('ev-2', NEW, 'order-2', 10_000));
    expect(earned.points).toBeGreaterThan(0);
    expect(earned.memberCreated).toBe(false);
    // An order paid under the old id is refunded under the new one.
    const refund = await send(api, refunded('ev-3', NEW, 'order-1', { amountMinor: 60_000 }));
    expect(refund.refund.points).toBeGreaterThan(0);
    const refundedPayment = await ok(
      api.call('POST', '/v1/checkout/payments/shop-1/refunds', { amountMinor: 3_000 }),
      200,
    );
    expect(refundedPayment.refund.points).toBe(1_000);
    const now = await balances();
    expect(now.available).toBe(start.available + earned.points - refund.refund.points + 1_000);
    const lotsAfter = (await ok(api.call('GET', `/v1/members/${NEW}/lots?includeEmpty=true`), 200)).data;
    expect(lotsAfter.slice(0, lotsBefore.length).map((lot: { id: string }) => lot.id)).toEqual(
      lotsBefore.map((lot: { id: string }) => lot.id),
    );
    // The old id is free: an event naming it makes a new member with an account of its own.
    const stranger = await send(api, paid('ev-4', OLD, 'order-4', 1_000));
    expect(stranger.memberCreated).toBe(true);
    expect((await ok(api.call('GET', `/v1/members/${OLD}`), 200)).balances.available).toBe(stranger.points);
    expect((await balances()).available).toBe(now.available);
    expect((await verifyLedger(api.db)).violations).toEqual([]);
  });

  test('messages keep the id they were composed with; webhooks carry it', async () => {
    await fanOutMessages(api.db, api.clock, { emailConfigured: false });
    const [endpoint] = (await ok(api.call('GET', '/v1/webhooks'), 200)).data;
    const deliveries = (await ok(api.call('GET', `/v1/webhooks/${endpoint.id}/deliveries?limit=200`), 200))
      .data as { id: string; type: string; messageId: string }[];
    const ids = new Set<string | null>();
    for (const delivery of deliveries) {
      const detail = await ok(api.call('GET', `/v1/webhook-deliveries/${delivery.id}`), 200);
      expect(detail.message.memberId).toBe(detail.message.data.memberId);
      ids.add(detail.message.memberId);
    }
    expect(ids).toContain(OLD);
    expect(ids).toContain(NEW);
    const messages = await outboxOf(api, NEW);
    // The member's messages from before name the old id, those since the change the new one.
    const named = messages.map((message) => message.data.memberId);
    expect(named.indexOf(NEW)).toBeGreaterThan(0);
    expect(named.slice(0, named.indexOf(NEW)).every((id) => id === OLD)).toBe(true);
    expect(named.slice(named.indexOf(NEW)).every((id) => id === NEW)).toBe(true);
  });

  test('refusals: the same id, an id another member has, an unknown member, an id the API cannot take', async () => {
    await ok(api.call('PUT', '/v1/members/taken', {}));
    const same = await changeId(NEW, NEW);
    expect(same.status).toBe(400);
    expect(same.body).toMatchObject({ code: 'validation_failed' });
    expect(same.body.errors).toEqual([
      { field: 'body/newMemberId', message: "must differ from the member's current id" },
    ]);
    const taken = await changeId(NEW, 'taken');
    expect(taken.status).toBe(409);
    expect(taken.body).toMatchObject({ code: 'member_id_taken', memberId: 'taken' });
    const unknown = await changeId('nobody', 'somebody');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 'member_not_found', memberId: 'nobody' });
    const invalid = await changeId(NEW, 'has space');
    expect(invalid.status).toBe(400);
    expect(invalid.body.code).toBe('validation_failed');
    // None of them changed anything.
    expect((await api.call('GET', `/v1/members/${NEW}`)).status).toBe(200);
    expect((await api.call('GET', '/v1/members/somebody')).status).toBe(404);
  });

  test.runIf(engine === 'postgres')(
    'concurrent commands: credits on the old id either land before the change or are refused; two members racing for one id, one wins',
    async () => {
      await ok(api.call('PUT', '/v1/members/racer', {}));
      const credits = Array.from({ length: 12 }, (_, n) =>
        api.call('POST', '/v1/members/racer/credits', { points: 1, reason: `race ${n}` }),
      );
      const change = changeId('racer', 'racer-2');
      const answers = await Promise.all(credits);
      expect((await change).status).toBe(200);
      const landed = answers.filter((answer) => answer.status === 201).length;
      for (const answer of answers.filter((each) => each.status !== 201))
        expect(answer.body.code).toBe('member_not_found');
      expect((await ok(api.call('GET', '/v1/members/racer-2'), 200)).balances.available).toBe(landed);

      await ok(api.call('PUT', '/v1/members/left', {}));
      await ok(api.call('PUT', '/v1/members/right', {}));
      const both = await Promise.all([changeId('left', 'middle'), changeId('right', 'middle')]);
      expect(both.map((answer) => answer.status).sort()).toEqual([200, 409]);
      expect((await verifyLedger(api.db)).violations).toEqual([]);
    },
  );
});

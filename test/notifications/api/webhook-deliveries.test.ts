import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MAX_REPLAY_MESSAGES } from '../../../src/notifications/webhooks/replay-deliveries.ts';
import { openTestApi, type TestApi } from '../../support/test-api.ts';
import { ENGINES } from '../../support/test-database.ts';
import {
  createEndpoint,
  deliveriesOf,
  deliveryRow,
  iso,
  newProgram,
  seedAttempt,
  seedDelivery,
  seedMessage,
} from './notification-api-kit.ts';

/**
 * The delivery log (newest first, by status, paged; one delivery with its attempts and message)
 * and replays: of one delivery whatever its status, and of a range of messages, resetting the
 * deliveries the endpoint has and inserting those it never had, within its types and the cap.
 */
const DAY = 86_400_000;

describe.each(ENGINES)('webhook delivery log and replays (%s)', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await openTestApi(engine);
  });
  afterAll(async () => api.close());

  test('the log lists an endpoint’s deliveries newest first, by status, a page at a time', async () => {
    const client = await newProgram(api);
    const endpoint = await createEndpoint(client);
    const other = await createEndpoint(client);
    const statuses = ['delivered', 'dead', 'pending', 'delivered', 'pending'] as const;
    const ids: string[] = [];
    for (const [index, status] of statuses.entries()) {
      const createdAt = `2026-02-0${index + 1}T08:00:00.000Z`;
      const messageId = await seedMessage(api.db, client.programId, { type: 'points.earned', createdAt });
      ids.push(
        await seedDelivery(api.db, client.programId, {
          messageId,
          endpointId: endpoint.id,
          status,
          createdAt,
        }),
      );
      await seedDelivery(api.db, client.programId, { messageId, endpointId: other.id, status, createdAt });
      await seedDelivery(api.db, client.programId, {
        messageId,
        endpointId: null,
        channel: 'email',
        status,
        createdAt,
      });
    }
    const newestFirst = [...ids].reverse();

    const all = await client.call('GET', `/v1/webhooks/${endpoint.id}/deliveries`);
    expect(all.status).toBe(200);
    expect(all.body.data.map((d: { id: string }) => d.id)).toEqual(newestFirst);
    expect(all.body.nextCursor).toBeNull();
    expect(all.body.data[0]).toMatchObject({
      endpointId: endpoint.id,
      type: 'points.earned',
      status: 'pending',
    });

    const pages: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2';
      const page = await client.call('GET', `/v1/webhooks/${endpoint.id}/deliveries${query}`);
      expect(page.body.data.length).toBeLessThanOrEqual(2);
      pages.push(...page.body.data.map((d: { id: string }) => d.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(pages).toEqual(newestFirst);

    for (const status of ['pending', 'delivered', 'dead'] as const) {
      const filtered = await client.call('GET', `/v1/webhooks/${endpoint.id}/deliveries?status=${status}`);
      expect(filtered.body.data.map((d: { id: string }) => d.id)).toEqual(
        newestFirst.filter((id) => statuses[ids.indexOf(id)] === status),
      );
    }
    for (const query of ['?status=failed', '?limit=0', '?limit=201', '?cursor=' + 'x'.repeat(65)]) {
      const refused = await client.call('GET', `/v1/webhooks/${endpoint.id}/deliveries${query}`);
      expect(refused.status, query).toBe(400);
      expect(refused.body.code).toBe('validation_failed');
    }
  });

  test('one delivery: every attempt in order and the message it carries', async () => {
    const client = await newProgram(api);
    const endpoint = await createEndpoint(client);
    const createdAt = '2026-02-20T10:00:00.000Z';
    const data = { memberId: 'vip-1', points: 120, direction: 'in' };
    // Stored as the outbox keeps localized text ({zh, en}); shown as the API writes it.
    const messageId = await seedMessage(api.db, client.programId, {
      type: 'points.earned',
      memberId: 'vip-1',
      createdAt,
      data: { ...data, reason: { zh: '消费积分', en: 'Purchase points' } },
    });
    const deliveryId = await seedDelivery(api.db, client.programId, {
      messageId,
      endpointId: endpoint.id,
      status: 'delivered',
      attempts: 2,
      createdAt,
      deliveredAt: '2026-02-20T10:00:31.000Z',
      lastStatusCode: 204,
    });
    const failed = {
      attempt: 1,
      startedAt: '2026-02-20T10:00:00.500Z',
      durationMs: 10_000,
      ok: false,
      statusCode: null,
      error: 'timed out after 10000 ms',
      responseExcerpt: null,
    };
    const succeeded = {
      attempt: 2,
      startedAt: '2026-02-20T10:00:30.500Z',
      durationMs: 87,
      ok: true,
      statusCode: 204,
      error: null,
      responseExcerpt: 'ok',
    };
    await seedAttempt(api.db, client.programId, deliveryId, succeeded);
    await seedAttempt(api.db, client.programId, deliveryId, failed);

    const detail = await client.call('GET', `/v1/webhook-deliveries/${deliveryId}`);
    expect(detail.status).toBe(200);
    expect(detail.body).toEqual({
      id: deliveryId,
      messageId,
      type: 'points.earned',
      endpointId: endpoint.id,
      status: 'delivered',
      attemptCount: 2,
      nextAttemptAt: createdAt,
      lastAttemptAt: createdAt,
      lastStatusCode: 204,
      lastError: null,
      createdAt,
      deliveredAt: '2026-02-20T10:00:31.000Z',
      attempts: [failed, succeeded],
      message: {
        id: messageId,
        type: 'points.earned',
        memberId: 'vip-1',
        createdAt,
        data: { ...data, reason: { 'zh-CN': '消费积分', en: 'Purchase points' } },
      },
    });
  });

  test('only webhook deliveries of this program are found', async () => {
    const client = await newProgram(api);
    const endpoint = await createEndpoint(client);
    const createdAt = '2026-02-21T00:00:00.000Z';
    const messageId = await seedMessage(api.db, client.programId, { type: 'points.spent', createdAt });
    const email = await seedDelivery(api.db, client.programId, {
      messageId,
      endpointId: null,
      channel: 'email',
      status: 'dead',
      createdAt,
    });
    const webhook = await seedDelivery(api.db, client.programId, {
      messageId,
      endpointId: endpoint.id,
      status: 'dead',
      createdAt,
    });
    const stranger = await newProgram(api);
    for (const [who, id] of [
      [client, email],
      [client, 'dlv_nothere'],
      [stranger, webhook],
    ] as const) {
      for (const [method, suffix] of [
        ['GET', ''],
        ['POST', '/replay'],
      ] as const) {
        const answer = await who.call(method, `/v1/webhook-deliveries/${id}${suffix}`);
        expect(answer.status, `${method} ${id}${suffix}`).toBe(404);
        expect(answer.body).toMatchObject({ code: 'webhook_delivery_not_found', deliveryId: id });
      }
    }
    expect((await deliveryRow(api.db, client.programId, email))?.status).toBe('dead');
    expect((await deliveryRow(api.db, client.programId, webhook))?.status).toBe('dead');
  });

  test.each(['dead', 'delivered', 'pending'] as const)(
    'replaying a %s delivery makes it pending and due now, with a new day of retries; attempts keep counting',
    async (status) => {
      const client = await newProgram(api);
      const endpoint = await createEndpoint(client);
      const createdAt = '2026-02-22T00:00:00.000Z';
      const messageId = await seedMessage(api.db, client.programId, { type: 'tier.changed', createdAt });
      const deliveryId = await seedDelivery(api.db, client.programId, {
        messageId,
        endpointId: endpoint.id,
        status,
        attempts: 7,
        createdAt,
        deliveredAt: status === 'delivered' ? createdAt : null,
        lastError: status === 'dead' ? 'HTTP 500' : null,
      });
      api.clock.advance(60_000);
      const now = api.clock.now();

      const replayed = await client.call('POST', `/v1/webhook-deliveries/${deliveryId}/replay`);
      expect(replayed.status).toBe(202);
      expect(replayed.body).toMatchObject({
        id: deliveryId,
        status: 'pending',
        attemptCount: 7,
        nextAttemptAt: now.toISOString(),
        deliveredAt: null,
        lastError: status === 'dead' ? 'HTTP 500' : null,
      });
      const row = await deliveryRow(api.db, client.programId, deliveryId);
      expect(iso(row!.retry_until)).toBe(new Date(now.getTime() + DAY).toISOString());
    },
  );

  test('a delivery to a disabled endpoint is not replayed (409), and stays as it was', async () => {
    const client = await newProgram(api);
    const endpoint = await createEndpoint(client, { status: 'disabled' });
    const createdAt = '2026-02-23T00:00:00.000Z';
    const messageId = await seedMessage(api.db, client.programId, { type: 'points.earned', createdAt });
    const deliveryId = await seedDelivery(api.db, client.programId, {
      messageId,
      endpointId: endpoint.id,
      status: 'dead',
      createdAt,
    });
    const refused = await client.call('POST', `/v1/webhook-deliveries/${deliveryId}/replay`);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'webhook_endpoint_disabled', endpointId: endpoint.id });
    const range = await client.call('POST', `/v1/webhooks/${endpoint.id}/replay`, {
      from: '2026-02-01T00:00:00Z',
      to: '2026-03-01T00:00:00Z',
    });
    expect(range.status).toBe(409);
    expect(range.body.code).toBe('webhook_endpoint_disabled');
    expect((await deliveryRow(api.db, client.programId, deliveryId))?.status).toBe('dead');
  });

  test('a range with a date no store can keep (a leap second, year 0) is a 400 naming the field', async () => {
    const client = await newProgram(api);
    const endpoint = await createEndpoint(client, {});
    for (const [from, to, field] of [
      ['2016-12-31T23:59:60Z', '2017-01-02T00:00:00Z', 'body/from'],
      ['2026-01-01T00:00:00Z', '10000-01-01T00:00:00Z', 'body/to'],
    ]) {
      const refused = await client.call('POST', `/v1/webhooks/${endpoint.id}/replay`, { from, to });
      expect(refused.status).toBe(400);
      expect(refused.body.errors.map((error: { field: string }) => error.field)).toContain(field);
    }
  });

  test('a range replay resets what the endpoint had and inserts what it never had, within [from, to) and its types', async () => {
    const client = await newProgram(api);
    const endpoint = await createEndpoint(client, { types: ['points.earned', 'points.spent'] });
    const message = (type: string, createdAt: string, memberId: string | null = 'm1') =>
      seedMessage(api.db, client.programId, { type, createdAt, memberId });
    const beforeFrom = await message('points.earned', '2026-01-31T23:59:59.999Z');
    const atFrom = await message('points.earned', '2026-02-01T00:00:00.000Z');
    const spent = await message('points.spent', '2026-02-05T00:00:00.000Z', null);
    const tier = await message('tier.changed', '2026-02-06T00:00:00.000Z');
    const earnedLate = await message('points.earned', '2026-02-27T00:00:00.000Z', 'm2');
    const atTo = await message('points.earned', '2026-02-28T00:00:00.000Z');
    const had = await seedDelivery(api.db, client.programId, {
      messageId: atFrom,
      endpointId: endpoint.id,
      status: 'delivered',
      attempts: 1,
      createdAt: '2026-02-01T00:00:01.000Z',
      deliveredAt: '2026-02-01T00:00:02.000Z',
    });
    const email = await seedDelivery(api.db, client.programId, {
      messageId: earnedLate,
      endpointId: null,
      channel: 'email',
      status: 'delivered',
      createdAt: '2026-02-27T00:00:01.000Z',
    });
    api.clock.advance(5_000);
    const now = api.clock.now();

    const replayed = await client.call('POST', `/v1/webhooks/${endpoint.id}/replay`, {
      from: '2026-02-01T00:00:00Z',
      to: '2026-02-28T00:00:00Z',
    });
    expect(replayed.status).toBe(202);
    expect(replayed.body).toEqual({ replayed: 3 });

    const rows = await deliveriesOf(api.db, client.programId, endpoint.id);
    expect([...rows.keys()].sort()).toEqual([atFrom, spent, earnedLate].sort());
    expect(rows.get(atFrom)).toMatchObject({ id: had, status: 'pending', attempts: 1 });
    for (const messageId of [atFrom, spent, earnedLate]) {
      const row = rows.get(messageId)!;
      expect(row.status).toBe('pending');
      expect(iso(row.next_attempt_at)).toBe(now.toISOString());
      expect(iso(row.retry_until)).toBe(new Date(now.getTime() + DAY).toISOString());
    }
    expect(rows.get(earnedLate)).toMatchObject({ member_id: 'm2', attempts: 0 });
    expect(rows.get(earnedLate)!.id).toMatch(/^dlv_/);
    expect(iso(rows.get(earnedLate)!.created_at)).toBe(now.toISOString());
    expect(rows.get(spent)!.member_id).toBeNull();
    expect(rows.has(beforeFrom) || rows.has(tier) || rows.has(atTo)).toBe(false);
    // The email delivery of the same message is another target: untouched.
    expect((await deliveryRow(api.db, client.programId, email))?.status).toBe('delivered');

    // Again: nothing new is inserted, the same three are reset.
    const again = await client.call('POST', `/v1/webhooks/${endpoint.id}/replay`, {
      from: '2026-02-01T00:00:00Z',
      to: '2026-02-28T00:00:00Z',
    });
    expect(again.body).toEqual({ replayed: 3 });
    expect((await deliveriesOf(api.db, client.programId, endpoint.id)).size).toBe(3);
  });

  test('an endpoint created later gets the past messages it would have received; `types` narrows further', async () => {
    const client = await newProgram(api);
    const first = await createEndpoint(client);
    const earned = await seedMessage(api.db, client.programId, {
      type: 'points.earned',
      createdAt: '2026-02-10T00:00:00Z',
    });
    const spent = await seedMessage(api.db, client.programId, {
      type: 'points.spent',
      createdAt: '2026-02-11T00:00:00Z',
    });
    const tier = await seedMessage(api.db, client.programId, {
      type: 'tier.changed',
      createdAt: '2026-02-12T00:00:00Z',
    });
    const firstEarned = await seedDelivery(api.db, client.programId, {
      messageId: earned,
      endpointId: first.id,
      status: 'delivered',
      createdAt: '2026-02-10T00:00:00Z',
    });
    const later = await createEndpoint(client, { url: 'https://example.com/later' });
    const range = { from: '2026-02-01T00:00:00Z', to: '2026-03-01T00:00:00Z' };

    const narrowed = await client.call('POST', `/v1/webhooks/${later.id}/replay`, {
      ...range,
      types: ['points.spent', 'tier.changed'],
    });
    expect(narrowed.body).toEqual({ replayed: 2 });
    expect([...(await deliveriesOf(api.db, client.programId, later.id)).keys()].sort()).toEqual(
      [spent, tier].sort(),
    );
    const everything = await client.call('POST', `/v1/webhooks/${later.id}/replay`, range);
    expect(everything.body).toEqual({ replayed: 3 });
    expect([...(await deliveriesOf(api.db, client.programId, later.id)).keys()].sort()).toEqual(
      [earned, spent, tier].sort(),
    );
    // The first endpoint's delivery of the same message was not touched.
    expect((await deliveryRow(api.db, client.programId, firstEarned))?.status).toBe('delivered');

    // `types` outside the endpoint's own types replays nothing.
    const onlyEarned = await createEndpoint(client, { types: ['points.earned'] });
    const outside = await client.call('POST', `/v1/webhooks/${onlyEarned.id}/replay`, {
      ...range,
      types: ['tier.changed'],
    });
    expect(outside.body).toEqual({ replayed: 0 });
    expect((await deliveriesOf(api.db, client.programId, onlyEarned.id)).size).toBe(0);
  });

  test.each([
    ['to before from', { from: '2026-02-02T00:00:00Z', to: '2026-02-01T00:00:00Z' }, 'body/to'],
    ['to equal to from', { from: '2026-02-01T00:00:00Z', to: '2026-02-01T00:00:00Z' }, 'body/to'],
    ['no from', { to: '2026-02-01T00:00:00Z' }, 'body/from'],
    ['a from that is not a date-time', { from: 'yesterday', to: '2026-02-01T00:00:00Z' }, 'body/from'],
    [
      'an unknown type',
      { from: '2026-02-01T00:00:00Z', to: '2026-02-02T00:00:00Z', types: ['points.gifted'] },
      'body/types/0',
    ],
  ])('a range replay with %s is refused (400 naming %s)', async (_name, body, field) => {
    const client = await newProgram(api);
    const endpoint = await createEndpoint(client);
    const refused = await client.call('POST', `/v1/webhooks/${endpoint.id}/replay`, body);
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('validation_failed');
    expect(refused.body.errors.map((error: { field: string }) => error.field)).toContain(field);
  });

  test(`a range of more than ${MAX_REPLAY_MESSAGES} messages is refused whole; exactly that many is replayed`, async () => {
    const client = await newProgram(api);
    const endpoint = await createEndpoint(client);
    await api.db.query(
      `insert into outbox (program_id, id, type, member_key, data, created_at)
       select $1, 'msg_cap_' || lpad(n::text, 6, '0'), 'points.earned', null, '{}'::jsonb,
              timestamptz '2026-02-01T00:00:00Z' + n * interval '1 second'
         from generate_series(1, $2::int) as n`,
      [client.programId, MAX_REPLAY_MESSAGES + 1],
    );
    const whole = { from: '2026-02-01T00:00:00Z', to: '2026-03-01T00:00:00Z' };
    const refused = await client.call('POST', `/v1/webhooks/${endpoint.id}/replay`, whole);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ code: 'replay_range_too_large', limit: MAX_REPLAY_MESSAGES });
    expect(refused.body.detail).toMatch(/narrower/);
    expect((await deliveriesOf(api.db, client.programId, endpoint.id)).size).toBe(0);

    // The last message is at 1 s past the start + 100,001 s; stop just before it.
    const lastAt = new Date(Date.parse(whole.from) + (MAX_REPLAY_MESSAGES + 1) * 1000).toISOString();
    const capped = await client.call('POST', `/v1/webhooks/${endpoint.id}/replay`, { ...whole, to: lastAt });
    expect(capped.status).toBe(202);
    expect(capped.body).toEqual({ replayed: MAX_REPLAY_MESSAGES });
    const [counted] = await api.db.query<{ deliveries: number }>(
      `select count(distinct id)::int as deliveries from deliveries
        where program_id = $1 and endpoint_id = $2 and status = 'pending'`,
      [client.programId, endpoint.id],
    );
    expect(counted?.deliveries).toBe(MAX_REPLAY_MESSAGES);
  });
});

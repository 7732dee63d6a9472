import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { debit } from '../../src/ledger/commands/debit.ts';
import { persistDraft } from '../../src/ledger/ledger-store.ts';
import { runSweep } from '../../src/sweeps/sweeper.ts';
import { name, perYuan, publish, retireAll, send, sendBatch } from '../events/event-test-kit.ts';
import { ADDRESS, fundedMember, LOUNGE, liveReward, MUG, redeem } from '../rewards/reward-kit.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';
import { configure, grow } from '../tiers/tier-kit.ts';
import { createMember, credit, type OutboxRow, outboxOf } from './notification-kit.ts';

/**
 * The transactional outbox (SPEC §3.6): every change a member or an integrator hears about records
 * exactly one message, in the transaction of the change; changes nobody hears about, refusals and
 * idempotent replays record none.
 */
describe.each(ENGINES)('outbox messages (%s)', (engine) => {
  let api: TestApi;
  let sequence = 0;
  const newMember = async (points = 0) => {
    const memberId = `ob-${++sequence}`;
    await createMember(api, memberId);
    if (points > 0) await credit(api, memberId, { points, reason: 'seed' });
    return memberId;
  };
  /** The messages `change` recorded for `memberId` (and only those). */
  const recordedBy = async (memberId: string, change: () => Promise<unknown>): Promise<OutboxRow[]> => {
    const before = new Set((await outboxOf(api, memberId)).map((row) => row.id));
    await change();
    return (await outboxOf(api, memberId)).filter((row) => !before.has(row.id));
  };
  const entriesOf = async (memberId: string) =>
    (await api.call('GET', `/v1/members/${memberId}/entries`)).body.data as {
      id: string;
      type: string;
      points: number;
    }[];

  beforeAll(async () => {
    api = await openTestApi(engine, '2026-03-10T02:00:00Z');
  });
  afterAll(async () => api?.close());

  test('a credit records one points.earned with its points, entry and balances, at the same instant', async () => {
    const memberId = await newMember();
    let entryId = '';
    const messages = await recordedBy(memberId, async () => {
      const body = await credit(api, memberId, {
        points: 1200,
        reason: { 'zh-CN': '开卡礼', en: 'Welcome gift' },
      });
      entryId = body.entries[0].id;
    });
    expect(messages).toHaveLength(1);
    const [message] = messages;
    expect(message!.type).toBe('points.earned');
    expect(message!.id).toMatch(/^msg_/);
    expect(message!.data).toMatchObject({
      memberId,
      points: 1200,
      direction: 'in',
      pendingPoints: 0,
      availableAt: null,
      reason: { zh: '开卡礼', en: 'Welcome gift' },
      entryIds: [entryId],
      balances: { available: 1200, pending: 0 },
    });
    expect(new Date(message!.created_at).toISOString()).toBe(api.clock.now().toISOString());
  });

  test('pending points say how many are pending and when they become available', async () => {
    const memberId = await newMember();
    const [message] = await recordedBy(memberId, () =>
      credit(api, memberId, { points: 300, pendingDays: 7, reason: 'return window' }),
    );
    const [lot] = (await api.call('GET', `/v1/members/${memberId}/lots`)).body.data;
    expect(lot.availableAt).toBe(new Date(api.clock.now().getTime() + 7 * 86_400_000).toISOString());
    expect(message!.data).toMatchObject({
      points: 300,
      pendingPoints: 300,
      availableAt: lot.availableAt,
      balances: { available: 0, pending: 300 },
    });
  });

  test('a debit records points.spent; a refused debit and an idempotent replay record nothing', async () => {
    const memberId = await newMember(500);
    const spent = await recordedBy(memberId, async () => {
      const reply = await api.call(
        'POST',
        `/v1/members/${memberId}/debits`,
        { points: 120, reason: 'coffee' },
        { 'idempotency-key': `debit-${memberId}` },
      );
      expect(reply.status).toBe(201);
    });
    expect(spent.map((m) => [m.type, m.data.points, m.data.direction])).toEqual([
      ['points.spent', 120, 'out'],
    ]);
    expect(spent[0]!.data.balances.available).toBe(380);

    const nothing = await recordedBy(memberId, async () => {
      const replay = await api.call(
        'POST',
        `/v1/members/${memberId}/debits`,
        { points: 120, reason: 'coffee' },
        { 'idempotency-key': `debit-${memberId}` },
      );
      expect(replay.status).toBe(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      const refused = await api.call('POST', `/v1/members/${memberId}/debits`, {
        points: 10_000,
        reason: 'tv',
      });
      expect(refused.status).toBe(422);
      expect(refused.body.code).toBe('insufficient_points');
    });
    expect(nothing).toEqual([]);
  });

  test('a replayed credit records no second message', async () => {
    const memberId = await newMember();
    const messages = await recordedBy(memberId, async () => {
      for (let i = 0; i < 3; i++)
        await credit(
          api,
          memberId,
          { points: 40, reason: 'gift' },
          { 'idempotency-key': `gift-${memberId}` },
        );
    });
    expect(messages.map((m) => [m.type, m.data.points])).toEqual([['points.earned', 40]]);
  });

  test('credits to one member at the same moment (one group commit) are one message each', async () => {
    const memberId = await newMember();
    const messages = await recordedBy(memberId, async () => {
      const replies = await Promise.all(
        [100, 200, 300, 400].map((points) =>
          api.call('POST', `/v1/members/${memberId}/credits`, { points, reason: `gift ${points}` }),
        ),
      );
      expect(replies.map((reply) => reply.status)).toEqual([201, 201, 201, 201]);
    });
    expect(messages.map((m) => [m.data.points, m.data.reason.en, m.data.entryIds.length]).sort()).toEqual([
      [100, 'gift 100', 1],
      [200, 'gift 200', 1],
      [300, 'gift 300', 1],
      [400, 'gift 400', 1],
    ]);
  });

  test('a change whose transaction rolls back leaves no message; its commit leaves exactly one', async () => {
    const memberId = await newMember(100);
    const context = { programId: api.programId, now: api.clock.now(), source: { kind: 'api' as const } };
    const spend = async (rollback: boolean) =>
      api.db
        .transaction(async (tx) => {
          const { draft } = await debit(tx, context, {
            memberId,
            points: 30,
            reason: { zh: '测试', en: 'test' },
          });
          await persistDraft(tx, api.programId, draft!);
          if (rollback) throw new Error('the rest of the change failed');
        })
        .catch((error: Error) => error.message);
    expect(await recordedBy(memberId, () => spend(true))).toEqual([]);
    expect(await entriesOf(memberId)).toHaveLength(1);
    const committed = await recordedBy(memberId, () => spend(false));
    expect(committed.map((m) => [m.type, m.data.points])).toEqual([['points.spent', 30]]);
  });

  test('holds: authorize and void record nothing, a capture records points.spent for what it took', async () => {
    const memberId = await newMember(1000);
    const hold = async () => {
      const reply = await api.call('POST', '/v1/holds', { memberId, points: 400, reason: 'checkout' });
      expect(reply.status, JSON.stringify(reply.body)).toBe(201);
      return reply.body.hold?.id ?? reply.body.id;
    };
    let captured: OutboxRow[] = [];
    const quiet = await recordedBy(memberId, async () => {
      const voided = await hold();
      expect((await api.call('POST', `/v1/holds/${voided}/void`, {})).status).toBe(200);
      const kept = await hold();
      captured = await recordedBy(memberId, async () => {
        const reply = await api.call('POST', `/v1/holds/${kept}/capture`, { points: 250 });
        expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      });
    });
    expect(quiet.map((m) => m.type)).toEqual(['points.spent']);
    expect(captured.map((m) => [m.type, m.data.points, m.data.direction])).toEqual([
      ['points.spent', 250, 'out'],
    ]);
    // The message ends with the balances the member has: the 150 points not captured are back.
    expect(captured[0]!.data.balances).toMatchObject({ available: 750, held: 0 });
  });

  test('the expiry sweep records one points.expired per member with the points that expired', async () => {
    const memberId = await newMember();
    const other = await newMember();
    const expiresAt = new Date(api.clock.now().getTime() + 2 * 86_400_000).toISOString();
    await credit(api, memberId, { points: 70, expiresAt, reason: 'a' });
    await credit(api, memberId, { points: 30, expiresAt, reason: 'b' });
    await credit(api, memberId, { points: 500, reason: 'kept' });
    await credit(api, other, { points: 5, expiresAt, reason: 'c' });
    const start = api.clock.now();
    api.clock.advanceDays(3);
    try {
      const mine = await recordedBy(memberId, () => runSweep(api.db, api.clock, 'expiry'));
      expect(mine.map((m) => [m.type, m.data.points, m.data.direction])).toEqual([
        ['points.expired', 100, 'out'],
      ]);
      expect(mine[0]!.data.balances.available).toBe(500);
      const theirs = await outboxOf(api, other);
      expect(theirs.map((m) => [m.type, m.data.points])).toEqual([
        ['points.earned', 5],
        ['points.expired', 5],
      ]);
      // The sweep again: nothing is left to expire, nothing more is said.
      expect(await recordedBy(memberId, () => runSweep(api.db, api.clock, 'expiry'))).toEqual([]);
    } finally {
      api.clock.set(start);
    }
  });

  test('adjustments record points.adjusted either way; a reversal records points.reversed', async () => {
    const memberId = await newMember(200);
    const adjust = (points: number) =>
      api.call('POST', `/v1/members/${memberId}/adjustments`, {
        points,
        reason: 'fix',
        operator: 'ops@shop',
      });
    const adjusted = await recordedBy(memberId, async () => {
      expect((await adjust(50)).status).toBe(201);
      expect((await adjust(-20)).status).toBe(201);
    });
    expect(adjusted.map((m) => [m.type, m.data.points, m.data.direction])).toEqual([
      ['points.adjusted', 50, 'in'],
      ['points.adjusted', 20, 'out'],
    ]);
    const [earn] = (await entriesOf(memberId)).filter((entry) => entry.type === 'earn');
    const reversed = await recordedBy(memberId, async () => {
      const reply = await api.call('POST', `/v1/entries/${earn!.id}/reversal`, { reason: 'mistake' });
      expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    });
    expect(reversed.map((m) => [m.type, m.data.points, m.data.direction])).toEqual([
      ['points.reversed', 200, 'out'],
    ]);
  });

  test('an event several rules award records ONE points.earned with their sum and every entry', async () => {
    await retireAll(api);
    await publish(api, perYuan);
    await publish(api, {
      name: name('下单礼', 'Order bonus'),
      trigger: 'order.paid',
      reward: { kind: 'fixed', points: 50 },
      target: { points: 1 },
      pendingDays: 10,
    });
    const memberId = await newMember();
    let answer: { awards: { points: number; entryIds: string[] }[] } | undefined;
    const messages = await recordedBy(memberId, async () => {
      answer = await send(api, {
        id: `evt-${memberId}`,
        type: 'order.paid',
        memberId,
        occurredAt: api.clock.now().toISOString(),
        attributes: { orderId: `o-${memberId}`, amountMinor: 12_800, currency: 'CNY' },
      });
    });
    expect(messages).toHaveLength(1);
    const entryIds = answer!.awards.flatMap((award) => award.entryIds);
    const [message] = messages;
    expect(message!.type).toBe('points.earned');
    expect(message!.data).toMatchObject({ points: 178, pendingPoints: 50 });
    expect(new Date(message!.data.availableAt).getTime()).toBe(api.clock.now().getTime() + 10 * 86_400_000);
    // Growth moves no points: the message lists the two earn entries, one per rule.
    const earns = (await entriesOf(memberId))
      .filter((entry) => entry.type === 'earn')
      .map((entry) => entry.id);
    expect(earns).toHaveLength(2);
    expect(entryIds).toEqual(expect.arrayContaining(earns));
    expect([...message!.data.entryIds].sort()).toEqual(earns.sort());
    // Resending the event is an idempotent replay: no second message.
    expect(
      await recordedBy(memberId, () =>
        send(api, {
          id: `evt-${memberId}`,
          type: 'order.paid',
          memberId,
          occurredAt: api.clock.now().toISOString(),
          attributes: { orderId: `o-${memberId}`, amountMinor: 12_800, currency: 'CNY' },
        }),
      ),
    ).toEqual([]);
    await retireAll(api);
  });

  test('two events for one member in one batch are two messages, each with its own points', async () => {
    await retireAll(api);
    await publish(api, perYuan);
    const memberId = await newMember();
    const event = (n: number, amountMinor: number) => ({
      id: `evt-${memberId}-${n}`,
      type: 'order.paid',
      memberId,
      occurredAt: api.clock.now().toISOString(),
      attributes: { orderId: `o-${memberId}-${n}`, amountMinor, currency: 'CNY' },
    });
    const messages = await recordedBy(memberId, async () => {
      const results = await sendBatch(api, [event(1, 10_000), event(2, 2_500)]);
      expect(results.map((result) => result.status)).toEqual([201, 201]);
    });
    expect(messages.map((m) => [m.type, m.data.points, m.data.source.eventId])).toEqual([
      ['points.earned', 100, `evt-${memberId}-1`],
      ['points.earned', 25, `evt-${memberId}-2`],
    ]);
    await retireAll(api);
  });

  test('a tier upgrade records tier.changed with both tier names', async () => {
    await configure(api);
    const memberId = await newMember();
    const messages = await recordedBy(memberId, () => grow(api, memberId, 1200));
    expect(messages.map((m) => m.type).sort()).toEqual(['points.earned', 'tier.changed']);
    const changed = messages.find((m) => m.type === 'tier.changed')!;
    expect(changed.data).toMatchObject({
      memberId,
      kind: 'upgrade',
      fromTier: 'normal',
      toTier: 'silver',
      fromTierName: { zh: '普通', en: 'Member' },
      toTierName: { zh: '银卡', en: 'Silver' },
    });
    // More growth within the same tier changes nothing.
    const more = await recordedBy(memberId, () => grow(api, memberId, 10));
    expect(more.map((m) => m.type)).toEqual(['points.earned']);
  });

  test('redemptions: created, shipped and cancelled each record their message', async () => {
    const memberId = await fundedMember(api, [2000]);
    const mug = await liveReward(api, MUG);
    let redemptionId = '';
    const created = await recordedBy(memberId, async () => {
      const reply = await redeem(
        api,
        { memberId, rewardId: mug.id, shippingAddress: ADDRESS },
        `r-${memberId}`,
      );
      expect(reply.status, JSON.stringify(reply.body)).toBe(201);
      redemptionId = reply.body.id;
      // The same request again: the same order, no second message.
      const replay = await redeem(
        api,
        { memberId, rewardId: mug.id, shippingAddress: ADDRESS },
        `r-${memberId}`,
      );
      expect(replay.headers['idempotent-replayed']).toBe('true');
    });
    expect(created.map((m) => m.type).sort()).toEqual(['points.spent', 'redemption.created']);
    expect(created.find((m) => m.type === 'redemption.created')!.data).toMatchObject({
      memberId,
      redemptionId,
      rewardId: mug.id,
      rewardName: { zh: '马克杯', en: 'Mug' },
      points: 300,
      status: 'awaiting_shipment',
    });
    const shipped = await recordedBy(memberId, async () => {
      const reply = await api.call('POST', `/v1/redemptions/${redemptionId}/ship`, {
        carrier: 'SF',
        trackingNumber: 'SF100',
      });
      expect(reply.status).toBe(200);
    });
    expect(shipped.map((m) => [m.type, m.data.shipment])).toEqual([
      ['redemption.shipped', { carrier: 'SF', trackingNumber: 'SF100' }],
    ]);

    const lounge = await liveReward(api, LOUNGE);
    const order = await redeem(api, { memberId, rewardId: lounge.id });
    expect(order.status).toBe(201);
    const cancelled = await recordedBy(memberId, async () => {
      const reply = await api.call('POST', `/v1/redemptions/${order.body.id}/cancel`, { reason: '用户取消' });
      expect(reply.status).toBe(200);
      // Cancelling twice is refused and says nothing more.
      expect(
        (await api.call('POST', `/v1/redemptions/${order.body.id}/cancel`, { reason: 'again' })).status,
      ).toBe(409);
    });
    const cancel = cancelled.find((m) => m.type === 'redemption.cancelled');
    expect(cancel?.data).toMatchObject({
      redemptionId: order.body.id,
      points: 100,
      cancelReason: '用户取消',
    });
    expect(cancelled.filter((m) => m.type === 'redemption.cancelled')).toHaveLength(1);
    // The points that came back are a movement of their own.
    expect(
      cancelled.filter((m) => m.type.startsWith('points.')).map((m) => [m.data.points, m.data.direction]),
    ).toEqual([[100, 'in']]);
  });

  test('a refused redemption records nothing', async () => {
    const memberId = await fundedMember(api, [10]);
    const mug = await liveReward(api, MUG);
    const messages = await recordedBy(memberId, async () => {
      const reply = await redeem(api, { memberId, rewardId: mug.id, shippingAddress: ADDRESS });
      expect(reply.status).toBe(422);
      expect(reply.body.code).toBe('insufficient_points');
    });
    expect(messages).toEqual([]);
  });
});

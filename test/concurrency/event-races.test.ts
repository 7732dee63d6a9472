import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { verifyLedger } from '../../src/verify/verify-ledger.ts';
import { happened, name, paid, perYuan, publish, refunded } from '../events/event-test-kit.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { POSTGRES_URL } from '../support/test-database.ts';

/**
 * Events racing on one PostgreSQL database with a pool wide enough that they really run at once:
 * rule limits are enforced atomically, not eventually (SPEC §3.2), and a re-delivered event has
 * one effect. (PGlite has one connection and serialises everything, so these mean nothing there.)
 */
describe.skipIf(!POSTGRES_URL)('concurrent event intake (postgres)', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await openTestApi('postgres', undefined, { maxConnections: 24 });
    await publish(api, perYuan);
    await publish(api, {
      name: name('到店'),
      trigger: 'store.visited',
      reward: { kind: 'fixed', points: 5 },
    });
  });
  afterAll(async () => api?.close());

  const times = <T>(count: number, make: (index: number) => T): T[] =>
    Array.from({ length: count }, (_, index) => make(index));

  const campaign = (trigger: string, limits: object) =>
    publish(api, { name: name(trigger), trigger, reward: { kind: 'fixed', points: 30 }, limits });

  async function availableOf(memberIds: readonly string[]): Promise<number[]> {
    const rows = await api.db.query<{ member_id: string; available: number }>(
      `select member_id, available_points::int as available from members where member_id = any($1::text[])`,
      [memberIds],
    );
    const byId = new Map(rows.map((row) => [row.member_id, row.available]));
    return memberIds.map((memberId) => byId.get(memberId) ?? 0);
  }

  const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);

  async function expectLedgerSound() {
    expect((await verifyLedger(api.db)).violations).toEqual([]);
  }

  test('a 1000-point budget under 50 parallel events of 50 members issues exactly 1000', async () => {
    await campaign('campaign.single', { budgetPoints: 1000 });
    const members = times(50, (i) => `single-${i}`);
    const replies = await Promise.all(
      members.map((memberId, i) =>
        api.call('POST', '/v1/events', happened(`single-${i}`, 'campaign.single', memberId)),
      ),
    );
    expect(new Set(replies.map((reply) => reply.status))).toEqual(new Set([201]));
    const awarded = replies.map((reply) => reply.body.points as number);
    expect(sum(awarded)).toBe(1000);
    // 33 full awards, one cut to the last 10, and nothing for the rest.
    expect(awarded.filter((points) => points === 30)).toHaveLength(33);
    expect(awarded.filter((points) => points === 10)).toHaveLength(1);
    expect(sum(await availableOf(members))).toBe(1000);
    await expectLedgerSound();
  });

  test('a 1000-point budget under 10 parallel batches of 10 members issues exactly 1000', async () => {
    await campaign('campaign.batched', { budgetPoints: 1000 });
    const members = times(100, (i) => `batched-${i}`);
    const batches = times(10, (b) =>
      times(10, (i) => happened(`batched-${b * 10 + i}`, 'campaign.batched', members[b * 10 + i]!)),
    );
    const replies = await Promise.all(
      batches.map((events) => api.call('POST', '/v1/events/batch', { events })),
    );
    expect(replies.map((reply) => reply.status)).toEqual(Array(10).fill(200));
    const results = replies.flatMap((reply) => reply.body.results);
    expect(results.every((result: { status: number }) => result.status === 201)).toBe(true);
    expect(sum(results.map((result: { body: { points: number } }) => result.body.points))).toBe(1000);
    expect(sum(await availableOf(members))).toBe(1000);
    await expectLedgerSound();
  });

  test('a member day limit of 200 under 20 parallel events of one member: exactly 200', async () => {
    await campaign('game.raced', { perMemberPoints: { day: 200 } });
    await api.call('PUT', '/v1/members/racer', {});
    const replies = await Promise.all(
      times(20, (i) =>
        api.call(
          'POST',
          '/v1/events',
          happened(`raced-${i}`, 'game.raced', 'racer', {}, `2026-03-11T0${i % 10}:00:00Z`),
        ),
      ),
    );
    expect(new Set(replies.map((reply) => reply.status))).toEqual(new Set([201]));
    expect(sum(replies.map((reply) => reply.body.points))).toBe(200);
    expect(await availableOf(['racer'])).toEqual([200]);
    await expectLedgerSound();
  });

  test.each([
    {
      kind: 'an order payment',
      memberId: 'courier',
      points: 128,
      event: paid('delivered-1', 'courier', 'courier-o1', 12_800),
    },
    {
      kind: 'a custom event',
      memberId: 'walker',
      points: 5,
      event: happened('delivered-2', 'store.visited', 'walker'),
    },
  ])(
    '20 parallel deliveries of $kind have one effect and the same answer',
    async ({ memberId, points, event }) => {
      await api.call('PUT', `/v1/members/${memberId}`, {});
      const replies = await Promise.all(times(20, () => api.call('POST', '/v1/events', event)));
      expect(await availableOf([memberId])).toEqual([points]);
      const [row] = await api.db.query<{ earns: number }>(
        `select count(*)::int as earns from entries e join members m using (program_id, member_key)
          where m.member_id = $1 and e.type = 'earn'`,
        [memberId],
      );
      expect(row!.earns).toBe(1);
      expect(replies.map((reply) => reply.status)).toEqual(Array(20).fill(201));
      const first = replies.find((reply) => reply.headers['idempotent-replayed'] === undefined)!;
      for (const reply of replies) expect(reply.body).toEqual(first.body);
      expect(replies.filter((reply) => reply.headers['idempotent-replayed'] === 'true')).toHaveLength(19);
      await expectLedgerSound();
    },
  );

  test('20 parallel refunds of a tenth each: 10 go through, 10 exceed the order, all points back once', async () => {
    await api.call('POST', '/v1/events', paid('tenths-paid', 'tenths', 'tenths-o1', 10_000));
    const replies = await Promise.all(
      times(20, (i) =>
        api.call(
          'POST',
          '/v1/events',
          refunded(`tenths-${i}`, 'tenths', 'tenths-o1', { amountMinor: 1_000 }),
        ),
      ),
    );
    const statuses = replies.map((reply) => reply.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(10);
    expect(replies.filter((reply) => reply.body.code === 'refund_exceeds_order')).toHaveLength(10);
    expect(
      sum(replies.filter((reply) => reply.status === 201).map((reply) => reply.body.refund.points)),
    ).toBe(100);
    expect(await availableOf(['tenths'])).toEqual([0]);
    await expectLedgerSound();
  });

  test('one order paid by 10 members at once earns once', async () => {
    const members = times(10, (i) => `claimant-${i}`);
    const replies = await Promise.all(
      members.map((memberId, i) =>
        api.call('POST', '/v1/events', paid(`claim-${i}`, memberId, 'contested-o1', 12_800)),
      ),
    );
    const statuses = replies.map((reply) => reply.status).sort();
    expect(statuses).toEqual([201, ...Array(9).fill(409)]);
    expect(sum(await availableOf(members))).toBe(128);
    await expectLedgerSound();
  });
});

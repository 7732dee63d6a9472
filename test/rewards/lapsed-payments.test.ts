import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { listMigrations } from '../../src/db/migrate.ts';
import { runSweep } from '../../src/sweeps/sweeper.ts';
import { verifyLedger } from '../../src/verify/verify-ledger.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES, POSTGRES_URL } from '../support/test-database.ts';
import { available, fundedMember, LOUNGE, liveReward, redeem } from './reward-kit.ts';

/**
 * An unpaid points + cash order whose hold timed out gives back the member's limit and the stock
 * at once: the hold time-out sweep settles it in the same transaction, and a new redemption
 * settles the member's lapsed orders of that reward before it judges limits and stock.
 */
describe.each(ENGINES)('lapsed unpaid redemptions (%s)', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await openTestApi(engine);
  });
  afterAll(async () => api?.close());

  const ONE_LEFT = { ...LOUNGE, cashMinor: 500, limits: { lifetime: 1 }, stock: 1 };
  const reward = async (id: string) => (await api.call('GET', `/v1/rewards/${id}`)).body;
  const statusOf = async (id: string) =>
    (await api.db.query<{ status: string }>('select status from redemptions where id = $1', [id]))[0]?.status;
  const pastTtl = async () => {
    const ttl = (await api.call('GET', '/v1/program')).body.holdTtlSeconds;
    api.clock.advance(ttl * 1000 + 1000);
  };

  test('the sweep settles the order owning the hold: usage and stock back, redeem again', async () => {
    const memberId = await fundedMember(api, [1_000]);
    const lounge = await liveReward(api, ONE_LEFT);
    const first = await redeem(api, { memberId, rewardId: lounge.id });
    expect(first.body.status).toBe('awaiting_payment');
    expect((await reward(lounge.id)).stock).toBe(0);
    await pastTtl();
    const swept = await runSweep(api.db, api.clock, 'hold_timeout');
    expect(swept.entries).toBeGreaterThanOrEqual(1);
    // Settled by the sweep itself, before anyone reads the order.
    expect(await statusOf(first.body.id)).toBe('payment_expired');
    expect(await reward(lounge.id)).toMatchObject({ stock: 1, redeemedQuantity: 0 });
    const listed = await api.call('GET', `/v1/rewards?memberId=${memberId}`);
    expect(listed.body.data.find((r: { id: string }) => r.id === lounge.id).forMember).toEqual({
      redeemable: true,
      why: null,
    });
    expect(await available(api, memberId)).toBe(1_000);
    const again = await redeem(api, { memberId, rewardId: lounge.id });
    expect(again.status, JSON.stringify(again.body)).toBe(201);
    expect(again.body.status).toBe('awaiting_payment');
    expect((await verifyLedger(api.db)).violations).toEqual([]);
  });

  test('a read answers a lapsed unpaid order as payment_expired without writing; the sweep settles it', async () => {
    const memberId = await fundedMember(api, [1_000]);
    const lounge = await liveReward(api, ONE_LEFT);
    const first = await redeem(api, { memberId, rewardId: lounge.id });
    const dueAt = first.body.paymentDueAt;
    expect(Date.parse(dueAt)).toBeGreaterThan(api.clock.now().getTime());
    const listedAs = async (status: string) =>
      (await api.call('GET', `/v1/redemptions?memberId=${memberId}&status=${status}`)).body.data.map(
        (r: { id: string }) => r.id,
      );
    expect(await listedAs('awaiting_payment')).toEqual([first.body.id]);
    await pastTtl();
    const read = await api.call('GET', `/v1/redemptions/${first.body.id}`);
    expect(read.body).toMatchObject({ status: 'payment_expired', paymentDueAt: dueAt, couponCodes: [] });
    expect(await listedAs('awaiting_payment')).toEqual([]);
    expect(await listedAs('payment_expired')).toEqual([first.body.id]);
    const all = await api.call('GET', `/v1/redemptions?memberId=${memberId}`);
    expect(all.body.data.map((r: { status: string }) => r.status)).toEqual(['payment_expired']);
    // Nothing was written: the row, the hold and the stock wait for the sweep.
    expect(await statusOf(first.body.id)).toBe('awaiting_payment');
    expect((await reward(lounge.id)).stock).toBe(0);
    expect((await api.call('GET', `/v1/members/${memberId}`)).body.balances).toMatchObject({ held: 100 });
    await runSweep(api.db, api.clock, 'hold_timeout');
    expect(await statusOf(first.body.id)).toBe('payment_expired');
    expect((await reward(lounge.id)).stock).toBe(1);
    expect((await api.call('GET', `/v1/redemptions/${first.body.id}`)).body).toMatchObject({
      status: 'payment_expired',
    });
    // Paying it now is refused with the reason.
    const pay = await api.call('POST', `/v1/redemptions/${first.body.id}/pay`, {});
    expect(pay.body.code).toBe('redemption_payment_expired');
  });

  test("migration 017 dates the payment of orders redeemed before it from their hold's time-out", async () => {
    const memberId = await fundedMember(api, [1_000]);
    const lounge = await liveReward(api, { ...LOUNGE, cashMinor: 500 });
    const first = await redeem(api, { memberId, rewardId: lounge.id });
    await api.db.query('update redemptions set payment_due_at = null where id = $1', [first.body.id]);
    const backfill = listMigrations()
      .find((migration) => migration.version === 17)!
      .sql.split(';')
      .filter((statement) => statement.trim().startsWith('update'));
    expect(backfill).toHaveLength(1);
    await api.db.exec(backfill[0]!);
    const read = await api.call('GET', `/v1/redemptions/${first.body.id}`);
    expect(read.body.paymentDueAt).toBe(first.body.paymentDueAt);
  });

  test('without the sweep, redeeming again settles the lapsed order first', async () => {
    const memberId = await fundedMember(api, [1_000]);
    const lounge = await liveReward(api, ONE_LEFT);
    const first = await redeem(api, { memberId, rewardId: lounge.id });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    await pastTtl();
    const again = await redeem(api, { memberId, rewardId: lounge.id }, `again-${lounge.id}`);
    expect(again.status, JSON.stringify(again.body)).toBe(201);
    expect(again.body.status).toBe('awaiting_payment');
    expect(await statusOf(first.body.id)).toBe('payment_expired');
    expect(await reward(lounge.id)).toMatchObject({ stock: 0, redeemedQuantity: 1 });
    // The lapsed hold was timed out in the same transaction, its points given back and held again.
    const member = (await api.call('GET', `/v1/members/${memberId}`)).body.balances;
    expect(member).toMatchObject({ available: 900, held: 100 });
    const holds = await api.db.query<{ status: string }>(
      'select h.status from holds h join members m using (program_id, member_key) where m.member_id = $1 order by h.id',
      [memberId],
    );
    expect(holds.map((hold) => hold.status)).toEqual(['timed_out', 'open']);
    expect((await verifyLedger(api.db)).violations).toEqual([]);
  });

  test('a settlement sticks even when the new redemption is refused', async () => {
    const memberId = await fundedMember(api, [150]);
    const lounge = await liveReward(api, { ...ONE_LEFT, limits: {} });
    const first = await redeem(api, { memberId, rewardId: lounge.id });
    expect(first.status).toBe(201);
    await pastTtl();
    const refused = await redeem(api, { memberId, rewardId: lounge.id, quantity: 2 });
    expect(refused.body.code).toBe('out_of_stock');
    expect(await statusOf(first.body.id)).toBe('payment_expired');
    expect(await reward(lounge.id)).toMatchObject({ stock: 1 });
    expect((await api.call('GET', `/v1/members/${memberId}`)).body.balances).toMatchObject({
      available: 150,
      held: 0,
    });
    expect((await verifyLedger(api.db)).violations).toEqual([]);
  });

  test("cancelling an unpaid order records the hold's void with the redemption as its source", async () => {
    const memberId = await fundedMember(api, [1_000]);
    const lounge = await liveReward(api, ONE_LEFT);
    const order = await redeem(api, { memberId, rewardId: lounge.id });
    const cancelled = await api.call('POST', `/v1/redemptions/${order.body.id}/cancel`, {});
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    const [entry] = await api.db.query<{ type: string; source: Record<string, unknown> }>(
      'select type, source from entries where id = $1',
      [cancelled.body.cancelEntryId],
    );
    expect(entry).toMatchObject({
      type: 'void',
      source: { kind: 'redemption', ref: order.body.id, redemptionId: order.body.id, rewardId: lounge.id },
    });
  });
});

/** The sweep settling lapsed orders while their members redeem again, on PostgreSQL. */
describe.skipIf(!POSTGRES_URL)('lapsed unpaid redemptions racing the sweep (postgres)', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await openTestApi('postgres', undefined, { maxConnections: 24 });
  });
  afterAll(async () => api?.close());

  test('every lapsed order is settled once, by the sweep or by the new redemption', async () => {
    const lounge = await liveReward(api, { ...LOUNGE, cashMinor: 500, limits: { lifetime: 1 }, stock: 20 });
    const members = await Promise.all(Array.from({ length: 20 }, () => fundedMember(api, [1_000])));
    const first = await Promise.all(
      members.map((memberId) => redeem(api, { memberId, rewardId: lounge.id })),
    );
    expect(first.every((reply) => reply.status === 201)).toBe(true);
    const ttl = (await api.call('GET', '/v1/program')).body.holdTtlSeconds;
    api.clock.advance(ttl * 1000 + 1000);
    const [again] = await Promise.all([
      Promise.all(members.map((memberId) => redeem(api, { memberId, rewardId: lounge.id }))),
      runSweep(api.db, api.clock, 'hold_timeout', 3),
    ]);
    expect(again.map((reply) => reply.status)).toEqual(members.map(() => 201));
    const statuses = await api.db.query<{ status: string; n: string | number }>(
      'select status, count(*) as n from redemptions where reward_id = $1 group by status order by status',
      [lounge.id],
    );
    expect(statuses.map((row) => [row.status, Number(row.n)])).toEqual([
      ['awaiting_payment', 20],
      ['payment_expired', 20],
    ]);
    expect((await api.call('GET', `/v1/rewards/${lounge.id}`)).body).toMatchObject({
      stock: 0,
      redeemedQuantity: 20,
    });
    expect((await verifyLedger(api.db)).violations).toEqual([]);
  }, 60_000);
});

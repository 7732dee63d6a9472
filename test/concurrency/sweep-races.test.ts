import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import { openPostgres } from '../../src/db/postgres-database.ts';
import { runAllSweeps, runSweep, SWEEP_KINDS } from '../../src/sweeps/sweeper.ts';
import { verifyLedger } from '../../src/verify/verify-ledger.ts';
import { holdMemberLocks } from '../support/held-locks.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { POSTGRES_URL } from '../support/test-database.ts';

const MEMBERS = 500;
const BATCH = 40;

/** Runs `work` over `items` with at most `limit` in flight. */
async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

/**
 * Two "servers" (two connection pools on one schema) sweep the same due rows at the same time,
 * several sweeps each: every due lot expires once, every pending lot is released once, every
 * timed-out hold is released once.
 */
describe.skipIf(!POSTGRES_URL)('sweeps racing on one database (postgres)', () => {
  let api: TestApi;
  let second: Database;
  const expiring = new Map<string, number>();

  beforeAll(async () => {
    api = await openTestApi('postgres', undefined, { maxConnections: 24 });
    const [{ schema }] = (await api.db.query<{ schema: string }>('select current_schema() as schema')) as [
      { schema: string },
    ];
    second = openPostgres({ connectionString: POSTGRES_URL!, schema, maxConnections: 12 });
    const expiresAt = new Date(api.clock.now().getTime() + 86_400_000).toISOString();
    const ids = Array.from({ length: MEMBERS }, (_, i) => `m${String(i).padStart(4, '0')}`);
    await inParallel(ids, 20, async (memberId) => {
      const expect201 = async (response: Promise<{ status: number; body: unknown }>) => {
        const { status, body } = await response;
        if (status !== 201) throw new Error(`setup of ${memberId}: ${status} ${JSON.stringify(body)}`);
      };
      const points = 10 + (Number(memberId.slice(1)) % 13);
      await expect201(api.call('PUT', `/v1/members/${memberId}`, {}));
      // A lot that never expires, then a hold on it (so the hold never touches the expiring lot)...
      await expect201(api.call('POST', `/v1/members/${memberId}/credits`, { points: 20, reason: 'base' }));
      await expect201(
        api.call('POST', '/v1/holds', { memberId, points: 3, reason: 'cart', ttlSeconds: 3600 }),
      );
      // ...a lot that expires tomorrow, and pending points released tomorrow.
      await expect201(
        api.call('POST', `/v1/members/${memberId}/credits`, { points, reason: 'promo', expiresAt }),
      );
      await expect201(
        api.call('POST', `/v1/members/${memberId}/credits`, { points: 5, reason: 'order', pendingDays: 1 }),
      );
      expiring.set(memberId, points);
    });
    api.clock.advanceDays(2);
  }, 120_000);

  afterAll(async () => {
    await second?.close();
    await api?.close();
  });

  test('each due lot expires once, each pending lot and timed-out hold is released once', async () => {
    const sweepers = [api.db, second].flatMap((db) => [
      runAllSweeps(db, api.clock, BATCH),
      ...SWEEP_KINDS.map((kind) => runSweep(db, api.clock, kind, BATCH)),
      ...[...SWEEP_KINDS].reverse().map((kind) => runSweep(db, api.clock, kind, BATCH / 2)),
    ]);
    const results = (await Promise.all(sweepers)).flat();
    const entriesByKind = (kind: string) =>
      results.filter((result) => result.kind === kind).reduce((sum, result) => sum + result.entries, 0);
    expect(entriesByKind('expiry')).toBe(MEMBERS);
    expect(entriesByKind('pending_release')).toBe(MEMBERS);
    expect(entriesByKind('hold_timeout')).toBe(MEMBERS);

    // Nothing is left due: whichever sweeper stopped early left its rows to one that finished them.
    const now = api.clock.now().toISOString();
    const [due] = await api.db.query<{ lots: number; pending: number; holds: number }>(
      `select (select count(*)::int from lots where remaining > 0 and status = 'available'
                 and expires_at is not null and expires_at <= $1) as lots,
              (select count(*)::int from lots where status = 'pending' and remaining > 0
                 and available_at <= $1) as pending,
              (select count(*)::int from holds where status = 'open' and expires_at <= $1) as holds`,
      [now],
    );
    expect(due).toEqual({ lots: 0, pending: 0, holds: 0 });

    const counts = await api.db.query<{ type: string; entries: number; members: number; points: number }>(
      `select type, count(*)::int as entries, count(distinct member_key)::int as members,
              sum(available_delta + pending_delta + held_delta)::int as points
         from entries where type in ('expire', 'pending_release', 'hold_timeout') group by type order by type`,
    );
    const dueExpiring = [...expiring.values()].reduce((sum, points) => sum + points, 0);
    expect(counts).toEqual([
      { type: 'expire', entries: MEMBERS, members: MEMBERS, points: -dueExpiring },
      // pending → available and held → available move points inside the member: net zero.
      { type: 'hold_timeout', entries: MEMBERS, members: MEMBERS, points: 0 },
      { type: 'pending_release', entries: MEMBERS, members: MEMBERS, points: 0 },
    ]);
    // Each expiring lot was touched by exactly one expire entry, for exactly its amount.
    const touched = await api.db.query<{ lot_id: string; times: number; points: number }>(
      `select t->>'lotId' as lot_id, count(*)::int as times, -sum((t->>'points')::int)::int as points
         from entries e, jsonb_array_elements(e.lots) t where e.type = 'expire' group by 1`,
    );
    expect(touched).toHaveLength(MEMBERS);
    expect(touched.every((lot) => lot.times === 1)).toBe(true);
    expect(touched.reduce((sum, lot) => sum + lot.points, 0)).toBe(dueExpiring);

    const [balances] = await api.db.query<{ available: number; pending: number; held: number; odd: number }>(
      `select sum(available_points)::int as available, sum(pending_points)::int as pending,
              sum(held_points)::int as held, count(*) filter (where available_points <> 25)::int as odd
         from members`,
    );
    // 20 base (the hold's 3 came back) + 5 released; the expiring lot is gone.
    expect(balances).toEqual({ available: 25 * MEMBERS, pending: 0, held: 0, odd: 0 });
    expect((await verifyLedger(api.db)).violations).toEqual([]);
  });

  test('debits racing the expiry sweep never spend the expired points', async () => {
    const memberId = 'racing-expiry';
    const expiresAt = new Date(api.clock.now().getTime() + 86_400_000).toISOString();
    expect((await api.call('PUT', `/v1/members/${memberId}`, {})).status).toBe(201);
    await api.call('POST', `/v1/members/${memberId}/credits`, { points: 50, reason: 'promo', expiresAt });
    await api.call('POST', `/v1/members/${memberId}/credits`, { points: 30, reason: 'base' });
    api.clock.advanceDays(2);
    const [sweep, ...debits] = await Promise.all([
      runSweep(second, api.clock, 'expiry', BATCH),
      ...Array.from({ length: 20 }, (_, i) =>
        api.call('POST', `/v1/members/${memberId}/debits`, { points: 5, reason: `order ${i}` }),
      ),
    ]);
    expect(sweep.entries).toBe(1);
    expect(debits.filter((debit) => debit.status === 201)).toHaveLength(6);
    expect(debits.filter((debit) => debit.status === 422)).toHaveLength(14);
    const [row] = await api.db.query<{ expired: number; available: number }>(
      `select (select -sum(e.available_delta)::int from entries e join members m using (program_id, member_key)
                where m.member_id = $1 and e.type = 'expire') as expired,
              (select available_points::int from members where member_id = $1) as available`,
      [memberId],
    );
    expect(row).toEqual({ expired: 50, available: 0 });
    expect((await verifyLedger(api.db)).violations).toEqual([]);
  });

  test('a sweep finishes the members a command holds locked, instead of giving up or failing', async () => {
    const ids = ['busy-1', 'busy-2', 'busy-3'];
    const expiresAt = new Date(api.clock.now().getTime() + 86_400_000).toISOString();
    for (const memberId of ids) {
      expect((await api.call('PUT', `/v1/members/${memberId}`, {})).status).toBe(201);
      await api.call('POST', `/v1/members/${memberId}/credits`, { points: 20, reason: 'base' });
      await api.call('POST', '/v1/holds', { memberId, points: 4, reason: 'cart', ttlSeconds: 60 });
      await api.call('POST', `/v1/members/${memberId}/credits`, { points: 9, reason: 'promo', expiresAt });
    }
    api.clock.advanceDays(2);
    // A long command on busy-2 holds its member lock while both sweeps run.
    const command = await holdMemberLocks(second, ['busy-2']);
    const sweeps = Promise.all([
      runSweep(api.db, api.clock, 'hold_timeout', BATCH),
      runSweep(api.db, api.clock, 'expiry', BATCH),
    ]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await command.release();
    const [holds, expiry] = await sweeps;
    expect(holds.entries).toBe(3);
    expect(expiry.entries).toBe(3);
    const members = await api.db.query<{ member_id: string; available_points: number; held_points: number }>(
      `select member_id, available_points, held_points from members where member_id = any($1::text[])
        order by member_id`,
      [ids],
    );
    expect(members).toEqual(ids.map((id) => ({ member_id: id, available_points: 20, held_points: 0 })));
    expect((await verifyLedger(api.db)).violations).toEqual([]);
  });
});

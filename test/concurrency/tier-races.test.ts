import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import { openPostgres } from '../../src/db/postgres-database.ts';
import { runTierSweeps, type TierSweepResult } from '../../src/tiers/tier-evaluation.ts';
import { holdMemberLocks } from '../support/held-locks.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { POSTGRES_URL } from '../support/test-database.ts';
import { TIERS } from '../tiers/tier-kit.ts';
import { local, programWith } from '../tiers/tier-scenario-kit.ts';

const MEMBERS = 200;

/** Runs `work` over `items` with at most `limit` in flight. */
async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

const total = (results: TierSweepResult[], field: keyof TierSweepResult) =>
  results.reduce((sum, result) => sum + result[field], 0);

/**
 * Tier sweeps on two "servers" (two pools on one schema), several at once: every member is
 * evaluated once per period (one tier_history row each), assignments end once, concurrent growth
 * upgrades a member once, and a member a command holds locked is evaluated on the next pass.
 */
describe.skipIf(!POSTGRES_URL)('tier sweeps and upgrades racing (postgres)', () => {
  let api: TestApi;
  let second: Database;
  const ids = Array.from({ length: MEMBERS }, (_, i) => `tm${String(i).padStart(4, '0')}`);
  const reached = (index: number) => [1000, 5000, 20_000][index % 3]!;
  const ok = async (reply: Promise<{ status: number; body: unknown }>, status = 201) => {
    const { status: actual, body } = await reply;
    if (actual !== status) throw new Error(`expected ${status}, got ${actual}: ${JSON.stringify(body)}`);
  };
  const sweepers = (batch: number) => [
    runTierSweeps(api.db, api.clock),
    runTierSweeps(second, api.clock),
    runTierSweeps(api.db, api.clock, batch),
    runTierSweeps(second, api.clock, batch + 7),
  ];
  const rowsFor = (period: string) =>
    api.db.query<{ kind: string; rows: number; members: number }>(
      `select kind, count(*)::int as rows, count(distinct member_key)::int as members from tier_history
        where period = $1 group by kind order by kind`,
      [period],
    );

  beforeAll(async () => {
    api = await openTestApi('postgres', local('2026-03-01T10:00'), { maxConnections: 24 });
    const [{ schema }] = (await api.db.query<{ schema: string }>('select current_schema() as schema')) as [
      { schema: string },
    ];
    second = openPostgres({ connectionString: POSTGRES_URL!, schema, maxConnections: 12 });
    await ok(api.call('PUT', '/v1/tiers', TIERS));
    await inParallel(ids, 20, (memberId) => ok(api.call('PUT', `/v1/members/${memberId}`, {})));
    const items = ids.map((memberId, index) => ({
      idempotencyKey: `grow-${memberId}`,
      memberId,
      points: 1,
      growth: reached(index),
      reason: 'order',
    }));
    await ok(api.call('POST', '/v1/credits/batch', { items }), 200);
  }, 120_000);

  afterAll(async () => {
    await second?.close();
    await api?.close();
  });

  test(`four sweepers on two pools evaluate each of ${MEMBERS} members once (all kept)`, async () => {
    api.clock.set(local('2027-01-01T00:30'));
    const results = await Promise.all(sweepers(40));
    expect(total(results, 'evaluated')).toBe(MEMBERS);
    expect(await rowsFor('2027-01-01')).toEqual([{ kind: 'retained', rows: MEMBERS, members: MEMBERS }]);
    // Sweeping again finds nothing due.
    expect(total(await Promise.all(sweepers(40)), 'evaluated')).toBe(0);
  });

  test(`the next year, with no growth, each of ${MEMBERS} members goes down one step, once`, async () => {
    api.clock.set(local('2028-01-01T00:30'));
    const results = await Promise.all(sweepers(25));
    expect(total(results, 'evaluated')).toBe(MEMBERS);
    expect(total(results, 'downgraded')).toBe(MEMBERS);
    expect(await rowsFor('2028-01-01')).toEqual([{ kind: 'downgrade', rows: MEMBERS, members: MEMBERS }]);
    const tiers = await api.db.query<{ earned_tier: string; members: number }>(
      'select earned_tier, count(*)::int as members from member_tiers group by 1 order by 1',
    );
    const count = (start: number) => ids.filter((_, index) => reached(index) === start).length;
    expect(tiers).toEqual([
      { earned_tier: 'gold', members: count(20_000) },
      { earned_tier: 'normal', members: count(1000) },
      { earned_tier: 'silver', members: count(5000) },
    ]);
  });

  test('assignments that end together end once each', async () => {
    const until = local('2028-02-01T00:00');
    await inParallel(ids.slice(0, 60), 12, (memberId) =>
      ok(api.call('PUT', `/v1/members/${memberId}/tier`, { tier: 'diamond', until, reason: 'event' }), 200),
    );
    api.clock.set(until);
    const results = await Promise.all(sweepers(9));
    expect(total(results, 'manualEnded')).toBe(60);
    const [row] = await api.db.query<{ rows: number; members: number }>(
      `select count(*)::int as rows, count(distinct member_key)::int as members from tier_history
        where kind = 'manual_ended'`,
    );
    expect(row).toEqual({ rows: 60, members: 60 });
  });

  test('concurrent credits lift a member once: one upgrade row each', async () => {
    api.clock.set(local('2028-03-01T10:00'));
    const climbers = Array.from({ length: 20 }, (_, i) => `climb-${i}`);
    for (const memberId of climbers) await ok(api.call('PUT', `/v1/members/${memberId}`, {}));
    const credits = climbers.flatMap((memberId) =>
      Array.from({ length: 4 }, () => ({ memberId, points: 1, growth: 1500, reason: 'order' })),
    );
    await Promise.all(
      credits.map(({ memberId, ...body }) => ok(api.call('POST', `/v1/members/${memberId}/credits`, body))),
    );
    const rows = await api.db.query<{ member_id: string; kinds: string; tier: string }>(
      `select m.member_id, string_agg(h.kind || ' ' || h.from_tier || '→' || h.to_tier, ', ' order by h.id) as kinds,
              t.earned_tier as tier
         from tier_history h join member_tiers t using (program_id, member_key)
         join members m using (program_id, member_key)
        where m.member_id like 'climb-%' group by m.member_id, t.earned_tier`,
    );
    expect(rows).toHaveLength(climbers.length);
    // Concurrent credits may be coalesced into one transaction (straight to gold) or not (silver,
    // then gold at 6,000), but no crossing is recorded twice and every climber ends in gold.
    for (const row of rows) {
      expect(['upgrade normal→gold', 'upgrade normal→silver, upgrade silver→gold']).toContain(row.kinds);
      expect(row.tier).toBe('gold');
    }
  });

  test('a member a command holds locked is skipped, not waited for, and evaluated once on the next pass', async () => {
    // The climbers (gold since March 2028) are due on 2029-01-01.
    api.clock.set(local('2029-01-01T00:30'));
    const command = await holdMemberLocks(second, ['climb-3']);
    const due = async () =>
      (
        await api.db.query<{ member_id: string }>(
          `select m.member_id from member_tiers t join members m using (program_id, member_key)
            where t.next_evaluation_at <= $1 order by m.member_id`,
          [api.clock.now().toISOString()],
        )
      ).map((row) => row.member_id);
    await runTierSweeps(api.db, api.clock);
    expect(await due()).toEqual(['climb-3']);
    await command.release();
    await Promise.all(sweepers(5));
    expect(await due()).toEqual([]);
    const [row] = await api.db.query<{ rows: number }>(
      `select count(*)::int as rows from tier_history h join members m using (program_id, member_key)
        where m.member_id = 'climb-3' and h.period = '2029-01-01'`,
    );
    expect(row).toEqual({ rows: 1 });
  });

  test('a batch whose due members a command holds fills from further down: the pass does all the rest', async () => {
    api.clock.set(local('2030-01-01T00:30'));
    const due = async () =>
      (
        await api.db.query<{ member_id: string }>(
          `select m.member_id from member_tiers t join members m using (program_id, member_key)
            where t.next_evaluation_at <= $1 order by m.member_id`,
          [api.clock.now().toISOString()],
        )
      ).map((row) => row.member_id);
    const before = await due();
    expect(before.length).toBeGreaterThan(10);
    // Every due member but three is held by a command, so nearly every page of a batch of two
    // starts with members the sweep must skip.
    const held = before.slice(0, -3);
    const command = await holdMemberLocks(second, held);
    const first = await runTierSweeps(api.db, api.clock, 2);
    expect(first.evaluated).toBe(3);
    expect(await due()).toEqual(held);
    await command.release();
    expect(total(await Promise.all(sweepers(3)), 'evaluated')).toBe(held.length);
    expect(await due()).toEqual([]);
    const [row] = await api.db.query<{ rows: number; members: number }>(
      `select count(*)::int as rows, count(distinct member_key)::int as members from tier_history
        where period = '2030-01-01'`,
    );
    expect(row).toEqual({ rows: before.length, members: before.length });
  });

  test('configuration versions PUT at the same time are numbered one after another, none fails', async () => {
    const program = await programWith(api, null);
    const replies = await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        program.call('PUT', '/v1/tiers', {
          ...TIERS,
          tiers: TIERS.tiers.map((tier, position) =>
            position === 0 ? { ...tier, name: { ...tier.name, en: `Member ${index}` } } : tier,
          ),
        }),
      ),
    );
    expect(replies.map((reply) => `${reply.status} ${reply.body.code ?? ''}`)).toEqual(Array(8).fill('201 '));
    expect(replies.map((reply) => reply.body.version).sort()).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  test('the same configuration PUT 8 times at once makes one version (PUT is idempotent)', async () => {
    const program = await programWith(api, null);
    const replies = await Promise.all(
      Array.from({ length: 8 }, () => program.call('PUT', '/v1/tiers', TIERS)),
    );
    expect(replies.map((reply) => reply.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(replies.map((reply) => reply.body.version))).toEqual(new Set([1]));
  });

  test('removing a tier while credits lift members into it: refused, or nobody holds it', async () => {
    const withoutDiamond = { ...TIERS, tiers: TIERS.tiers.slice(0, 3) };
    const outcomes: string[] = [];
    for (let round = 0; round < 10; round++) {
      const program = await programWith(api);
      const climbers = Array.from({ length: 20 }, (_, i) => `dia-${i}`);
      for (const memberId of climbers) await ok(program.call('PUT', `/v1/members/${memberId}`, {}));
      const replies = await Promise.all([
        ...climbers.map((memberId) =>
          program.call('POST', `/v1/members/${memberId}/credits`, {
            points: 1,
            growth: 25_000,
            reason: 'order',
          }),
        ),
        new Promise((resolve) => setTimeout(resolve, round % 5)).then(() =>
          program.call('PUT', '/v1/tiers', withoutDiamond),
        ),
      ]);
      const [held] = await api.db.query<{ members: number }>(
        `select count(*)::int as members from member_tiers where program_id = $1 and earned_tier = 'diamond'`,
        [program.programId],
      );
      const codes = (await program.call('GET', '/v1/tiers')).body.config.tiers.map(
        (tier: { code: string }) => tier.code,
      );
      outcomes.push(
        `PUT ${replies.at(-1)!.status}, ${held!.members} hold diamond, in force: ${codes.join(' ')}`,
      );
    }
    // Every tier a member holds is in the configuration in force.
    expect(
      outcomes.filter((outcome) => !outcome.endsWith('diamond') && !outcome.includes(', 0 hold')),
    ).toEqual([]);
  });
});

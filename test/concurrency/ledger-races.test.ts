import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { verifyLedger } from '../../src/verify/verify-ledger.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { POSTGRES_URL } from '../support/test-database.ts';

/**
 * Races on one PostgreSQL database with a pool wide enough that the requests really run at the same
 * time (PGlite has one connection and serialises everything, so these tests mean nothing there).
 */
describe.skipIf(!POSTGRES_URL)('concurrent ledger writes (postgres)', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await openTestApi('postgres', undefined, { maxConnections: 24 });
  });
  afterAll(async () => api?.close());

  let memberCount = 0;
  async function member(points: number): Promise<string> {
    const memberId = `race-${++memberCount}`;
    expect((await api.call('PUT', `/v1/members/${memberId}`, {})).status).toBe(201);
    if (points > 0) {
      const credit = await api.call('POST', `/v1/members/${memberId}/credits`, { points, reason: 'seed' });
      expect(credit.status).toBe(201);
    }
    return memberId;
  }

  async function balances(memberId: string) {
    return (await api.call('GET', `/v1/members/${memberId}`)).body.balances;
  }

  async function expectLedgerSound() {
    expect((await verifyLedger(api.db)).violations).toEqual([]);
  }

  const times = <T>(count: number, make: (index: number) => T): T[] =>
    Array.from({ length: count }, (_, index) => make(index));

  test('100 parallel debits against exactly 10 debits worth: 10 succeed, 90 insufficient', async () => {
    const memberId = await member(70);
    const results = await Promise.all(
      times(100, (i) =>
        api.call('POST', `/v1/members/${memberId}/debits`, { points: 7, reason: `order ${i}` }),
      ),
    );
    const statuses = results.map((result) => result.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(10);
    expect(statuses.filter((status) => status === 422)).toHaveLength(90);
    for (const result of results.filter((r) => r.status === 422)) {
      expect(result.body.code).toBe('insufficient_points');
    }
    expect(await balances(memberId)).toMatchObject({ available: 0, held: 0, pending: 0 });
    const [row] = await api.db.query<{ spends: number; lowest: number }>(
      `select count(*) filter (where type = 'spend')::int as spends, min(available_after)::int as lowest
         from entries where member_key in (select member_key from members where member_id = $1)`,
      [memberId],
    );
    expect(row).toEqual({ spends: 10, lowest: 0 });
    await expectLedgerSound();
  });

  test('20 parallel identical requests with one Idempotency-Key have one effect and one answer', async () => {
    const memberId = await member(0);
    const key = `same-${memberId}`;
    const results = await Promise.all(
      times(20, () =>
        api.call(
          'POST',
          `/v1/members/${memberId}/credits`,
          { points: 40, reason: 'welcome' },
          { 'idempotency-key': key },
        ),
      ),
    );
    expect(new Set(results.map((result) => result.status))).toEqual(new Set([201]));
    const first = results[0]!.body;
    expect(first.entries).toHaveLength(1);
    for (const result of results) expect(result.body).toEqual(first);
    expect(results.filter((result) => result.headers['idempotent-replayed'] === 'true')).toHaveLength(19);
    const entries = await api.db.query<{ id: string }>(
      `select id from entries where member_key in (select member_key from members where member_id = $1) and type = 'earn'`,
      [memberId],
    );
    expect(entries.map((entry) => entry.id)).toEqual([first.entries[0].id]);
    expect((await balances(memberId)).available).toBe(40);
    await expectLedgerSound();
  });

  test('20 parallel requests sharing a key with different bodies: one effect, the rest rejected or replayed', async () => {
    const memberId = await member(0);
    const key = `clash-${memberId}`;
    // Five different bodies, four copies each: copies of the winner replay it, the others get 409.
    const points = times(20, (i) => 10 + (i % 5));
    const results = await Promise.all(
      points.map((p) =>
        api.call(
          'POST',
          `/v1/members/${memberId}/credits`,
          { points: p, reason: 'clash' },
          { 'idempotency-key': key },
        ),
      ),
    );
    const created = results.filter((result) => result.status === 201);
    const rejected = results.filter((result) => result.status === 409);
    expect(created.length + rejected.length).toBe(20);
    for (const result of rejected) expect(result.body.code).toBe('idempotency_key_reused');
    const winner = created[0]!.body.entries[0];
    for (const result of created) expect(result.body.entries[0]).toEqual(winner);
    const winnerPoints: number = winner.points;
    expect(created).toHaveLength(points.filter((p) => p === winnerPoints).length);
    const entries = await api.db.query<{ id: string; available_delta: number }>(
      `select id, available_delta from entries where member_key in (select member_key from members where member_id = $1)`,
      [memberId],
    );
    expect(entries).toEqual([{ id: winner.id, available_delta: winnerPoints }]);
    expect((await balances(memberId)).available).toBe(winnerPoints);
    await expectLedgerSound();
  });

  test('50 transfers A→B racing 50 transfers B→A: no deadlock, points conserved', async () => {
    const a = await member(60);
    const b = await member(60);
    const requests = times(100, (i) => {
      const [from, to] = i % 2 === 0 ? [a, b] : [b, a];
      return api.call(
        'POST',
        '/v1/transfers',
        { fromMemberId: from, toMemberId: to, points: 5 + (i % 7), reason: `gift ${i}` },
        { 'idempotency-key': `xfer-${a}-${i}` },
      );
    });
    const results = await Promise.all(requests);
    for (const result of results) {
      expect([201, 422], JSON.stringify(result.body)).toContain(result.status);
      if (result.status === 422) expect(result.body.code).toBe('insufficient_points');
    }
    const succeeded = results.filter((result) => result.status === 201).length;
    expect(succeeded).toBeGreaterThan(0);
    const [balanceA, balanceB] = [await balances(a), await balances(b)];
    expect(balanceA.available + balanceB.available).toBe(120);
    expect(balanceA.available).toBeGreaterThanOrEqual(0);
    expect(balanceB.available).toBeGreaterThanOrEqual(0);
    const [row] = await api.db.query<{ outs: number }>(
      `select count(*)::int as outs from entries where member_key in (select member_key from members where member_id = any($1::text[])) and type = 'transfer_out'`,
      [[a, b]],
    );
    expect(row!.outs).toBe(succeeded);
    await expectLedgerSound();
  });

  test('parallel captures and voids of one hold: exactly one closes it', async () => {
    const memberId = await member(100);
    const hold = await api.call('POST', '/v1/holds', { memberId, points: 40, reason: 'cart' });
    expect(hold.status).toBe(201);
    const holdId = hold.body.hold.id;
    const results = await Promise.all(
      times(20, (i) =>
        i % 2 === 0
          ? api.call('POST', `/v1/holds/${holdId}/capture`, { points: 25 })
          : api.call('POST', `/v1/holds/${holdId}/void`, {}),
      ),
    );
    const winners = results.filter((result) => result.status === 200);
    expect(winners).toHaveLength(1);
    for (const result of results.filter((r) => r.status !== 200)) {
      expect(result.status, JSON.stringify(result.body)).toBe(409);
      expect(result.body.code).toBe('hold_not_open');
    }
    const captured = winners[0]!.body.hold.status === 'captured';
    expect(await balances(memberId)).toMatchObject({ available: captured ? 75 : 100, held: 0 });
    await expectLedgerSound();
  });

  test('20 parallel PUTs of one new member: one creates it, the others update it', async () => {
    const results = await Promise.all(
      times(20, (i) => api.call('PUT', '/v1/members/put-race', { tags: [`t${i}`] })),
    );
    expect(results.filter((result) => result.status === 201)).toHaveLength(1);
    expect(results.filter((result) => result.status === 200)).toHaveLength(19);
  });

  test('parallel reversals of one entry: exactly one succeeds, the others say already reversed', async () => {
    const giver = await member(200);
    const receiver = await member(0);
    const spend = await api.call('POST', `/v1/members/${giver}/debits`, { points: 30, reason: 'coffee' });
    const earn = await api.call('POST', `/v1/members/${receiver}/credits`, { points: 50, reason: 'promo' });
    const gift = await api.call('POST', '/v1/transfers', {
      fromMemberId: giver,
      toMemberId: receiver,
      points: 20,
      reason: 'gift',
    });
    for (const response of [spend, earn, gift]) expect(response.status).toBe(201);
    const targets = [spend.body.entries[0].id, earn.body.entries[0].id, gift.body.entries[0].id];
    // All three entries are reversed at once, twenty times each, so the races also cross members.
    const results = await Promise.all(
      times(60, (i) =>
        api
          .call('POST', `/v1/entries/${targets[i % 3]}/reversal`, { reason: `undo ${i}` })
          .then((result) => ({ target: targets[i % 3], ...result })),
      ),
    );
    for (const target of targets) {
      const mine = results.filter((result) => result.target === target);
      expect(mine.filter((result) => result.status === 201)).toHaveLength(1);
      const refused = mine.filter((result) => result.status !== 201);
      expect(refused).toHaveLength(19);
      for (const result of refused) {
        expect(result.status).toBe(409);
        expect(result.body.code).toBe('entry_already_reversed');
      }
    }
    const [row] = await api.db.query<{ reversals: number; distinct_targets: number }>(
      `select count(*)::int as reversals, count(distinct reverses_entry_id)::int as distinct_targets
         from entries where type = 'reverse' and member_key in (select member_key from members where member_id = any($1::text[]))`,
      [[giver, receiver]],
    );
    // The transfer's reversal undoes both of its sides.
    expect(row).toEqual({ reversals: 4, distinct_targets: 4 });
    // Every effect undone: the giver is back to 200, the receiver to nothing.
    expect((await balances(giver)).available).toBe(200);
    expect((await balances(receiver)).available).toBe(0);
    await expectLedgerSound();
  });
});

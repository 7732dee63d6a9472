import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runAllSweeps } from '../../src/sweeps/sweeper.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';

/**
 * For random sequences of ledger operations (credits with expiry, pending days and growth, debits,
 * adjustments both ways, reversals of any earlier entry, holds captured in part or voided,
 * transfers, clock moves and sweeps), the export and the trial balance agree with the ledger: every
 * exported entry's postings sum to zero, the export's postings per account are the totals'
 * movements, each unit's balances sum to zero, and the month's closing balances of the member
 * accounts are the sums of the members' balances. Runs accumulate in one program (each check is
 * over all of it).
 */

const MEMBERS = ['p-a', 'p-b', 'p-c'];
const HOUR_MS = 3_600_000;
const member = fc.constantFrom(...MEMBERS);
const points = fc.oneof(fc.constantFrom(1, 2, 1000), fc.integer({ min: 1, max: 600 }));

const operation = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      op: fc.constant('credit' as const),
      member,
      points,
      expiresInHours: fc.option(fc.integer({ min: 1, max: 96 })),
      pendingDays: fc.option(fc.integer({ min: 1, max: 3 })),
      growth: fc.option(fc.integer({ min: 1, max: 300 })),
    }),
  },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('debit' as const), member, points }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('adjust' as const),
      member,
      points: fc.integer({ min: -500, max: 500 }).filter((n) => n !== 0),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('reverse' as const), nth: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('hold' as const),
      member,
      points,
      capture: fc.option(fc.integer({ min: 0, max: 4 })),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant('transfer' as const), from: member, to: member, points }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant('advance' as const), hours: fc.integer({ min: 1, max: 72 }) }),
  },
);

type Operation = typeof operation extends fc.Arbitrary<infer T> ? T : never;

describe.each(ENGINES)('journal export and trial balance against the ledger (%s)', (engine) => {
  let api: TestApi;
  const entryIds: string[] = [];

  beforeAll(async () => {
    api = await openTestApi(engine, '2026-03-01T02:00:00Z');
    for (const id of MEMBERS) await api.call('PUT', `/v1/members/${id}`, {});
  });
  afterAll(async () => api.close());

  async function write(url: string, body: unknown) {
    const response = await api.call('POST', url, body);
    expect(response.status, `${url} ${JSON.stringify(response.body)}`).toBeLessThan(500);
    for (const entry of (response.body?.entries ?? []) as { id: string }[]) entryIds.push(entry.id);
    return response;
  }

  async function apply(operation: Operation) {
    const now = api.clock.now().getTime();
    switch (operation.op) {
      case 'credit':
        return write(`/v1/members/${operation.member}/credits`, {
          points: operation.points,
          reason: 'order',
          ...(operation.expiresInHours
            ? { expiresAt: new Date(now + operation.expiresInHours * HOUR_MS).toISOString() }
            : {}),
          ...(operation.pendingDays ? { pendingDays: operation.pendingDays } : {}),
          ...(operation.growth ? { growth: operation.growth } : {}),
        });
      case 'debit':
        return write(`/v1/members/${operation.member}/debits`, { points: operation.points, reason: 'gift' });
      case 'adjust':
        return write(`/v1/members/${operation.member}/adjustments`, {
          points: operation.points,
          reason: 'correction',
          operator: 'ops',
        });
      case 'reverse':
        if (entryIds.length === 0) return;
        return write(`/v1/entries/${entryIds[operation.nth % entryIds.length]}/reversal`, { reason: 'undo' });
      case 'hold': {
        const hold = await write('/v1/holds', {
          memberId: operation.member,
          points: operation.points,
          reason: 'till',
        });
        if (hold.status !== 201) return;
        const holdId = hold.body.hold.id as string;
        if (operation.capture === null) return write(`/v1/holds/${holdId}/void`, {});
        const captured = Math.floor((operation.points * operation.capture) / 4);
        return write(`/v1/holds/${holdId}/capture`, captured > 0 ? { points: captured } : {});
      }
      case 'transfer':
        if (operation.from === operation.to) return;
        return write('/v1/transfers', {
          fromMemberId: operation.from,
          toMemberId: operation.to,
          points: operation.points,
          reason: 'gift',
        });
      case 'advance':
        api.clock.advance(operation.hours * HOUR_MS);
        await runAllSweeps(api.db, api.clock);
        return;
    }
  }

  async function check() {
    await runAllSweeps(api.db, api.clock);
    const range = 'from=2026-01-01T00:00:00Z&to=2030-01-01T00:00:00Z';
    const exported = await api.app.inject({
      method: 'GET',
      url: `/v1/finance/journal?${range}&format=jsonl`,
      headers: { authorization: `Bearer ${api.key}` },
    });
    expect(exported.statusCode).toBe(200);
    // A run whose every write was refused (debits of empty balances) leaves an empty journal.
    const lines = (exported.body === '' ? [] : exported.body.trimEnd().split('\n')).map(
      (line) => JSON.parse(line) as { entryId: string; postings: { account: string; amount: number }[] },
    );
    const moved = new Map<string, number>();
    for (const line of lines) {
      expect(
        line.postings.reduce((sum, posting) => sum + posting.amount, 0),
        line.entryId,
      ).toBe(0);
      for (const posting of line.postings)
        moved.set(posting.account, (moved.get(posting.account) ?? 0) + posting.amount);
    }
    const totals = (await api.call('GET', `/v1/finance/journal/totals?${range}`)).body;
    expect(totals.entries).toBe(lines.length);
    for (const account of totals.accounts as {
      account: string;
      opening: number;
      credits: number;
      debits: number;
    }[]) {
      expect(account.opening, account.account).toBe(0);
      expect(account.credits - account.debits, account.account).toBe(moved.get(account.account) ?? 0);
    }
    const month = Temporal.Instant.fromEpochMilliseconds(api.clock.now().getTime())
      .toZonedDateTimeISO('Asia/Shanghai')
      .toPlainDate()
      .toString()
      .slice(0, 7);
    const trial = (await api.call('GET', `/v1/finance/trial-balance?period=${month}`)).body;
    for (const unit of trial.units as {
      unit: string;
      opening: number;
      closing: number;
      debits: number;
      credits: number;
    }[]) {
      expect([unit.opening, unit.closing, unit.debits - unit.credits], unit.unit).toEqual([0, 0, 0]);
    }
    const members = await Promise.all(MEMBERS.map((id) => api.call('GET', `/v1/members/${id}`)));
    for (const bucket of ['available', 'pending', 'held', 'growth']) {
      const sum = members.reduce((total, answer) => total + (answer.body.balances[bucket] as number), 0);
      const account = trial.accounts.find((row: { account: string }) => row.account === `member:${bucket}`);
      expect(account.closing, `member:${bucket} in ${month}`).toBe(sum);
    }
    const debt = members.reduce((total, answer) => total + (answer.body.balances.debt as number), 0);
    expect(trial.debtMemo.closing).toBe(debt);
  }

  test('postings sum to zero per entry; the closing balances are the members’ balances', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 5, maxLength: 25 }), async (operations) => {
        for (const operation of operations) await apply(operation);
        await check();
      }),
      { numRuns: 30 },
    );
  }, 300_000);
});

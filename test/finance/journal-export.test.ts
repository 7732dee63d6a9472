import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { JOURNAL_CSV_COLUMNS } from '../../src/finance/journal-lines.ts';
import { runAllSweeps } from '../../src/sweeps/sweeper.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';
import { csvRecords } from './csv-records.ts';

/**
 * A hand-built month (March 2026, Asia/Shanghai): credits (one with growth), a debit, a hold
 * captured in part, a reversal, an adjustment and an expiry by the sweep; one credit in April.
 * The exports are checked line by line against the table below, the totals and the trial balance
 * against figures worked out by hand.
 */

interface Expected {
  step: string;
  type: string;
  memberId: string;
  available?: number;
  held?: number;
  growth?: number;
  system: string;
  systemAmount: number;
}

const MARCH = { from: '2026-03-01T00:00:00+08:00', to: '2026-04-01T00:00:00+08:00' };
const query = (range: { from: string; to: string }) =>
  `from=${encodeURIComponent(range.from)}&to=${encodeURIComponent(range.to)}`;

describe.each(ENGINES)('journal export and trial balance (%s)', (engine) => {
  let api: TestApi;
  /** Entry ids by step, in the order they were written. */
  const ids: { step: string; id: string; effectiveAt: string }[] = [];

  async function step(name: string, method: 'POST', url: string, body: unknown) {
    api.clock.advance(60_000);
    const response = await api.call(method, url, body);
    expect(response.status, `${name}: ${JSON.stringify(response.body)}`).toBeLessThan(300);
    for (const entry of response.body.entries as { id: string; type: string; effectiveAt: string }[]) {
      ids.push({ step: `${name}/${entry.type}`, id: entry.id, effectiveAt: entry.effectiveAt });
    }
    return response.body;
  }

  beforeAll(async () => {
    api = await openTestApi(engine, '2026-03-01T02:00:00Z');
    await api.call('PUT', '/v1/members/m-1', {});
    await api.call('PUT', '/v1/members/m-2', {});
    await step('credit m-1', 'POST', '/v1/members/m-1/credits', {
      points: 1000,
      reason: 'welcome',
      expiresAt: '2026-03-20T00:00:00Z',
    });
    await step('credit m-2', 'POST', '/v1/members/m-2/credits', { points: 500, reason: 'order', growth: 50 });
    const debit = await step('debit m-1', 'POST', '/v1/members/m-1/debits', {
      points: 300,
      reason: 'coffee',
    });
    api.clock.advance(60_000);
    const hold = await api.call('POST', '/v1/holds', { memberId: 'm-1', points: 200, reason: 'checkout' });
    expect(hold.status).toBe(201);
    ids.push({
      step: 'hold m-1/hold',
      id: hold.body.entries[0].id,
      effectiveAt: hold.body.entries[0].effectiveAt,
    });
    await step('capture', 'POST', `/v1/holds/${hold.body.hold.id}/capture`, { points: 150 });
    await step('reverse debit', 'POST', `/v1/entries/${debit.entries[0].id}/reversal`, { reason: 'refund' });
    await step('adjust m-2', 'POST', '/v1/members/m-2/adjustments', {
      points: -100,
      reason: 'correction',
      operator: 'ops-1',
    });
    api.clock.set('2026-03-21T00:00:00Z');
    await runAllSweeps(api.db, api.clock);
    const expired = await api.call('GET', '/v1/members/m-1/entries?type=expire');
    expect(expired.body.data).toHaveLength(1);
    ids.push({
      step: 'expiry/expire',
      id: expired.body.data[0].id,
      effectiveAt: expired.body.data[0].effectiveAt,
    });
    api.clock.set('2026-04-02T00:00:00Z');
    await step('credit m-2 in April', 'POST', '/v1/members/m-2/credits', { points: 70, reason: 'order' });
  });
  afterAll(async () => api.close());

  /** What each of March's entries posts, worked out by hand, in the order they were written. */
  const MARCH_LINES: Expected[] = [
    {
      step: 'credit m-1/earn',
      type: 'earn',
      memberId: 'm-1',
      available: 1000,
      system: 'issued',
      systemAmount: -1000,
    },
    {
      step: 'credit m-2/earn',
      type: 'earn',
      memberId: 'm-2',
      available: 500,
      system: 'issued',
      systemAmount: -500,
    },
    {
      step: 'credit m-2/growth',
      type: 'growth',
      memberId: 'm-2',
      growth: 50,
      system: 'growth_issued',
      systemAmount: -50,
    },
    {
      step: 'debit m-1/spend',
      type: 'spend',
      memberId: 'm-1',
      available: -300,
      system: 'redeemed',
      systemAmount: 300,
    },
    {
      step: 'hold m-1/hold',
      type: 'hold',
      memberId: 'm-1',
      available: -200,
      held: 200,
      system: 'holds',
      systemAmount: 0,
    },
    {
      step: 'capture/capture',
      type: 'capture',
      memberId: 'm-1',
      held: -150,
      system: 'redeemed',
      systemAmount: 150,
    },
    {
      step: 'capture/hold_release',
      type: 'hold_release',
      memberId: 'm-1',
      available: 50,
      held: -50,
      system: 'holds',
      systemAmount: 0,
    },
    {
      step: 'reverse debit/reverse',
      type: 'reverse',
      memberId: 'm-1',
      available: 300,
      system: 'redeemed',
      systemAmount: -300,
    },
    {
      step: 'adjust m-2/adjust',
      type: 'adjust',
      memberId: 'm-2',
      available: -100,
      system: 'adjusted',
      systemAmount: 100,
    },
    {
      step: 'expiry/expire',
      type: 'expire',
      memberId: 'm-1',
      available: -850,
      system: 'expired',
      systemAmount: 850,
    },
  ];

  /** The answer as text (api.call would parse JSON lines as one JSON document). */
  async function fetchText(url: string, headers: Record<string, string> = {}) {
    const response = await api.app.inject({
      method: 'GET',
      url,
      headers: { authorization: `Bearer ${api.key}`, ...headers },
    });
    return { status: response.statusCode, headers: response.headers, body: response.body };
  }

  function idOf(stepName: string) {
    const found = ids.find((entry) => entry.step === stepName);
    if (!found) throw new Error(`no entry for ${stepName}: ${ids.map((entry) => entry.step).join(', ')}`);
    return found;
  }

  test('the CSV export has a header and one line per entry of the range, in effective date then id order', async () => {
    const response = await api.call('GET', `/v1/finance/journal?${query(MARCH)}`);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe(
      'attachment; filename="journal-20260228T160000Z-20260331T160000Z.csv"',
    );
    const [header, ...lines] = csvRecords(response.body as string);
    expect(header).toEqual([...JOURNAL_CSV_COLUMNS]);
    expect(lines).toHaveLength(MARCH_LINES.length);
    const column = (line: string[], name: (typeof JOURNAL_CSV_COLUMNS)[number]) =>
      line[JOURNAL_CSV_COLUMNS.indexOf(name)];
    MARCH_LINES.forEach((expected, index) => {
      const line = lines[index]!;
      const entry = idOf(expected.step);
      expect(
        {
          entry_id: column(line, 'entry_id'),
          effective_at: column(line, 'effective_at'),
          type: column(line, 'type'),
          member_id: column(line, 'member_id'),
          unit: column(line, 'unit'),
          available: column(line, 'available'),
          pending: column(line, 'pending'),
          held: column(line, 'held'),
          growth: column(line, 'growth'),
          system_account: column(line, 'system_account'),
          system_amount: column(line, 'system_amount'),
          debt_memo: column(line, 'debt_memo'),
        },
        expected.step,
      ).toEqual({
        entry_id: entry.id,
        effective_at: entry.effectiveAt,
        type: expected.type,
        member_id: expected.memberId,
        unit: expected.growth ? 'growth' : 'points',
        available: String(expected.available ?? 0),
        pending: '0',
        held: String(expected.held ?? 0),
        growth: String(expected.growth ?? 0),
        system_account: `system:${expected.system}`,
        system_amount: String(expected.systemAmount),
        debt_memo: '0',
      });
    });
    const reversal = lines[7]!;
    expect(column(reversal, 'reverses_entry_id')).toBe(idOf('debit m-1/spend').id);
    expect(column(lines[5]!, 'hold_id')).toMatch(/^hld_/);
    expect(column(lines[8]!, 'operator')).toBe('ops-1');
    expect(column(lines[3]!, 'reason_en')).toBe('coffee');
    // A narrower range: only what counts from within it (the expiry, on 21 March).
    const late = await api.call(
      'GET',
      `/v1/finance/journal?${query({ from: '2026-03-20T00:00:00Z', to: MARCH.to })}`,
      undefined,
      { accept: 'text/csv' },
    );
    expect(
      csvRecords(late.body as string)
        .slice(1)
        .map((line) => line[0]),
    ).toEqual([idOf('expiry/expire').id]);
  });

  test('the JSON lines export carries the same entries with their postings, which sum to zero', async () => {
    for (const asked of [`format=jsonl`, '']) {
      const response = await fetchText(
        `/v1/finance/journal?${query(MARCH)}${asked ? `&${asked}` : ''}`,
        asked ? {} : { accept: 'application/x-ndjson' },
      );
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
      const text = response.body as string;
      expect(text.endsWith('\n')).toBe(true);
      const lines = text
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line));
      expect(lines).toHaveLength(MARCH_LINES.length);
      MARCH_LINES.forEach((expected, index) => {
        const line = lines[index];
        const postings = [
          ['member:available', expected.available ?? 0],
          ['member:held', expected.held ?? 0],
          ['member:growth', expected.growth ?? 0],
          [`system:${expected.system}`, expected.systemAmount],
        ]
          .filter(([, amount]) => amount !== 0)
          .map(([account, amount]) => ({ account, amount }));
        expect(
          { entryId: line.entryId, type: line.type, memberId: line.memberId, postings: line.postings },
          expected.step,
        ).toEqual({
          entryId: idOf(expected.step).id,
          type: expected.type,
          memberId: expected.memberId,
          postings,
        });
        expect(
          line.postings.reduce((sum: number, posting: { amount: number }) => sum + posting.amount, 0),
        ).toBe(0);
      });
    }
  });

  const MARCH_ACCOUNTS = [
    { account: 'member:available', unit: 'points', opening: 0, debits: 1450, credits: 1850, closing: 400 },
    { account: 'member:pending', unit: 'points', opening: 0, debits: 0, credits: 0, closing: 0 },
    { account: 'member:held', unit: 'points', opening: 0, debits: 200, credits: 200, closing: 0 },
    { account: 'member:growth', unit: 'growth', opening: 0, debits: 0, credits: 50, closing: 50 },
    { account: 'system:issued', unit: 'points', opening: 0, debits: 1500, credits: 0, closing: -1500 },
    { account: 'system:redeemed', unit: 'points', opening: 0, debits: 300, credits: 450, closing: 150 },
    { account: 'system:expired', unit: 'points', opening: 0, debits: 0, credits: 850, closing: 850 },
    { account: 'system:adjusted', unit: 'points', opening: 0, debits: 0, credits: 100, closing: 100 },
    { account: 'system:transfers', unit: 'points', opening: 0, debits: 0, credits: 0, closing: 0 },
    { account: 'system:holds', unit: 'points', opening: 0, debits: 0, credits: 0, closing: 0 },
    { account: 'system:pending', unit: 'points', opening: 0, debits: 0, credits: 0, closing: 0 },
    { account: 'system:growth_issued', unit: 'growth', opening: 0, debits: 50, credits: 0, closing: -50 },
  ];

  test("March's trial balance matches the hand-computed figures and sums to zero per unit", async () => {
    const response = await api.call('GET', '/v1/finance/trial-balance?period=2026-03');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      period: '2026-03',
      timezone: 'Asia/Shanghai',
      from: '2026-02-28T16:00:00.000Z',
      to: '2026-03-31T16:00:00.000Z',
      entries: MARCH_LINES.length,
      accounts: MARCH_ACCOUNTS,
      units: [
        { account: 'total:points', unit: 'points', opening: 0, debits: 3450, credits: 3450, closing: 0 },
        { account: 'total:growth', unit: 'growth', opening: 0, debits: 50, credits: 50, closing: 0 },
      ],
      debtMemo: { opening: 0, increases: 0, decreases: 0, closing: 0 },
    });
    // The export's totals of the same range are the same figures.
    const totals = await api.call('GET', `/v1/finance/journal/totals?${query(MARCH)}`);
    expect(totals.body.accounts).toEqual(MARCH_ACCOUNTS);
  });

  test("April opens where March closed, and its closing balances are the members' balances", async () => {
    const april = (await api.call('GET', '/v1/finance/trial-balance?period=2026-04')).body;
    for (const march of MARCH_ACCOUNTS) {
      const account = april.accounts.find((row: { account: string }) => row.account === march.account);
      expect(account.opening, march.account).toBe(march.closing);
    }
    const available = april.accounts.find((row: { account: string }) => row.account === 'member:available');
    expect(available).toMatchObject({ opening: 400, credits: 70, debits: 0, closing: 470 });
    const members = await Promise.all(['m-1', 'm-2'].map((id) => api.call('GET', `/v1/members/${id}`)));
    const sum = (bucket: string) =>
      members.reduce((total, member) => total + (member.body.balances[bucket] as number), 0);
    for (const bucket of ['available', 'pending', 'held', 'growth']) {
      const account = april.accounts.find((row: { account: string }) => row.account === `member:${bucket}`);
      expect(account.closing, bucket).toBe(sum(bucket));
    }
  });

  test('bad ranges, periods and formats are 400 naming the field', async () => {
    const cases: [string, string][] = [
      [`/v1/finance/journal?from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z`, 'querystring/to'],
      [`/v1/finance/journal?from=2026-03-01T00:00:00Z&to=2026-03-01T00:00:00Z`, 'querystring/to'],
      [`/v1/finance/journal?${query(MARCH)}&format=xlsx`, 'querystring/format'],
      [`/v1/finance/journal?from=2026-03-01&to=2026-04-01T00:00:00Z`, 'querystring/from'],
      [`/v1/finance/journal?to=2026-04-01T00:00:00Z`, 'querystring/from'],
      [`/v1/finance/journal/totals?from=2026-04-01T00:00:00Z&to=2026-03-01T00:00:00Z`, 'querystring/to'],
      ['/v1/finance/trial-balance?period=2026-13', 'querystring/period'],
      ['/v1/finance/trial-balance?period=2026-3', 'querystring/period'],
      ['/v1/finance/trial-balance', 'querystring/period'],
    ];
    for (const [url, field] of cases) {
      const response = await api.call('GET', url);
      expect(response.status, url).toBe(400);
      expect(response.headers['content-type'], url).toMatch(/^application\/problem\+json/);
      expect(response.body.code, url).toBe('validation_failed');
      expect(
        response.body.errors.map((error: { field: string }) => error.field),
        url,
      ).toContain(field);
    }
  });

  test('an export is recorded in the audit log with its range and format (as negotiated)', async () => {
    const asked = await fetchText(`/v1/finance/journal?${query(MARCH)}`, { accept: 'application/x-ndjson' });
    expect(asked.status).toBe(200);
    const records = await api.call('GET', '/v1/audit?action=finance.journal_exported&limit=1');
    expect(records.status).toBe(200);
    expect(records.body.data[0]).toMatchObject({
      action: 'finance.journal_exported',
      target: { type: 'journal', id: null },
      outcome: 200,
      summary: { operation: 'GET /v1/finance/journal', from: MARCH.from, to: MARCH.to, format: 'jsonl' },
    });
  });
});

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { verifyLedger } from '../src/verify/verify-ledger.ts';
import { openTestApi, type TestApi } from './support/test-api.ts';
import { ENGINES } from './support/test-database.ts';

describe.each(ENGINES)('a member earns and spends (%s)', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await openTestApi(engine);
  });
  afterAll(async () => api.close());

  test('credit, debit and read back balances, lots and entries', async () => {
    expect((await api.call('PUT', '/v1/members/alice', {})).status).toBe(201);
    const credit = await api.call('POST', '/v1/members/alice/credits', { points: 100, reason: '开卡礼' });
    expect(credit.status).toBe(201);
    const debit = await api.call('POST', '/v1/members/alice/debits', { points: 30, reason: 'coffee' });
    expect(debit.status).toBe(201);
    const member = await api.call('GET', '/v1/members/alice');
    expect(member.body.balances).toEqual({ available: 70, pending: 0, held: 0, growth: 0, debt: 0 });
    const lots = await api.call('GET', '/v1/members/alice/lots');
    expect(lots.body.data.map((lot: { remaining: number }) => lot.remaining)).toEqual([70]);
    const entries = await api.call('GET', '/v1/members/alice/entries');
    expect(entries.body.data.map((entry: { type: string }) => entry.type)).toEqual(['spend', 'earn']);
    expect((await verifyLedger(api.db)).violations).toEqual([]);
  });
});

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TestApi } from '../support/test-api.ts';
import { DAY_MS, daysAfter, expectLedgerSound, play, type Scenario, sweep } from './api-scenarios.ts';

interface AdjustScenario extends Scenario {
  body: Record<string, unknown> | ((now: Date) => Record<string, unknown>);
}

const scenarios: AdjustScenario[] = [
  {
    name: 'a positive adjustment adds a lot and records the operator',
    body: { points: 50, reason: { 'zh-CN': '客服补偿', en: 'Service compensation' }, operator: 'alice@ops' },
    status: 201,
    verify: async (reply, shop) => {
      const [entry] = reply.body.entries;
      expect(entry).toMatchObject({
        type: 'adjust',
        points: 50,
        operator: 'alice@ops',
        contraAccount: 'adjusted',
        source: { kind: 'operator' },
        reason: { 'zh-CN': '客服补偿', en: 'Service compensation' },
      });
      expect(await shop.lots('m')).toMatchObject([{ amount: 50, remaining: 50, entryId: entry.id }]);
      expect((await shop.balances('m')).available).toBe(50);
    },
  },
  {
    name: 'a positive adjustment may set its own expiry',
    body: (now) => ({ points: 5, reason: 'x', operator: 'op', expiresAt: daysAfter(now, 2) }),
    status: 201,
    verify: async (_reply, shop) =>
      expect((await shop.lots('m'))[0].expiresAt).toBe(daysAfter(shop.api.clock.now(), 2)),
  },
  {
    name: 'a positive adjustment with an expiry in the past is refused',
    body: (now) => ({ points: 5, reason: 'x', operator: 'op', expiresAt: daysAfter(now, -2) }),
    status: 422,
    code: 'expiry_in_past',
    verify: async (_reply, shop) => expect((await shop.balances('m')).available).toBe(0),
  },
  {
    name: 'an operator may adjust a blocked member',
    members: { m: { status: 'blocked' } },
    body: { points: 10, reason: 'x', operator: 'op' },
    status: 201,
    verify: async (_reply, shop) => expect((await shop.balances('m')).available).toBe(10),
  },
  {
    name: 'a negative adjustment within the balance',
    given: (shop) => shop.credit('m', 100),
    body: { points: -30, reason: '误操作更正', operator: 'op' },
    status: 201,
    verify: async (reply, shop) => {
      expect(reply.body.entries[0]).toMatchObject({ points: -30, unrecoveredPoints: 0 });
      expect(await shop.balances('m')).toMatchObject({ available: 70, debt: 0 });
      expect((await shop.lots('m'))[0].remaining).toBe(70);
    },
  },
  {
    name: 'cap_at_zero: what is not there is written off as unrecoveredPoints',
    given: (shop) => shop.credit('m', 20),
    body: { points: -50, reason: 'fraud', operator: 'risk' },
    status: 201,
    verify: async (reply, shop) => {
      expect(reply.body.entries[0]).toMatchObject({ points: -20, unrecoveredPoints: 30 });
      expect(reply.body.entries[0].balancesAfter).toMatchObject({ available: 0, debt: 0 });
      expect(await shop.balances('m')).toMatchObject({ available: 0, debt: 0 });
      // Nothing is owed: the next credit is the member's in full.
      await shop.credit('m', 10);
      expect(await shop.balances('m')).toMatchObject({ available: 10, debt: 0 });
    },
  },
  {
    name: 'allow_debt: the shortfall becomes debt, repaid by the next credit',
    settings: { negativeBalance: 'allow_debt' },
    given: (shop) => shop.credit('m', 20),
    body: { points: -50, reason: 'fraud', operator: 'risk' },
    status: 201,
    verify: async (reply, shop) => {
      expect(reply.body.entries[0]).toMatchObject({ points: -50, unrecoveredPoints: 0 });
      expect(await shop.balances('m')).toMatchObject({ available: -30, debt: 30 });
      const repaying = await shop.credit('m', 100);
      expect(repaying.change).toMatchObject({ available: 100, debt: -30 });
      expect(await shop.balances('m')).toMatchObject({ available: 70, debt: 0 });
      const [lot] = await shop.lots('m');
      expect(lot).toMatchObject({ amount: 100, remaining: 70 });
      const refused = await shop.call('POST', '/v1/members/m/debits', { points: 71, reason: 'x' });
      expect(refused.body).toMatchObject({ code: 'insufficient_points', availablePoints: 70 });
      await shop.debit('m', 70);
    },
  },
  {
    name: 'allow_debt: a pending credit repays the debt only when released',
    settings: { negativeBalance: 'allow_debt' },
    given: (shop) => shop.credit('m', 100, { pendingDays: 2 }),
    body: { points: -30, reason: 'fraud', operator: 'risk' },
    status: 201,
    verify: async (_reply, shop) => {
      expect(await shop.balances('m')).toMatchObject({ available: -30, pending: 100, debt: 30 });
      shop.api.clock.advance(2 * DAY_MS);
      await sweep(shop.api);
      expect(await shop.balances('m')).toMatchObject({ available: 70, pending: 0, debt: 0 });
    },
  },
  {
    name: 'the operator is required',
    body: { points: 10, reason: 'x' },
    status: 400,
    code: 'validation_failed',
    fields: ['body/operator'],
  },
  {
    name: 'zero points is not an adjustment',
    body: { points: 0, reason: 'x', operator: 'op' },
    status: 400,
    code: 'validation_failed',
    fields: ['body/points'],
  },
  {
    name: 'an empty operator and a missing reason',
    body: { points: 3, operator: '' },
    status: 400,
    code: 'validation_failed',
    fields: ['body/operator', 'body/reason'],
  },
];

/** Registers this table in the caller's describe, on the caller's API. */
export function adjustmentScenarios(use: () => TestApi): void {
  describe('POST /v1/members/{id}/adjustments', () => {
    let api: TestApi;
    beforeAll(async () => {
      api = use();
    });
    afterAll(async () => expectLedgerSound(api));

    test.each(scenarios)('$name', (scenario) =>
      play(api, scenario, (shop) => {
        const body = typeof scenario.body === 'function' ? scenario.body(api.clock.now()) : scenario.body;
        return shop.call('POST', '/v1/members/m/adjustments', body);
      }),
    );
  });
}

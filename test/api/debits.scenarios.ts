import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TestApi } from '../support/test-api.ts';
import {
  DAY_MS,
  daysAfter,
  expectLedgerSound,
  play,
  type Scenario,
  type Shop,
  sweep,
} from './api-scenarios.ts';

interface DebitScenario extends Scenario {
  body: Record<string, unknown>;
}

const unchanged = (available: number) => async (_reply: unknown, shop: Shop) => {
  expect((await shop.balances('m')).available).toBe(available);
  expect((await shop.entries('m')).some((entry) => entry.type === 'spend')).toBe(false);
};

const scenarios: DebitScenario[] = [
  {
    name: 'spends available points',
    given: (shop) => shop.credit('m', 100),
    body: { points: 30, reason: '兑换咖啡' },
    status: 201,
    verify: async (reply, shop, earn) => {
      const [entry] = reply.body.entries;
      expect(entry).toMatchObject({ type: 'spend', points: -30, contraAccount: 'redeemed' });
      expect(entry.balancesAfter.available).toBe(70);
      expect(entry.lots).toEqual([{ lotId: earn.lots[0].lotId, points: -30 }]);
      expect(await shop.balances('m')).toMatchObject({ available: 70 });
      expect((await shop.lots('m'))[0].remaining).toBe(70);
    },
  },
  {
    name: 'spends every last point',
    given: (shop) => shop.credit('m', 100),
    body: { points: 100, reason: 'all' },
    status: 201,
    verify: async (_reply, shop) => {
      expect((await shop.balances('m')).available).toBe(0);
      expect(await shop.lots('m')).toEqual([]);
    },
  },
  {
    name: 'one point more than available is refused',
    given: (shop) => shop.credit('m', 50),
    body: { points: 51, reason: 'x' },
    status: 422,
    code: 'insufficient_points',
    verify: async (reply, shop) => {
      expect(reply.body).toMatchObject({ availablePoints: 50, requestedPoints: 51 });
      await unchanged(50)(reply, shop);
    },
  },
  {
    name: 'a member with no points at all',
    body: { points: 1, reason: 'x' },
    status: 422,
    code: 'insufficient_points',
    verify: (reply) => expect(reply.body.availablePoints).toBe(0),
  },
  {
    name: 'pending points cannot be spent until released',
    given: (shop) => shop.credit('m', 100, { pendingDays: 3 }),
    body: { points: 1, reason: 'x' },
    status: 422,
    code: 'insufficient_points',
    verify: async (reply, shop) => {
      expect(reply.body.availablePoints).toBe(0);
      shop.api.clock.advance(3 * DAY_MS);
      await sweep(shop.api);
      await shop.debit('m', 100);
      expect((await shop.balances('m')).available).toBe(0);
    },
  },
  {
    name: 'expired points cannot be spent even before the expiry sweep runs',
    settings: { expiryPolicy: { kind: 'rolling', unit: 'days', count: 1 } },
    given: async (shop) => {
      const old = await shop.credit('m', 100);
      shop.api.clock.advance(3 * DAY_MS);
      const fresh = await shop.credit('m', 40);
      return { old, fresh };
    },
    body: { points: 41, reason: 'x' },
    status: 422,
    code: 'insufficient_points',
    verify: async (reply, shop, { old, fresh }) => {
      expect(reply.body.availablePoints).toBe(40);
      // Reads agree: the expired lot counts for nothing and is shown as expired.
      expect((await shop.balances('m')).available).toBe(40);
      const lots = await shop.lots('m');
      expect(lots.find((lot) => lot.id === old.lots[0].lotId)).toMatchObject({
        status: 'expired',
        remaining: 100,
      });
      // What can be spent comes only from the live lot.
      const spent = await shop.debit('m', 40);
      expect(spent.lots).toEqual([{ lotId: fresh.lots[0].lotId, points: -40 }]);
      await sweep(shop.api);
      const [expire] = (await shop.entries('m')).filter((entry) => entry.type === 'expire');
      expect(expire).toMatchObject({ points: -100, contraAccount: 'expired' });
    },
  },
  {
    name: 'lots are spent earliest expiry first, ties by earning time, never-expiring last',
    given: async (shop) => {
      const now = shop.api.clock.now();
      const lotOf = async (extra: Record<string, unknown>) => {
        const entry = await shop.credit('m', 100, extra);
        shop.api.clock.advance(60_000);
        return entry.lots[0].lotId as string;
      };
      const never = await lotOf({});
      const late = await lotOf({ expiresAt: daysAfter(now, 60) });
      const soonFirst = await lotOf({ expiresAt: daysAfter(now, 30) });
      const soonSecond = await lotOf({ expiresAt: daysAfter(now, 30) });
      return { never, late, soonFirst, soonSecond };
    },
    body: { points: 250, reason: 'big order' },
    status: 201,
    verify: async (reply, shop, lots) => {
      expect(reply.body.entries[0].lots).toEqual([
        { lotId: lots.soonFirst, points: -100 },
        { lotId: lots.soonSecond, points: -100 },
        { lotId: lots.late, points: -50 },
      ]);
      const remaining = Object.fromEntries((await shop.lots('m')).map((lot) => [lot.id, lot.remaining]));
      expect(remaining).toEqual({ [lots.never]: 100, [lots.late]: 50 });
    },
  },
  {
    name: 'a frozen member cannot spend',
    members: { m: { status: 'frozen' } },
    given: (shop) => shop.credit('m', 100),
    body: { points: 10, reason: 'x' },
    status: 422,
    code: 'member_frozen',
    verify: unchanged(100),
  },
  {
    name: 'a blocked member cannot spend',
    given: async (shop) => {
      await shop.credit('m', 100);
      expect((await shop.call('PUT', '/v1/members/m', { status: 'blocked' })).status).toBe(200);
    },
    body: { points: 10, reason: 'x' },
    status: 422,
    code: 'member_blocked',
    verify: unchanged(100),
  },
  {
    name: 'a member in debt cannot spend the points that repay it',
    settings: { negativeBalance: 'allow_debt' },
    given: async (shop) => {
      await shop.credit('m', 20);
      await shop.adjust('m', -50);
      await shop.credit('m', 10);
    },
    body: { points: 1, reason: 'x' },
    status: 422,
    code: 'insufficient_points',
    verify: async (reply, shop) => {
      expect(reply.body.availablePoints).toBe(0);
      expect(await shop.balances('m')).toMatchObject({ available: -20, debt: 20 });
    },
  },
  {
    name: 'zero points',
    body: { points: 0, reason: 'x' },
    status: 400,
    code: 'validation_failed',
    fields: ['body/points'],
  },
  {
    name: 'negative points and no reason',
    body: { points: -5 },
    status: 400,
    code: 'validation_failed',
    fields: ['body/points', 'body/reason'],
  },
];

/** Registers this table in the caller's describe, on the caller's API. */
export function debitScenarios(use: () => TestApi): void {
  describe('POST /v1/members/{id}/debits', () => {
    let api: TestApi;
    beforeAll(async () => {
      api = use();
    });
    afterAll(async () => expectLedgerSound(api));

    test.each(scenarios)('$name', (scenario) =>
      play(api, scenario, (shop) => shop.call('POST', '/v1/members/m/debits', scenario.body)),
    );
  });
}

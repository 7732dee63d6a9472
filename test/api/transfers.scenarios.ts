import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TestApi } from '../support/test-api.ts';
import {
  advanceToShanghaiTime,
  DAY_MS,
  daysAfter,
  expectLedgerSound,
  play,
  type Scenario,
  type Shop,
} from './api-scenarios.ts';

interface TransferScenario extends Scenario {
  body: Record<string, unknown>;
}

const gift = (points: number, from = 'm', to = 'friend') => ({
  fromMemberId: from,
  toMemberId: to,
  points,
  reason: { 'zh-CN': '送你积分', en: 'A gift' },
});

async function send(shop: Shop, points: number, from = 'm', to = 'friend') {
  return shop.call('POST', '/v1/transfers', gift(points, from, to));
}

const balancesAre = (m: number, friend: number) => async (_reply: unknown, shop: Shop) => {
  expect((await shop.balances('m')).available).toBe(m);
  expect((await shop.balances('friend')).available).toBe(friend);
};

const pair = { m: {}, friend: {} };

const scenarios: TransferScenario[] = [
  {
    name: 'points move from sender to recipient, each side an entry naming the other',
    given: (shop) => shop.credit('m', 100),
    body: gift(40),
    status: 201,
    verify: async (reply, shop) => {
      const [out, into] = reply.body.entries;
      expect(out).toMatchObject({
        type: 'transfer_out',
        memberId: 'm',
        points: -40,
        counterpartyMemberId: 'friend',
      });
      expect(into).toMatchObject({
        type: 'transfer_in',
        memberId: 'friend',
        points: 40,
        counterpartyMemberId: 'm',
      });
      expect(out.txnId).toBe(into.txnId);
      expect(out.reason.en).toBe('Transferred to member friend: A gift');
      expect(into.reason['zh-CN']).toContain('送你积分');
      await balancesAre(60, 40)(reply, shop);
    },
  },
  {
    name: "the recipient's lots keep the sender lots' expiry, not the program policy",
    settings: { expiryPolicy: { kind: 'rolling', unit: 'days', count: 365 } },
    given: async (shop) => {
      const now = shop.api.clock.now();
      const soon = await shop.credit('m', 30, { expiresAt: daysAfter(now, 10) });
      const later = await shop.credit('m', 100, { expiresAt: daysAfter(now, 40) });
      return { soon: soon.lots[0].lotId, later: later.lots[0].lotId, now };
    },
    body: gift(50),
    status: 201,
    verify: async (_reply, shop, given) => {
      const lots = await shop.lots('friend');
      expect(lots.map(({ amount, expiresAt, originLotId }) => ({ amount, expiresAt, originLotId }))).toEqual([
        { amount: 30, expiresAt: daysAfter(given.now, 10), originLotId: given.soon },
        { amount: 20, expiresAt: daysAfter(given.now, 40), originLotId: given.later },
      ]);
    },
  },
  {
    name: 'points that never expire stay that way for the recipient, whatever the policy now says',
    given: async (shop) => {
      await shop.credit('m', 10);
      await shop.configure({ expiryPolicy: { kind: 'rolling', unit: 'days', count: 365 } });
    },
    body: gift(10),
    status: 201,
    verify: async (_reply, shop) => expect((await shop.lots('friend'))[0].expiresAt).toBeNull(),
  },
  {
    name: 'a member cannot transfer to themself',
    given: (shop) => shop.credit('m', 100),
    body: gift(10, 'm', 'm'),
    status: 422,
    code: 'transfer_to_self',
    verify: async (_reply, shop) => expect((await shop.balances('m')).available).toBe(100),
  },
  {
    name: 'below the minimum',
    settings: { transferLimits: { minPoints: 10 } },
    given: (shop) => shop.credit('m', 100),
    body: gift(9),
    status: 422,
    code: 'transfer_limit_exceeded',
    verify: async (reply, shop) => {
      expect(reply.body).toMatchObject({ limit: 'minPoints', limitPoints: 10 });
      await balancesAre(100, 0)(reply, shop);
    },
  },
  {
    name: 'exactly the minimum',
    settings: { transferLimits: { minPoints: 10 } },
    given: (shop) => shop.credit('m', 100),
    body: gift(10),
    status: 201,
    verify: balancesAre(90, 10),
  },
  {
    name: 'above the maximum',
    settings: { transferLimits: { maxPoints: 100 } },
    given: (shop) => shop.credit('m', 500),
    body: gift(101),
    status: 422,
    code: 'transfer_limit_exceeded',
    verify: async (reply, shop) => {
      expect(reply.body).toMatchObject({ limit: 'maxPoints', limitPoints: 100 });
      await balancesAre(500, 0)(reply, shop);
      expect((await send(shop, 100)).status).toBe(201);
    },
  },
  {
    name: "over the daily maximum, counting today's transfers; a new Shanghai day starts afresh",
    settings: { transferLimits: { dailyMaxPoints: 100 } },
    given: async (shop) => {
      advanceToShanghaiTime(shop.api.clock, 10, 0);
      await shop.credit('m', 1000);
      expect((await send(shop, 60)).status).toBe(201);
    },
    body: gift(50),
    status: 422,
    code: 'transfer_limit_exceeded',
    verify: async (reply, shop) => {
      expect(reply.body).toMatchObject({ limit: 'dailyMaxPoints', limitPoints: 100 });
      expect((await send(shop, 40)).status).toBe(201);
      advanceToShanghaiTime(shop.api.clock, 23, 59);
      expect((await send(shop, 1)).body).toMatchObject({ code: 'transfer_limit_exceeded' });
      advanceToShanghaiTime(shop.api.clock, 0, 1);
      expect((await send(shop, 100)).status).toBe(201);
      await balancesAre(800, 200)(reply, shop);
    },
  },
  {
    name: 'the daily maximum is per sender',
    settings: { transferLimits: { dailyMaxPoints: 100 } },
    given: async (shop) => {
      await shop.credit('m', 100);
      await shop.credit('friend', 100);
      expect((await send(shop, 100)).status).toBe(201);
    },
    body: gift(100, 'friend', 'm'),
    status: 201,
    verify: balancesAre(100, 100),
  },
  {
    name: 'a frozen sender',
    members: { m: { status: 'frozen' }, friend: {} },
    given: (shop) => shop.credit('m', 100),
    body: gift(10),
    status: 422,
    code: 'member_frozen',
    verify: async (reply, shop) => {
      expect(reply.body.memberId).toBe('m');
      await balancesAre(100, 0)(reply, shop);
    },
  },
  {
    name: 'a blocked sender',
    members: { m: { status: 'blocked' }, friend: {} },
    body: gift(10),
    status: 422,
    code: 'member_blocked',
    verify: (reply) => expect(reply.body.memberId).toBe('m'),
  },
  {
    name: 'a blocked recipient',
    members: { m: {}, friend: { status: 'blocked' } },
    given: (shop) => shop.credit('m', 100),
    body: gift(10),
    status: 422,
    code: 'member_blocked',
    verify: async (reply, shop) => {
      expect(reply.body.memberId).toBe('friend');
      expect((await shop.balances('m')).available).toBe(100);
    },
  },
  {
    name: 'a frozen recipient may still receive',
    members: { m: {}, friend: { status: 'frozen' } },
    given: (shop) => shop.credit('m', 100),
    body: gift(10),
    status: 201,
    verify: balancesAre(90, 10),
  },
  {
    name: 'more than the sender has',
    given: (shop) => shop.credit('m', 30),
    body: gift(31),
    status: 422,
    code: 'insufficient_points',
    verify: async (reply, shop) => {
      expect(reply.body.availablePoints).toBe(30);
      await balancesAre(30, 0)(reply, shop);
    },
  },
  {
    name: "the sender's expired, unswept points cannot be transferred",
    settings: { expiryPolicy: { kind: 'rolling', unit: 'days', count: 1 } },
    given: async (shop) => {
      await shop.credit('m', 100);
      shop.api.clock.advance(3 * DAY_MS);
    },
    body: gift(1),
    status: 422,
    code: 'insufficient_points',
    verify: balancesAre(0, 0),
  },
  {
    name: 'a recipient that is not a member',
    members: { m: {} },
    given: (shop) => shop.credit('m', 100),
    body: gift(10, 'm', 'ghost'),
    status: 404,
    code: 'member_not_found',
    verify: async (reply, shop) => {
      expect(reply.body.memberId).toBe('ghost');
      expect((await shop.balances('m')).available).toBe(100);
    },
  },
  {
    name: 'a sender that is not a member',
    body: gift(10, 'ghost', 'friend'),
    status: 404,
    code: 'member_not_found',
    verify: (reply) => expect(reply.body.memberId).toBe('ghost'),
  },
  {
    name: 'a recipient in debt: the transfer repays the debt first',
    settings: { negativeBalance: 'allow_debt' },
    given: async (shop) => {
      await shop.credit('m', 100);
      await shop.credit('friend', 10);
      await shop.adjust('friend', -30);
    },
    body: gift(50),
    status: 201,
    verify: async (reply, shop) => {
      expect(reply.body.entries[1].change).toMatchObject({ available: 50, debt: -20 });
      expect(await shop.balances('friend')).toMatchObject({ available: 30, debt: 0 });
    },
  },
  {
    name: 'no recipient and zero points',
    body: { fromMemberId: 'm', points: 0, reason: 'x' },
    status: 400,
    code: 'validation_failed',
    fields: ['body/points', 'body/toMemberId'],
  },
];

/** Registers this table in the caller's describe, on the caller's API. */
export function transferScenarios(use: () => TestApi): void {
  describe('POST /v1/transfers', () => {
    let api: TestApi;
    beforeAll(async () => {
      api = use();
    });
    afterAll(async () => expectLedgerSound(api));

    test.each(scenarios)('$name', (scenario) =>
      play(api, { members: pair, ...scenario }, (shop) => shop.call('POST', '/v1/transfers', scenario.body)),
    );
  });
}

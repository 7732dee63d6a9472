import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TestApi } from '../support/test-api.ts';
import {
  DAY_MS,
  daysAfter,
  expectLedgerSound,
  type Json,
  play,
  type Reply,
  type Scenario,
  type Shop,
  sweep,
} from './api-scenarios.ts';

interface ReversalScenario extends Scenario {
  /** `given` returns the id of the entry to reverse (or an object with `entryId`). */
  body?: Record<string, unknown>;
}

const EXPIRING = { expiryPolicy: { kind: 'rolling', unit: 'days', count: 1 } };

async function body(reply: Promise<Reply>, status: number) {
  const answer = await reply;
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  return answer.body;
}

/** m has 100 points and sends 40 to friend; returns both transfer entries. */
async function transferred(shop: Shop) {
  await shop.credit('m', 100);
  const { entries } = await body(
    shop.call('POST', '/v1/transfers', {
      fromMemberId: 'm',
      toMemberId: 'friend',
      points: 40,
      reason: 'gift',
    }),
    201,
  );
  return {
    out: entries.find((e: Json) => e.type === 'transfer_out'),
    in: entries.find((e: Json) => e.type === 'transfer_in'),
  };
}

async function hold(shop: Shop, points: number) {
  return (await body(shop.call('POST', '/v1/holds', { memberId: 'm', points, reason: 'checkout' }), 201))
    .hold;
}

async function entryOfType(shop: Shop, memberId: string, type: string) {
  const entry = (await shop.entries(memberId)).find((candidate) => candidate.type === type);
  expect(entry, `an entry of type ${type}`).toBeDefined();
  return entry;
}

/** 100 points (30 spent), then 50 that last longer; then the 100's expiry passes. */
async function creditSpentThenExpired(shop: Shop): Promise<string> {
  const earn = await shop.credit('m', 100);
  await shop.debit('m', 30);
  await shop.credit('m', 50, { expiresAt: daysAfter(shop.api.clock.now(), 30) });
  shop.api.clock.advance(3 * DAY_MS);
  return earn.id;
}

const withFriend = { m: {}, friend: {} };

const scenarios: ReversalScenario[] = [
  {
    name: 'an earn: the points are taken back',
    given: async (shop) => (await shop.credit('m', 100)).id,
    status: 201,
    verify: async (reply, shop, entryId) => {
      const [reversal] = reply.body.entries;
      expect(reversal).toMatchObject({
        type: 'reverse',
        points: -100,
        reversesEntryId: entryId,
        unrecoveredPoints: 0,
      });
      expect(reversal.reason.en).toMatch(/^Reversal: /);
      expect(reversal.reason['zh-CN']).toMatch(/^冲正/);
      expect(await shop.balances('m')).toMatchObject({ available: 0, debt: 0 });
      expect(await shop.lots('m')).toEqual([]);
    },
  },
  {
    name: 'an earn already partly spent, cap_at_zero: the spent part is written off',
    given: async (shop) => {
      const earn = await shop.credit('m', 100);
      await shop.debit('m', 80);
      return earn.id;
    },
    status: 201,
    verify: async (reply, shop) => {
      expect(reply.body.entries[0]).toMatchObject({ points: -20, unrecoveredPoints: 80 });
      expect(await shop.balances('m')).toMatchObject({ available: 0, debt: 0 });
    },
  },
  {
    name: 'an earn already partly spent, allow_debt: the spent part becomes debt',
    settings: { negativeBalance: 'allow_debt' },
    given: async (shop) => {
      const earn = await shop.credit('m', 100);
      await shop.debit('m', 80);
      return earn.id;
    },
    status: 201,
    verify: async (reply, shop) => {
      expect(reply.body.entries[0]).toMatchObject({ points: -100, unrecoveredPoints: 0 });
      expect(await shop.balances('m')).toMatchObject({ available: -80, debt: 80 });
    },
  },
  {
    name: 'a pending earn: the pending points are taken back and never released',
    given: async (shop) => (await shop.credit('m', 100, { pendingDays: 3 })).id,
    status: 201,
    verify: async (reply, shop) => {
      expect(reply.body.entries[0].change).toMatchObject({ pending: -100, available: 0 });
      shop.api.clock.advance(3 * DAY_MS);
      await sweep(shop.api);
      expect(await shop.balances('m')).toMatchObject({ available: 0, pending: 0 });
    },
  },
  {
    name: 'a spend: the points go back to the lot they came from',
    given: async (shop) => {
      await shop.credit('m', 100);
      return (await shop.debit('m', 30)).id;
    },
    status: 201,
    verify: async (reply, shop) => {
      const [lot] = await shop.lots('m');
      expect(reply.body.entries[0]).toMatchObject({ points: 30, lots: [{ lotId: lot.id, points: 30 }] });
      expect(lot.remaining).toBe(100);
      expect((await shop.balances('m')).available).toBe(100);
    },
  },
  {
    name: 'a spend whose lot expired meanwhile: the restored lot gets the grace period',
    settings: { ...EXPIRING, restoredLotGraceDays: 7 },
    given: async (shop) => {
      await shop.credit('m', 100);
      const spent = await shop.debit('m', 30);
      shop.api.clock.advance(3 * DAY_MS);
      await sweep(shop.api);
      expect((await shop.balances('m')).available).toBe(0);
      return spent.id;
    },
    status: 201,
    verify: async (reply, shop) => {
      const graceEnd = daysAfter(shop.api.clock.now(), 7);
      expect(reply.body.entries[0].lots).toMatchObject([{ points: 30, expiresAt: graceEnd }]);
      const [lot] = await shop.lots('m');
      expect(lot).toMatchObject({ remaining: 30, expiresAt: graceEnd, status: 'available' });
      await shop.debit('m', 30);
    },
  },
  {
    name: 'a credit partly spent, the rest expired and swept: only the spent points are taken back',
    settings: EXPIRING,
    given: async (shop) => {
      const earnId = await creditSpentThenExpired(shop);
      await sweep(shop.api);
      expect((await shop.balances('m')).available).toBe(50);
      return earnId;
    },
    status: 201,
    verify: async (reply, shop) => {
      // The 70 that expired are gone already; taking them again would charge the member twice.
      expect(reply.body.entries[0]).toMatchObject({ points: -30, unrecoveredPoints: 0 });
      expect((await shop.balances('m')).available).toBe(20);
    },
  },
  {
    name: 'a credit partly spent, the rest past expiry but not yet swept: its dead points go first',
    settings: EXPIRING,
    given: async (shop) => {
      return creditSpentThenExpired(shop);
    },
    status: 201,
    verify: async (reply, shop) => {
      expect(reply.body.entries[0]).toMatchObject({ points: -100, unrecoveredPoints: 0 });
      expect((await shop.balances('m')).available).toBe(20);
      await sweep(shop.api);
      expect((await shop.entries('m')).filter((entry) => entry.type === 'expire')).toHaveLength(0);
      expect((await shop.balances('m')).available).toBe(20);
    },
  },
  {
    name: 'a credit whose expiry was reversed: the renewed lot is taken back',
    settings: EXPIRING,
    given: async (shop) => {
      const earn = await shop.credit('m', 100);
      shop.api.clock.advance(3 * DAY_MS);
      await sweep(shop.api);
      const expiry = await entryOfType(shop, 'm', 'expire');
      await body(shop.call('POST', `/v1/entries/${expiry.id}/reversal`), 201);
      return earn.id;
    },
    status: 201,
    verify: async (reply, shop) => {
      expect(reply.body.entries[0]).toMatchObject({ points: -100, unrecoveredPoints: 0 });
      expect((await shop.balances('m')).available).toBe(0);
    },
  },
  {
    name: 'a positive adjustment: the points are taken back',
    given: async (shop) => (await shop.adjust('m', 40)).id,
    status: 201,
    verify: async (reply, shop) => {
      expect(reply.body.entries[0].points).toBe(-40);
      expect((await shop.balances('m')).available).toBe(0);
    },
  },
  {
    name: 'a negative adjustment: the points come back',
    given: async (shop) => {
      await shop.credit('m', 100);
      return (await shop.adjust('m', -30)).id;
    },
    status: 201,
    verify: async (reply, shop) => {
      expect(reply.body.entries[0].points).toBe(30);
      expect((await shop.balances('m')).available).toBe(100);
    },
  },
  {
    name: 'a negative adjustment that left debt: the debt is cancelled',
    settings: { negativeBalance: 'allow_debt' },
    given: async (shop) => {
      await shop.credit('m', 20);
      return (await shop.adjust('m', -50)).id;
    },
    status: 201,
    verify: async (_reply, shop) =>
      expect(await shop.balances('m')).toMatchObject({ available: 20, debt: 0 }),
  },
  {
    name: 'a transfer, by its sender side: both sides are undone',
    members: withFriend,
    given: async (shop) => {
      const { out, in: into } = await transferred(shop);
      return { entryId: out.id, sides: [out.id, into.id] };
    },
    status: 201,
    verify: async (reply, shop, given) => {
      expect(reply.body.entries.map((e: Json) => e.reversesEntryId).sort()).toEqual([...given.sides].sort());
      expect((await shop.balances('m')).available).toBe(100);
      expect((await shop.balances('friend')).available).toBe(0);
    },
  },
  {
    name: 'a transfer, by its recipient side: both sides are undone',
    members: withFriend,
    given: async (shop) => (await transferred(shop)).in.id,
    status: 201,
    verify: async (reply, shop) => {
      expect(reply.body.entries).toHaveLength(2);
      expect((await shop.balances('m')).available).toBe(100);
      expect((await shop.balances('friend')).available).toBe(0);
    },
  },
  {
    name: 'the other side of a reversed transfer is already reversed',
    members: withFriend,
    given: async (shop) => {
      const sides = await transferred(shop);
      await body(shop.call('POST', `/v1/entries/${sides.out.id}/reversal`), 201);
      return sides.in.id;
    },
    status: 409,
    code: 'entry_already_reversed',
    verify: async (reply, shop) => {
      expect(reply.body.reversalEntryId).toMatch(/^ent_/);
      expect((await shop.balances('m')).available).toBe(100);
      expect((await shop.balances('friend')).available).toBe(0);
    },
  },
  {
    name: 'a capture: the captured points come back',
    given: async (shop) => {
      await shop.credit('m', 100);
      const held = await hold(shop, 60);
      const captured = await body(shop.call('POST', `/v1/holds/${held.id}/capture`, {}), 200);
      return captured.entries[0].id;
    },
    status: 201,
    verify: async (reply, shop) => {
      expect(reply.body.entries[0].points).toBe(60);
      expect(await shop.balances('m')).toMatchObject({ available: 100, held: 0 });
    },
  },
  {
    name: 'an expiry: the lot comes back with the grace period, and expires again after it',
    settings: { ...EXPIRING, restoredLotGraceDays: 10 },
    given: async (shop) => {
      await shop.credit('m', 100);
      shop.api.clock.advance(3 * DAY_MS);
      await sweep(shop.api);
      return (await entryOfType(shop, 'm', 'expire')).id;
    },
    status: 201,
    verify: async (reply, shop) => {
      const graceEnd = daysAfter(shop.api.clock.now(), 10);
      expect(reply.body.entries[0]).toMatchObject({
        points: 100,
        lots: [{ points: 100, expiresAt: graceEnd }],
      });
      expect((await shop.lots('m'))[0]).toMatchObject({
        remaining: 100,
        expiresAt: graceEnd,
        status: 'available',
      });
      expect((await shop.balances('m')).available).toBe(100);
      shop.api.clock.advance(10 * DAY_MS);
      await sweep(shop.api);
      expect((await shop.balances('m')).available).toBe(0);
    },
  },
  {
    name: 'a growth credit: the growth value is taken back',
    given: async (shop) => {
      await shop.credit('m', 10, { growth: 25 });
      return (await entryOfType(shop, 'm', 'growth')).id;
    },
    status: 201,
    verify: async (_reply, shop) =>
      expect(await shop.balances('m')).toMatchObject({ available: 10, growth: 0 }),
  },
  {
    name: 'the caller reason and operator are recorded',
    given: async (shop) => (await shop.credit('m', 10)).id,
    body: { reason: { 'zh-CN': '订单退货', en: 'Order returned' }, operator: 'ops@shop' },
    status: 201,
    verify: (reply) => {
      expect(reply.body.entries[0]).toMatchObject({ operator: 'ops@shop' });
      expect(reply.body.entries[0].reason['zh-CN']).toContain('订单退货');
      expect(reply.body.entries[0].reason.en).toContain('Order returned');
    },
  },
  {
    name: 'an entry reversed once cannot be reversed again',
    given: async (shop) => {
      const earn = await shop.credit('m', 100);
      const first = await body(shop.call('POST', `/v1/entries/${earn.id}/reversal`), 201);
      await shop.credit('m', 100);
      return { entryId: earn.id, firstReversal: first.entries[0].id };
    },
    status: 409,
    code: 'entry_already_reversed',
    verify: async (reply, shop, given) => {
      expect(reply.body.reversalEntryId).toBe(given.firstReversal);
      expect((await shop.balances('m')).available).toBe(100);
    },
  },
  ...['hold', 'void', 'hold_release', 'hold_timeout'].map(
    (type): ReversalScenario => ({
      name: `a ${type} entry is not reversible`,
      given: async (shop) => {
        await shop.credit('m', 100);
        const held = await hold(shop, 50);
        if (type === 'void') await body(shop.call('POST', `/v1/holds/${held.id}/void`), 200);
        if (type === 'hold_release')
          await body(shop.call('POST', `/v1/holds/${held.id}/capture`, { points: 20 }), 200);
        if (type === 'hold_timeout') {
          shop.api.clock.advance(86_400_000);
          await sweep(shop.api);
        }
        return (await entryOfType(shop, 'm', type)).id;
      },
      status: 422,
      code: 'entry_not_reversible',
      verify: (reply) => expect(reply.body.entryType).toBe(type),
    }),
  ),
  {
    name: 'a pending_release entry is not reversible',
    given: async (shop) => {
      await shop.credit('m', 100, { pendingDays: 1 });
      shop.api.clock.advance(DAY_MS);
      await sweep(shop.api);
      return (await entryOfType(shop, 'm', 'pending_release')).id;
    },
    status: 422,
    code: 'entry_not_reversible',
  },
  {
    name: 'a reversal is not reversible',
    given: async (shop) => {
      const earn = await shop.credit('m', 100);
      return (await body(shop.call('POST', `/v1/entries/${earn.id}/reversal`), 201)).entries[0].id;
    },
    status: 422,
    code: 'entry_not_reversible',
    verify: async (reply, shop) => {
      expect(reply.body.entryType).toBe('reverse');
      expect((await shop.balances('m')).available).toBe(0);
    },
  },
  {
    name: 'an entry that does not exist',
    given: () => 'ent_01jzzzzzzzzzzzzzzzzzzzzzzz',
    status: 404,
    code: 'entry_not_found',
  },
  {
    name: 'restoring into a lot that expired before the sweep ran revives only the restored points',
    settings: { ...EXPIRING, restoredLotGraceDays: 7 },
    given: async (shop) => {
      await shop.credit('m', 100);
      const spent = await shop.debit('m', 30);
      shop.api.clock.advance(3 * DAY_MS);
      return spent.id;
    },
    status: 201,
    verify: async (reply, shop) => {
      const graceEnd = daysAfter(shop.api.clock.now(), 7);
      expect(reply.body.entries[0].lots).toMatchObject([{ points: 30, expiresAt: graceEnd }]);
      expect((await shop.balances('m')).available).toBe(30);
      await sweep(shop.api);
      // The 70 that expired stay expired; the 30 given back live in a new lot with the grace period.
      expect((await shop.balances('m')).available).toBe(30);
      const lots = await shop.lots('m');
      expect(lots).toMatchObject([{ amount: 30, remaining: 30, expiresAt: graceEnd }]);
      expect(lots[0].originLotId).toMatch(/^lot_/);
    },
  },
  {
    name: 'cap_at_zero: a credit whose points are held cannot be reversed until the hold is settled',
    given: async (shop) => {
      const credit = await shop.credit('m', 100);
      await body(shop.call('POST', '/v1/holds', { memberId: 'm', points: 100, reason: 'checkout' }), 201);
      return credit.id;
    },
    status: 409,
    code: 'points_held',
    verify: async (reply, shop) => {
      expect(reply.body).toMatchObject({ heldPoints: 100, shortfallPoints: 100 });
      expect(await shop.balances('m')).toMatchObject({ available: 0, held: 100 });
    },
  },
  {
    name: 'an unknown field in the body',
    given: async (shop) => (await shop.credit('m', 10)).id,
    body: { why: 'x' },
    status: 400,
    code: 'validation_failed',
    fields: ['body/why'],
  },
];

/** Registers this table in the caller's describe, on the caller's API. */
export function reversalScenarios(use: () => TestApi): void {
  describe('POST /v1/entries/{id}/reversal', () => {
    let api: TestApi;
    beforeAll(async () => {
      api = use();
    });
    afterAll(async () => expectLedgerSound(api));

    test.each(scenarios)('$name', (scenario) =>
      play(api, scenario, (shop, given) => {
        const entryId = typeof given === 'string' ? given : given.entryId;
        return shop.call('POST', `/v1/entries/${entryId}/reversal`, scenario.body);
      }),
    );
  });
}

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TestApi } from '../support/test-api.ts';
import {
  DAY_MS,
  daysAfter,
  expectLedgerSound,
  play,
  type Reply,
  type Scenario,
  type Shop,
  sweep,
} from './api-scenarios.ts';

interface AuthorizeScenario extends Scenario {
  body: Record<string, unknown>;
}

/** `given` returns the hold the request acts on (or a hold id); `body` absent means no body at all. */
interface HoldActionScenario extends Scenario {
  body?: Record<string, unknown>;
}

const secondsAfter = (at: Date, seconds: number) => new Date(at.getTime() + seconds * 1000).toISOString();

async function authorize(shop: Shop, points: number, extra: Record<string, unknown> = {}) {
  const reply = await shop.call('POST', '/v1/holds', { memberId: 'm', points, reason: 'checkout', ...extra });
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  return reply.body.hold;
}

async function act(shop: Shop, holdId: string, action: 'capture' | 'void', body?: unknown): Promise<Reply> {
  return shop.call('POST', `/v1/holds/${holdId}/${action}`, body);
}

/** m has 150 points and a hold of 100 of them. */
async function openHold(shop: Shop) {
  await shop.credit('m', 150);
  return authorize(shop, 100);
}

async function holdStatus(shop: Shop, holdId: string) {
  return (await shop.call('GET', `/v1/holds/${holdId}`)).body.status;
}

const stillHeld = async (_reply: Reply, shop: Shop, hold: { id: string }) => {
  expect(await shop.balances('m')).toMatchObject({ available: 50, held: 100 });
  expect(await holdStatus(shop, hold.id)).toBe('open');
};

const authorizeScenarios: AuthorizeScenario[] = [
  {
    name: 'reserves points: they leave available for held until the default time limit',
    given: (shop) => shop.credit('m', 150),
    body: { memberId: 'm', points: 100, reason: '下单预占' },
    status: 201,
    verify: async (reply, shop) => {
      const now = shop.api.clock.now();
      const { hold, entries } = reply.body;
      expect(hold).toMatchObject({
        memberId: 'm',
        points: 100,
        capturedPoints: 0,
        status: 'open',
        expiresAt: secondsAfter(now, 900),
        closedAt: null,
      });
      expect(entries).toMatchObject([
        { type: 'hold', holdId: hold.id, points: 0, change: { available: -100, held: 100 } },
      ]);
      expect(await shop.balances('m')).toMatchObject({ available: 50, held: 100 });
      expect((await shop.call('GET', `/v1/holds/${hold.id}`)).body).toEqual(hold);
    },
  },
  {
    name: 'ttlSeconds sets the time limit',
    given: (shop) => shop.credit('m', 10),
    body: { memberId: 'm', points: 10, reason: 'x', ttlSeconds: 60 },
    status: 201,
    verify: (reply, shop) => expect(reply.body.hold.expiresAt).toBe(secondsAfter(shop.api.clock.now(), 60)),
  },
  {
    name: "the program's holdTtlSeconds is the default time limit",
    settings: { holdTtlSeconds: 120 },
    given: (shop) => shop.credit('m', 10),
    body: { memberId: 'm', points: 10, reason: 'x' },
    status: 201,
    verify: (reply, shop) => expect(reply.body.hold.expiresAt).toBe(secondsAfter(shop.api.clock.now(), 120)),
  },
  {
    name: 'takes the earliest-expiring lots',
    given: async (shop) => {
      const now = shop.api.clock.now();
      await shop.credit('m', 50);
      return (await shop.credit('m', 50, { expiresAt: daysAfter(now, 5) })).lots[0].lotId;
    },
    body: { memberId: 'm', points: 60, reason: 'x' },
    status: 201,
    verify: (reply, _shop, soonLot) => {
      expect(reply.body.hold.lots[0]).toEqual({ lotId: soonLot, points: -50 });
      expect(reply.body.hold.lots[1].points).toBe(-10);
    },
  },
  {
    name: 'more than available',
    given: (shop) => shop.credit('m', 99),
    body: { memberId: 'm', points: 100, reason: 'x' },
    status: 422,
    code: 'insufficient_points',
    verify: async (reply, shop) => {
      expect(reply.body.availablePoints).toBe(99);
      expect(await shop.balances('m')).toMatchObject({ available: 99, held: 0 });
    },
  },
  {
    name: 'held points cannot be held or spent again',
    given: async (shop) => {
      await shop.credit('m', 100);
      await authorize(shop, 100);
    },
    body: { memberId: 'm', points: 1, reason: 'x' },
    status: 422,
    code: 'insufficient_points',
    verify: async (_reply, shop) => {
      const debit = await shop.call('POST', '/v1/members/m/debits', { points: 1, reason: 'x' });
      expect(debit.body.code).toBe('insufficient_points');
    },
  },
  {
    name: 'a frozen member',
    members: { m: { status: 'frozen' } },
    given: (shop) => shop.credit('m', 100),
    body: { memberId: 'm', points: 10, reason: 'x' },
    status: 422,
    code: 'member_frozen',
    verify: async (_reply, shop) =>
      expect(await shop.balances('m')).toMatchObject({ available: 100, held: 0 }),
  },
  {
    name: 'a blocked member',
    members: { m: { status: 'blocked' } },
    body: { memberId: 'm', points: 10, reason: 'x' },
    status: 422,
    code: 'member_blocked',
  },
  {
    name: 'an unknown member',
    body: { memberId: 'ghost', points: 10, reason: 'x' },
    status: 404,
    code: 'member_not_found',
  },
  {
    name: 'a zero time limit and no points',
    body: { memberId: 'm', reason: 'x', ttlSeconds: 0 },
    status: 400,
    code: 'validation_failed',
    fields: ['body/points', 'body/ttlSeconds'],
  },
];

const captureScenarios: HoldActionScenario[] = [
  {
    name: 'with no body, captures the whole hold',
    given: openHold,
    status: 200,
    verify: async (reply, shop, hold) => {
      expect(reply.body.hold).toMatchObject({
        id: hold.id,
        status: 'captured',
        capturedPoints: 100,
        closedAt: shop.api.clock.now().toISOString(),
      });
      expect(reply.body.entries).toMatchObject([{ type: 'capture', points: -100, holdId: hold.id }]);
      expect(await shop.balances('m')).toMatchObject({ available: 50, held: 0 });
    },
  },
  {
    name: 'with an empty body, captures the whole hold',
    given: openHold,
    body: {},
    status: 200,
    verify: (reply) => expect(reply.body.hold.capturedPoints).toBe(100),
  },
  {
    name: 'part of the hold: the rest is released to available',
    given: openHold,
    body: { points: 30 },
    status: 200,
    verify: async (reply, shop) => {
      expect(reply.body.hold).toMatchObject({ status: 'captured', capturedPoints: 30 });
      expect(reply.body.entries).toMatchObject([
        { type: 'capture', points: -30, change: { held: -30, available: 0 } },
        { type: 'hold_release', points: 0, change: { held: -70, available: 70 } },
      ]);
      expect(await shop.balances('m')).toMatchObject({ available: 120, held: 0 });
      expect((await shop.lots('m'))[0].remaining).toBe(120);
      await shop.debit('m', 120);
    },
  },
  {
    name: 'more than the hold',
    given: openHold,
    body: { points: 101 },
    status: 422,
    code: 'capture_exceeds_hold',
    verify: async (reply, shop, hold) => {
      expect(reply.body).toMatchObject({ heldPoints: 100, requestedPoints: 101 });
      await stillHeld(reply, shop, hold);
    },
  },
  {
    name: 'a voided hold',
    given: async (shop) => {
      const hold = await openHold(shop);
      expect((await act(shop, hold.id, 'void')).status).toBe(200);
      return hold;
    },
    status: 409,
    code: 'hold_not_open',
    verify: async (reply, shop) => {
      expect(reply.body.holdStatus).toBe('voided');
      expect(await shop.balances('m')).toMatchObject({ available: 150, held: 0 });
    },
  },
  {
    name: 'a hold already captured',
    given: async (shop) => {
      const hold = await openHold(shop);
      expect((await act(shop, hold.id, 'capture', { points: 10 })).status).toBe(200);
      return hold;
    },
    body: { points: 10 },
    status: 409,
    code: 'hold_not_open',
    verify: async (reply, shop) => {
      expect(reply.body.holdStatus).toBe('captured');
      expect(await shop.balances('m')).toMatchObject({ available: 140, held: 0 });
    },
  },
  {
    name: 'a hold past its time limit, even before the sweep releases it',
    given: async (shop) => {
      const hold = await openHold(shop);
      shop.api.clock.advance(900_000);
      return hold;
    },
    status: 409,
    code: 'hold_not_open',
    verify: async (reply, shop, hold) => {
      expect(reply.body.holdStatus).toBe('timed_out');
      await sweep(shop.api);
      expect(await shop.balances('m')).toMatchObject({ available: 150, held: 0 });
      expect(await holdStatus(shop, hold.id)).toBe('timed_out');
    },
  },
  {
    name: 'a hold that does not exist',
    given: () => ({ id: 'hld_01jzzzzzzzzzzzzzzzzzzzzzzz' }),
    status: 404,
    code: 'hold_not_found',
    verify: (reply) => expect(reply.body.holdId).toBe('hld_01jzzzzzzzzzzzzzzzzzzzzzzz'),
  },
  {
    name: 'zero points',
    given: openHold,
    body: { points: 0 },
    status: 400,
    code: 'validation_failed',
    fields: ['body/points'],
  },
];

const voidScenarios: HoldActionScenario[] = [
  {
    name: 'with no body, every held point goes back to its lot',
    given: openHold,
    status: 200,
    verify: async (reply, shop, hold) => {
      expect(reply.body.hold).toMatchObject({ status: 'voided', capturedPoints: 0 });
      expect(reply.body.entries).toMatchObject([
        { type: 'void', points: 0, holdId: hold.id, change: { held: -100 } },
      ]);
      expect(await shop.balances('m')).toMatchObject({ available: 150, held: 0 });
      expect((await shop.lots('m'))[0].remaining).toBe(150);
    },
  },
  {
    name: 'with a reason, the reason is recorded',
    given: openHold,
    body: { reason: { 'zh-CN': '顾客取消', en: 'Customer cancelled' } },
    status: 200,
    verify: (reply) => {
      expect(reply.body.entries[0].reason.en).toContain('Customer cancelled');
      expect(reply.body.entries[0].reason['zh-CN']).toContain('顾客取消');
    },
  },
  {
    name: 'a captured hold',
    given: async (shop) => {
      const hold = await openHold(shop);
      expect((await act(shop, hold.id, 'capture')).status).toBe(200);
      return hold;
    },
    status: 409,
    code: 'hold_not_open',
    verify: async (reply, shop) => {
      expect(reply.body.holdStatus).toBe('captured');
      expect(await shop.balances('m')).toMatchObject({ available: 50, held: 0 });
    },
  },
  {
    name: 'a hold already voided',
    given: async (shop) => {
      const hold = await openHold(shop);
      expect((await act(shop, hold.id, 'void')).status).toBe(200);
      return hold;
    },
    status: 409,
    code: 'hold_not_open',
    verify: async (reply, shop) => {
      expect(reply.body.holdStatus).toBe('voided');
      expect(await shop.balances('m')).toMatchObject({ available: 150, held: 0 });
    },
  },
  {
    name: 'a hold the sweep released when it timed out',
    given: async (shop) => {
      const hold = await openHold(shop);
      shop.api.clock.advance(900_000);
      await sweep(shop.api);
      return hold;
    },
    status: 409,
    code: 'hold_not_open',
    verify: async (reply, shop) => {
      expect(reply.body.holdStatus).toBe('timed_out');
      expect(await shop.balances('m')).toMatchObject({ available: 150, held: 0 });
    },
  },
  {
    name: 'a hold that does not exist',
    given: () => ({ id: 'hld_nope' }),
    status: 404,
    code: 'hold_not_found',
  },
];

const timeoutScenarios: Scenario[] = [
  {
    name: 'one second before the time limit the sweep leaves the hold open',
    given: async (shop) => {
      const hold = await openHold(shop);
      shop.api.clock.advance(899_000);
      return hold;
    },
    status: 200,
    verify: stillHeld,
  },
  {
    name: 'at the time limit the sweep releases every held point',
    given: async (shop) => {
      const hold = await openHold(shop);
      shop.api.clock.advance(900_000);
      return hold;
    },
    status: 200,
    verify: async (reply, shop) => {
      expect(reply.body).toMatchObject({ status: 'timed_out', closedAt: shop.api.clock.now().toISOString() });
      expect(await shop.balances('m')).toMatchObject({ available: 150, held: 0 });
      const [timeout] = await shop.entries('m');
      expect(timeout).toMatchObject({ type: 'hold_timeout', holdId: reply.body.id, change: { held: -100 } });
    },
  },
  {
    name: 'points whose lot expired while held come back with the grace period',
    settings: { expiryPolicy: { kind: 'rolling', unit: 'days', count: 1 }, restoredLotGraceDays: 5 },
    given: async (shop) => {
      await shop.credit('m', 100);
      const hold = await authorize(shop, 100, { ttlSeconds: 3 * 86_400 });
      shop.api.clock.advance(3 * DAY_MS);
      return hold;
    },
    status: 200,
    verify: async (_reply, shop) => {
      const [lot] = await shop.lots('m');
      expect(lot).toMatchObject({
        remaining: 100,
        expiresAt: daysAfter(shop.api.clock.now(), 5),
        status: 'available',
      });
      expect(await shop.balances('m')).toMatchObject({ available: 100, held: 0 });
    },
  },
  {
    name: 'an unknown hold cannot be read',
    given: () => ({ id: 'hld_nope' }),
    status: 404,
    code: 'hold_not_found',
  },
];

/** Registers this table in the caller's describe, on the caller's API. */
export function holdScenarios(use: () => TestApi): void {
  describe('holds', () => {
    let api: TestApi;
    beforeAll(async () => {
      api = use();
    });
    afterAll(async () => expectLedgerSound(api));

    test.each(authorizeScenarios)('POST /v1/holds: $name', (scenario) =>
      play(api, scenario, (shop) => shop.call('POST', '/v1/holds', scenario.body)),
    );

    test.each(captureScenarios)('POST /v1/holds/{id}/capture: $name', (scenario) =>
      play(api, scenario, (shop, hold) => act(shop, hold.id, 'capture', scenario.body)),
    );

    test.each(voidScenarios)('POST /v1/holds/{id}/void: $name', (scenario) =>
      play(api, scenario, (shop, hold) => act(shop, hold.id, 'void', scenario.body)),
    );

    test.each(timeoutScenarios)('time-out, then GET /v1/holds/{id}: $name', (scenario) =>
      play(api, scenario, async (shop, hold) => {
        await sweep(api);
        return shop.call('GET', `/v1/holds/${hold.id}`);
      }),
    );
  });
}

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MAX_POINTS } from '../../src/shared/api-schemas.ts';
import type { TestApi } from '../support/test-api.ts';
import {
  DAY_MS,
  daysAfter,
  expectLedgerSound,
  play,
  type Reply,
  type Scenario,
  type Shop,
  shanghaiMidnight,
  sweep,
} from './api-scenarios.ts';

interface CreditScenario extends Scenario {
  /** The request body; a function when it depends on the clock. */
  body: Record<string, unknown> | ((now: Date) => Record<string, unknown>);
}

/** A refused credit leaves no lot and no balance behind. */
async function noChange(_reply: Reply, shop: Shop): Promise<void> {
  expect(await shop.balances('m')).toMatchObject({ available: 0, pending: 0, growth: 0 });
  expect(await shop.lots('m')).toEqual([]);
}

const scenarios: CreditScenario[] = [
  {
    name: 'credits available points as a new lot that never expires by default',
    body: { points: 100, reason: '开卡礼' },
    status: 201,
    verify: async (reply, shop) => {
      const [entry] = reply.body.entries;
      expect(entry).toMatchObject({
        type: 'earn',
        memberId: 'm',
        points: 100,
        contraAccount: 'issued',
        reason: { 'zh-CN': '开卡礼', en: '开卡礼' },
      });
      expect(entry.balancesAfter).toMatchObject({ available: 100, pending: 0 });
      const lots = await shop.lots('m');
      expect(lots).toMatchObject([{ amount: 100, remaining: 100, status: 'available', expiresAt: null }]);
      expect(lots[0].entryId).toBe(entry.id);
    },
  },
  {
    name: 'a reason in each language is kept apart',
    body: { points: 5, reason: { 'zh-CN': '生日礼', en: 'Birthday gift' } },
    status: 201,
    verify: (reply) =>
      expect(reply.body.entries[0].reason).toEqual({ 'zh-CN': '生日礼', en: 'Birthday gift' }),
  },
  {
    name: 'the largest amount is credited exactly',
    body: { points: MAX_POINTS, reason: 'max' },
    status: 201,
    verify: async (_reply, shop) => {
      await shop.credit('m', MAX_POINTS);
      expect((await shop.balances('m')).available).toBe(2 * MAX_POINTS);
    },
  },
  {
    name: 'pendingDays keeps the points pending, released by the sweep when the period ends',
    body: { points: 80, reason: 'order 1001', pendingDays: 7 },
    status: 201,
    verify: async (reply, shop) => {
      const now = shop.api.clock.now();
      expect(reply.body.entries[0].change).toMatchObject({ pending: 80, available: 0 });
      expect(await shop.balances('m')).toMatchObject({ available: 0, pending: 80 });
      const [lot] = await shop.lots('m');
      expect(lot).toMatchObject({ status: 'pending', availableAt: daysAfter(now, 7) });
      shop.api.clock.advance(7 * DAY_MS - 1000);
      await sweep(shop.api);
      expect(await shop.balances('m')).toMatchObject({ available: 0, pending: 80 });
      shop.api.clock.advance(1000);
      await sweep(shop.api);
      expect(await shop.balances('m')).toMatchObject({ available: 80, pending: 0 });
      expect((await shop.entries('m')).map((entry) => entry.type)).toEqual(['pending_release', 'earn']);
    },
  },
  {
    name: 'the program expiry policy dates the lot (rolling 30 days, midnight Shanghai)',
    settings: { expiryPolicy: { kind: 'rolling', unit: 'days', count: 30 } },
    body: { points: 10, reason: 'x' },
    status: 201,
    verify: async (_reply, shop) => {
      const [lot] = await shop.lots('m');
      expect(lot.expiresAt).toBe(shanghaiMidnight(shop.api.clock.now(), 31));
    },
  },
  {
    name: 'a pending credit expires by the policy counted from its release',
    settings: { expiryPolicy: { kind: 'rolling', unit: 'days', count: 30 } },
    body: { points: 10, reason: 'x', pendingDays: 5 },
    status: 201,
    verify: async (_reply, shop) => {
      const [lot] = await shop.lots('m');
      expect(lot.expiresAt).toBe(shanghaiMidnight(shop.api.clock.now(), 36));
    },
  },
  {
    name: 'an explicit expiresAt overrides the policy',
    settings: { expiryPolicy: { kind: 'rolling', unit: 'days', count: 30 } },
    body: (now) => ({ points: 10, reason: 'x', expiresAt: daysAfter(now, 3) }),
    status: 201,
    verify: async (_reply, shop) => {
      const [lot] = await shop.lots('m');
      expect(lot.expiresAt).toBe(daysAfter(shop.api.clock.now(), 3));
    },
  },
  {
    name: 'expiresAt in the past is refused',
    body: (now) => ({ points: 10, reason: 'x', expiresAt: daysAfter(now, -1) }),
    status: 422,
    code: 'expiry_in_past',
    verify: noChange,
  },
  {
    name: 'expiresAt equal to now is refused',
    body: (now) => ({ points: 10, reason: 'x', expiresAt: now.toISOString() }),
    status: 422,
    code: 'expiry_in_past',
    verify: noChange,
  },
  {
    name: 'expiresAt before the pending period ends is refused',
    body: (now) => ({ points: 10, reason: 'x', pendingDays: 10, expiresAt: daysAfter(now, 5) }),
    status: 422,
    code: 'expiry_in_past',
    verify: noChange,
  },
  {
    name: 'a fixed-date policy already past is refused',
    settings: { expiryPolicy: { kind: 'fixed_date', date: '2020-12-31' } },
    body: { points: 10, reason: 'x' },
    status: 422,
    code: 'expiry_in_past',
    verify: noChange,
  },
  {
    name: 'a blocked member cannot earn',
    members: { m: { status: 'blocked' } },
    body: { points: 10, reason: 'x', growth: 5 },
    status: 422,
    code: 'member_blocked',
    verify: noChange,
  },
  {
    name: 'a frozen member still earns',
    members: { m: { status: 'frozen' } },
    body: { points: 10, reason: 'x' },
    status: 201,
    verify: async (_reply, shop) => expect((await shop.balances('m')).available).toBe(10),
  },
  {
    name: 'growth is credited alongside, as its own entry',
    body: { points: 10, reason: 'order 7', growth: 25 },
    status: 201,
    verify: async (reply, shop) => {
      expect(reply.body.entries.map((entry: { type: string }) => entry.type)).toEqual(['earn', 'growth']);
      expect(reply.body.entries[1]).toMatchObject({ growth: 25, points: 0, contraAccount: 'growth_issued' });
      expect(await shop.balances('m')).toMatchObject({ available: 10, growth: 25 });
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
    name: 'fractional points',
    body: { points: 1.5, reason: 'x' },
    status: 400,
    code: 'validation_failed',
    fields: ['body/points'],
  },
  {
    name: 'points as a string',
    body: { points: '10', reason: 'x' },
    status: 400,
    code: 'validation_failed',
    fields: ['body/points'],
  },
  {
    name: 'more than the largest amount',
    body: { points: MAX_POINTS + 1, reason: 'x' },
    status: 400,
    code: 'validation_failed',
    fields: ['body/points'],
  },
  {
    name: 'no reason',
    body: { points: 10 },
    status: 400,
    code: 'validation_failed',
    fields: ['body/reason'],
  },
  {
    name: 'a reason missing its English text',
    body: { points: 10, reason: { 'zh-CN': '礼' } },
    status: 400,
    code: 'validation_failed',
    fields: ['body/reason'],
  },
  {
    name: 'a negative pending period and a bad date',
    body: { points: 10, reason: 'x', pendingDays: -1, expiresAt: 'next week' },
    status: 400,
    code: 'validation_failed',
    fields: ['body/expiresAt', 'body/pendingDays'],
  },
  {
    name: 'a leap-second expiresAt is refused, not a server error',
    body: { points: 10, reason: 'x', expiresAt: '2026-12-31T23:59:60Z' },
    status: 400,
    code: 'validation_failed',
    fields: ['body/expiresAt'],
  },
  {
    name: 'an unknown field',
    body: { points: 10, reason: 'x', note: 'hi' },
    status: 400,
    code: 'validation_failed',
    fields: ['body/note'],
  },
];

/** Registers this table in the caller's describe, on the caller's API. */
export function creditScenarios(use: () => TestApi): void {
  describe('POST /v1/members/{id}/credits', () => {
    let api: TestApi;
    beforeAll(async () => {
      api = use();
    });
    afterAll(async () => expectLedgerSound(api));

    test.each(scenarios)('$name', (scenario) =>
      play(api, scenario, (shop) => {
        const body = typeof scenario.body === 'function' ? scenario.body(api.clock.now()) : scenario.body;
        return shop.call('POST', '/v1/members/m/credits', body);
      }),
    );
  });
}

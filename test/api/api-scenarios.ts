import { expect } from 'vitest';
import { createApiKey } from '../../src/keys/api-keys.ts';
import { createProgram } from '../../src/programs/program-store.ts';
import type { ManualClock } from '../../src/shared/clock.ts';
import { runAllSweeps } from '../../src/sweeps/sweeper.ts';
import { verifyLedger } from '../../src/verify/verify-ledger.ts';
import type { TestApi } from '../support/test-api.ts';

/**
 * Shared vocabulary of the API scenario tables. Every scenario runs in a program of its own (a
 * "shop"), so the settings one scenario changes (expiry policy, limits, negative-balance policy)
 * never leak into the next, while all of them share one database and one clock per engine.
 */
export type Reply = Awaited<ReturnType<TestApi['call']>>;
export type Method = Parameters<TestApi['call']>[0];
/** A JSON value as the API sent it: scenarios read into it freely and let the assertions judge. */
export type Json = Reply['body'];

export const DAY_MS = 86_400_000;

export interface Shop {
  api: TestApi;
  programId: string;
  /** The owner key ('*') of this shop's program. */
  key: string;
  call(method: Method, url: string, body?: unknown, headers?: Record<string, string>): Promise<Reply>;
  /** PATCH /v1/program; fails the scenario unless it is accepted. */
  configure(settings: Record<string, unknown>): Promise<void>;
  /** PUT a new member (201) with the given profile. */
  member(memberId: string, profile?: Record<string, unknown>): Promise<void>;
  /** A successful credit; returns its earn entry. */
  credit(memberId: string, points: number, extra?: Record<string, unknown>): Promise<Json>;
  /** A successful debit; returns its spend entry. */
  debit(memberId: string, points: number): Promise<Json>;
  /** A successful manual adjustment (signed points); returns its entry. */
  adjust(memberId: string, points: number, extra?: Record<string, unknown>): Promise<Json>;
  balances(memberId: string): Promise<Record<string, number>>;
  /** Every lot of the member with points left, oldest first. */
  lots(memberId: string, includeEmpty?: boolean): Promise<Json[]>;
  /** Every entry of the member, newest first. */
  entries(memberId: string): Promise<Json[]>;
  /** A key of this shop's program with only these scopes. */
  keyWith(scopes: string[]): Promise<string>;
}

let shops = 0;

export async function openShop(api: TestApi, settings?: Record<string, unknown>): Promise<Shop> {
  shops += 1;
  const now = api.clock.now();
  const program = await createProgram(api.db, `Shop ${shops}`, now);
  const { secret } = await createApiKey(api.db, program.id, { name: 'owner', scopes: ['*'] }, now);
  const call: Shop['call'] = (method, url, body, headers = {}) =>
    api.call(method, url, body, { authorization: `Bearer ${secret}`, ...headers });
  const ok = async (reply: Promise<Reply>, status: number) => {
    const answer = await reply;
    expect(answer.status, JSON.stringify(answer.body)).toBe(status);
    return answer.body;
  };
  const shop: Shop = {
    api,
    programId: program.id,
    key: secret,
    call,
    async configure(patch) {
      await ok(call('PATCH', '/v1/program', patch), 200);
    },
    async member(memberId, profile = {}) {
      await ok(call('PUT', `/v1/members/${memberId}`, profile), 201);
    },
    async credit(memberId, points, extra = {}) {
      const body = await ok(
        call('POST', `/v1/members/${memberId}/credits`, { points, reason: 'test credit', ...extra }),
        201,
      );
      return body.entries[0];
    },
    async debit(memberId, points) {
      const body = await ok(
        call('POST', `/v1/members/${memberId}/debits`, { points, reason: 'test debit' }),
        201,
      );
      return body.entries[0];
    },
    async adjust(memberId, points, extra = {}) {
      const body = await ok(
        call('POST', `/v1/members/${memberId}/adjustments`, {
          points,
          reason: 'test adjustment',
          operator: 'ops',
          ...extra,
        }),
        201,
      );
      return body.entries[0];
    },
    async balances(memberId) {
      return (await ok(call('GET', `/v1/members/${memberId}`), 200)).balances;
    },
    async lots(memberId, includeEmpty = false) {
      return (
        await ok(call('GET', `/v1/members/${memberId}/lots?limit=200&includeEmpty=${includeEmpty}`), 200)
      ).data;
    },
    async entries(memberId) {
      return (await ok(call('GET', `/v1/members/${memberId}/entries?limit=200`), 200)).data;
    },
    async keyWith(scopes) {
      const created = await createApiKey(api.db, program.id, { name: 'limited', scopes }, api.clock.now());
      return created.secret;
    },
  };
  if (settings) await shop.configure(settings);
  return shop;
}

/** An expected failure: the status, the problem+json media type and the stable code. */
export function expectProblem(reply: Reply, status: number, code: string): void {
  expect(reply.status, JSON.stringify(reply.body)).toBe(status);
  expect(String(reply.headers['content-type'])).toMatch(/^application\/problem\+json/);
  expect(reply.body).toMatchObject({ type: `urn:jifen:error:${code}`, status, code });
  expect(typeof reply.body.title).toBe('string');
  expect(typeof reply.body.detail).toBe('string');
}

/** `jifen verify` finds nothing wrong with the whole database. */
export async function expectLedgerSound(api: TestApi): Promise<void> {
  const { violations } = await verifyLedger(api.db);
  expect(violations).toEqual([]);
}

export async function sweep(api: TestApi): Promise<void> {
  await runAllSweeps(api.db, api.clock);
}

/** The field names a validation_failed answer complains about. */
export function invalidFields(reply: Reply): string[] {
  return (reply.body.errors as { field: string }[]).map((item) => item.field);
}

const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** Moves the clock forward to the next instant that reads `hh:mm` in Asia/Shanghai (UTC+8, no DST). */
export function advanceToShanghaiTime(clock: ManualClock, hours: number, minutes = 0): Date {
  const now = clock.now().getTime();
  const localDayStart = Math.floor((now + SHANGHAI_OFFSET_MS) / DAY_MS) * DAY_MS - SHANGHAI_OFFSET_MS;
  let target = localDayStart + (hours * 60 + minutes) * 60_000;
  if (target <= now) target += DAY_MS;
  clock.set(new Date(target));
  return new Date(target);
}

/** Midnight in Asia/Shanghai that starts the local day of `at`, plus `days` days (ISO string). */
export function shanghaiMidnight(at: Date, days = 0): string {
  const localDayStart =
    Math.floor((at.getTime() + SHANGHAI_OFFSET_MS) / DAY_MS) * DAY_MS - SHANGHAI_OFFSET_MS;
  return new Date(localDayStart + days * DAY_MS).toISOString();
}

export interface Scenario {
  name: string;
  /** Program settings (PATCH /v1/program) applied before anything else. */
  settings?: Record<string, unknown>;
  /** Members created first, with their profiles; by default just "m". */
  members?: Record<string, Record<string, unknown>>;
  /** Whatever must happen before the request; its result is handed to the request and `verify`. */
  given?: (shop: Shop) => unknown;
  status: number;
  code?: string;
  /** For validation_failed: the fields named, in any order. */
  fields?: string[];
  verify?: (reply: Reply, shop: Shop, given: Json) => Promise<void> | void;
}

/** Runs one row of a scenario table in a fresh shop: settings, members, given, request, checks. */
export async function play(
  api: TestApi,
  scenario: Scenario,
  send: (shop: Shop, given: Json) => Promise<Reply>,
): Promise<void> {
  const shop = await openShop(api, scenario.settings);
  for (const [memberId, profile] of Object.entries(scenario.members ?? { m: {} })) {
    await shop.member(memberId, profile);
  }
  const given = await scenario.given?.(shop);
  const reply = await send(shop, given);
  if (scenario.code) expectProblem(reply, scenario.status, scenario.code);
  else expect(reply.status, JSON.stringify(reply.body)).toBe(scenario.status);
  if (scenario.fields) expect([...new Set(invalidFields(reply))].sort()).toEqual([...scenario.fields].sort());
  await scenario.verify?.(reply, shop, given);
}

/** The instant `days` whole days after `at` (ISO string). */
export function daysAfter(at: Date, days: number): string {
  return new Date(at.getTime() + days * DAY_MS).toISOString();
}

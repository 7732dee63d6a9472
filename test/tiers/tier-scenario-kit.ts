import { Temporal } from 'temporal-polyfill';
import { ALL_SCOPES, createApiKey } from '../../src/keys/api-keys.ts';
import { createProgram } from '../../src/programs/program-store.ts';
import { runTierSweeps } from '../../src/tiers/tier-evaluation.ts';
import type { TestApi } from '../support/test-api.ts';
import { TIERS } from './tier-kit.ts';

/**
 * What the tier scenario tests share beyond tier-kit.ts: a program of its own per configuration
 * (so one database serves many), local times in a timezone, sweeps, and a member's history.
 */

/** An ISO instant for a local wall-clock time: local('2027-01-01T00:00') is 2026-12-31T16:00:00Z. */
export function local(wallClock: string, timezone = 'Asia/Shanghai'): string {
  return Temporal.PlainDateTime.from(wallClock).toZonedDateTime(timezone).toInstant().toString();
}

/**
 * A new program on the same database and clock with its own owner key, its settings patched and
 * its tiers configured (TIERS with `overrides`; `null` leaves tiers unconfigured).
 */
export async function programWith(
  api: TestApi,
  overrides: object | null = {},
  settings: object = {},
): Promise<TestApi> {
  const now = api.clock.now();
  const program = await createProgram(api.db, 'tier scenarios', now);
  const { secret } = await createApiKey(api.db, program.id, { name: 'owner', scopes: [ALL_SCOPES] }, now);
  const scoped: TestApi = {
    ...api,
    programId: program.id,
    key: secret,
    call: (method, url, body, headers = {}) =>
      api.call(method, url, body, { authorization: `Bearer ${secret}`, ...headers }),
  };
  if (Object.keys(settings).length > 0) {
    const patched = await scoped.call('PATCH', '/v1/program', settings);
    if (patched.status !== 200) throw new Error(`program not patched: ${JSON.stringify(patched.body)}`);
  }
  if (overrides !== null) {
    const put = await scoped.call('PUT', '/v1/tiers', { ...TIERS, ...overrides });
    if (put.status !== 201) throw new Error(`tiers not configured: ${JSON.stringify(put.body)}`);
  }
  return scoped;
}

export async function join(api: TestApi, memberId: string, profile: object = {}) {
  const put = await api.call('PUT', `/v1/members/${memberId}`, profile);
  if (put.status !== 201 && put.status !== 200)
    throw new Error(`member not created: ${JSON.stringify(put.body)}`);
}

export const sweep = (api: TestApi) => runTierSweeps(api.db, api.clock);

export interface HistoryRow {
  kind: string;
  fromTier: string;
  toTier: string;
  growthInWindow: number | null;
  period: string | null;
  configVersion: number;
  actor: string | null;
  reason: { zh: string; en: string };
}

/** A member's tier history, oldest first. */
export async function historyOf(api: TestApi, memberId: string): Promise<HistoryRow[]> {
  const reply = await api.call('GET', `/v1/members/${memberId}/tier-history?limit=200`);
  if (reply.status !== 200) throw new Error(`history: ${JSON.stringify(reply.body)}`);
  return [...reply.body.data].reverse();
}

/** History as short strings: "upgrade normal→silver", "downgrade gold→silver @2027-01-01". */
export async function historyLines(api: TestApi, memberId: string): Promise<string[]> {
  return (await historyOf(api, memberId)).map(
    (row) => `${row.kind} ${row.fromTier}→${row.toTier}${row.period ? ` @${row.period}` : ''}`,
  );
}

/** The tier in force and the tier growth earned, from the member's tier view. */
export async function tiersOf(api: TestApi, memberId: string) {
  const reply = await api.call('GET', `/v1/members/${memberId}/tier`);
  if (reply.status !== 200) throw new Error(`tier of ${memberId}: ${JSON.stringify(reply.body)}`);
  return { tier: reply.body.tier.code as string, earned: reply.body.earnedTier as string, view: reply.body };
}

/** Growth (and as many points) credited at a given instant. */
export async function growAt(api: TestApi, at: string, memberId: string, growth: number) {
  api.clock.set(at);
  const credit = await api.call('POST', `/v1/members/${memberId}/credits`, {
    points: Math.max(growth, 1),
    growth,
    reason: 'purchase',
  });
  if (credit.status !== 201) throw new Error(`credit failed: ${JSON.stringify(credit.body)}`);
  return credit.body as { entries: { id: string; type: string }[] };
}

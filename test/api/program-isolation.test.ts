import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createApiKey } from '../../src/keys/api-keys.ts';
import { createProgram } from '../../src/programs/program-store.ts';
import { newId } from '../../src/shared/ids.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';
import { expectLedgerSound } from './api-scenarios.ts';

/**
 * Program A's key against program B's data. Every refusal must be the very answer A would get for
 * an id that exists nowhere, byte for byte: a key learns nothing about other programs, not even
 * that an id is taken.
 */
type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

interface Raw {
  status: number;
  contentType: string;
  contentLength: string;
  text: string;
}

interface BIds {
  entry: string;
  reversedEntry: string;
  holdEntry: string;
  openHold: string;
  voidedHold: string;
  key: string;
}

/** Requests about B's member "vip-b": answered before it existed anywhere, and after. */
const memberProbes: { name: string; method: Method; url: string; body?: unknown; code: string }[] = [
  { name: 'read the member', method: 'GET', url: '/v1/members/vip-b', code: 'member_not_found' },
  { name: 'read its lots', method: 'GET', url: '/v1/members/vip-b/lots', code: 'member_not_found' },
  { name: 'read its entries', method: 'GET', url: '/v1/members/vip-b/entries', code: 'member_not_found' },
  {
    name: 'credit it',
    method: 'POST',
    url: '/v1/members/vip-b/credits',
    body: { points: 10, reason: 'x' },
    code: 'member_not_found',
  },
  {
    name: 'debit it',
    method: 'POST',
    url: '/v1/members/vip-b/debits',
    body: { points: 10, reason: 'x' },
    code: 'member_not_found',
  },
  {
    name: 'adjust it',
    method: 'POST',
    url: '/v1/members/vip-b/adjustments',
    body: { points: -10, reason: 'x', operator: 'mallory' },
    code: 'member_not_found',
  },
  {
    name: 'hold its points',
    method: 'POST',
    url: '/v1/holds',
    body: { memberId: 'vip-b', points: 10, reason: 'x' },
    code: 'member_not_found',
  },
  {
    name: 'transfer to it',
    method: 'POST',
    url: '/v1/transfers',
    body: { fromMemberId: 'a-member', toMemberId: 'vip-b', points: 10, reason: 'x' },
    code: 'member_not_found',
  },
  {
    name: 'transfer from it',
    method: 'POST',
    url: '/v1/transfers',
    body: { fromMemberId: 'vip-b', toMemberId: 'a-member', points: 10, reason: 'x' },
    code: 'member_not_found',
  },
];

/** Requests naming one of B's generated ids, compared with the same request for a made-up id. */
const idProbes: {
  name: string;
  method: Method;
  url: (id: string) => string;
  id: (ids: BIds) => string;
  prefix: 'ent' | 'hld' | 'key';
  code: string;
}[] = [
  {
    name: 'read an entry',
    method: 'GET',
    url: (id) => `/v1/entries/${id}`,
    id: (ids) => ids.entry,
    prefix: 'ent',
    code: 'entry_not_found',
  },
  {
    name: 'reverse an entry',
    method: 'POST',
    url: (id) => `/v1/entries/${id}/reversal`,
    id: (ids) => ids.entry,
    prefix: 'ent',
    code: 'entry_not_found',
  },
  {
    name: 'reverse an entry B already reversed (no entry_already_reversed)',
    method: 'POST',
    url: (id) => `/v1/entries/${id}/reversal`,
    id: (ids) => ids.reversedEntry,
    prefix: 'ent',
    code: 'entry_not_found',
  },
  {
    name: 'reverse a hold entry (no entry_not_reversible)',
    method: 'POST',
    url: (id) => `/v1/entries/${id}/reversal`,
    id: (ids) => ids.holdEntry,
    prefix: 'ent',
    code: 'entry_not_found',
  },
  {
    name: 'read a hold',
    method: 'GET',
    url: (id) => `/v1/holds/${id}`,
    id: (ids) => ids.openHold,
    prefix: 'hld',
    code: 'hold_not_found',
  },
  {
    name: 'capture a hold',
    method: 'POST',
    url: (id) => `/v1/holds/${id}/capture`,
    id: (ids) => ids.openHold,
    prefix: 'hld',
    code: 'hold_not_found',
  },
  {
    name: 'void a hold',
    method: 'POST',
    url: (id) => `/v1/holds/${id}/void`,
    id: (ids) => ids.openHold,
    prefix: 'hld',
    code: 'hold_not_found',
  },
  {
    name: 'capture a hold B voided (no hold_not_open)',
    method: 'POST',
    url: (id) => `/v1/holds/${id}/capture`,
    id: (ids) => ids.voidedHold,
    prefix: 'hld',
    code: 'hold_not_found',
  },
  {
    name: "revoke one of B's API keys",
    method: 'DELETE',
    url: (id) => `/v1/api-keys/${id}`,
    id: (ids) => ids.key,
    prefix: 'key',
    code: 'api_key_not_found',
  },
];

describe.each(ENGINES)('program isolation (%s)', (engine) => {
  let api: TestApi;
  let keyB: string;
  let ids: BIds;
  const before = new Map<string, Raw>();
  let snapshotB: string;

  async function raw(key: string, method: Method, url: string, body?: unknown, headers = {}): Promise<Raw> {
    const response = await api.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${key}`, ...headers },
      ...(body === undefined ? {} : { payload: body as object }),
    });
    return {
      status: response.statusCode,
      contentType: String(response.headers['content-type']),
      contentLength: String(response.headers['content-length']),
      text: response.body,
    };
  }

  async function asB(method: Method, url: string, body?: unknown, headers = {}) {
    const answer = await raw(keyB, method, url, body, headers);
    expect(answer.status, answer.text).toBeLessThan(300);
    return JSON.parse(answer.text);
  }

  /** Everything B can see of its own data, as one string. */
  async function everythingOfB(): Promise<string> {
    const parts = await Promise.all([
      raw(keyB, 'GET', '/v1/members/vip-b'),
      raw(keyB, 'GET', '/v1/members/vip-b/lots?includeEmpty=true'),
      raw(keyB, 'GET', '/v1/members/vip-b/entries?limit=200'),
      raw(keyB, 'GET', '/v1/members/b-friend/entries?limit=200'),
      raw(keyB, 'GET', `/v1/holds/${ids.openHold}`),
      raw(keyB, 'GET', `/v1/holds/${ids.voidedHold}`),
      raw(keyB, 'GET', '/v1/api-keys'),
      raw(keyB, 'GET', '/v1/program'),
    ]);
    return JSON.stringify(parts.map((part) => [part.status, part.text]));
  }

  beforeAll(async () => {
    api = await openTestApi(engine);
    await api.call('PUT', '/v1/members/a-member', {});
    await api.call('POST', '/v1/members/a-member/credits', { points: 100, reason: 'x' });
    // What A is told about "vip-b" while no program has such a member.
    for (const probe of memberProbes)
      before.set(probe.name, await raw(api.key, probe.method, probe.url, probe.body));

    const now = api.clock.now();
    const programB = await createProgram(api.db, 'Program B', now);
    keyB = (await createApiKey(api.db, programB.id, { name: 'b-owner', scopes: ['*'] }, now)).secret;
    const spare = await createApiKey(api.db, programB.id, { name: 'b-pos', scopes: ['ledger:read'] }, now);
    await asB('PUT', '/v1/members/vip-b', { tags: ['vip'] });
    await asB('PUT', '/v1/members/b-friend', {});
    const earn = await asB(
      'POST',
      '/v1/members/vip-b/credits',
      { points: 500, reason: 'b' },
      { 'idempotency-key': 'order-1' },
    );
    const other = await asB('POST', '/v1/members/vip-b/credits', { points: 50, reason: 'b' });
    await asB('POST', `/v1/entries/${other.entries[0].id}/reversal`);
    const open = await asB('POST', '/v1/holds', { memberId: 'vip-b', points: 100, reason: 'b' });
    const voided = await asB('POST', '/v1/holds', { memberId: 'vip-b', points: 20, reason: 'b' });
    await asB('POST', `/v1/holds/${voided.hold.id}/void`);
    await asB('POST', '/v1/transfers', {
      fromMemberId: 'vip-b',
      toMemberId: 'b-friend',
      points: 30,
      reason: 'b',
    });
    ids = {
      entry: earn.entries[0].id,
      reversedEntry: other.entries[0].id,
      holdEntry: open.entries[0].id,
      openHold: open.hold.id,
      voidedHold: voided.hold.id,
      key: spare.key.id,
    };
    snapshotB = await everythingOfB();
  });
  afterAll(async () => api.close());

  test.each(memberProbes)("A cannot $name of B's member, and learns nothing", async (probe) => {
    const after = await raw(api.key, probe.method, probe.url, probe.body);
    expect(after).toEqual(before.get(probe.name));
    expect(after.status).toBe(404);
    expect(JSON.parse(after.text).code).toBe(probe.code);
  });

  test.each(idProbes)("A cannot $name of B's, and learns nothing", async (probe) => {
    const realId = probe.id(ids);
    const madeUp = newId(probe.prefix);
    expect(madeUp).toHaveLength(realId.length);
    const forReal = await raw(api.key, probe.method, probe.url(realId));
    const forMadeUp = await raw(api.key, probe.method, probe.url(madeUp));
    expect(forReal.status).toBe(404);
    expect(JSON.parse(forReal.text).code).toBe(probe.code);
    expect({ ...forReal, text: forReal.text.replaceAll(realId, '<id>') }).toEqual({
      ...forMadeUp,
      text: forMadeUp.text.replaceAll(madeUp, '<id>'),
    });
  });

  test("A's lists and settings show nothing of B", async () => {
    const keys = JSON.parse((await raw(api.key, 'GET', '/v1/api-keys')).text);
    expect(keys.data.map((key: { name: string }) => key.name)).toEqual(['owner']);
    const program = JSON.parse((await raw(api.key, 'GET', '/v1/program')).text);
    expect(program.id).toBe(api.programId);
  });

  test("an idempotency key B used is a fresh key for A, and never replays B's answer", async () => {
    const answer = await raw(
      api.key,
      'POST',
      '/v1/members/a-member/credits',
      { points: 500, reason: 'b' },
      { 'idempotency-key': 'order-1' },
    );
    expect(answer.status).toBe(201);
    const body = JSON.parse(answer.text);
    expect(body.entries[0]).toMatchObject({ memberId: 'a-member', points: 500 });
    expect(body.entries[0].id).not.toBe(ids.entry);
  });

  test("A creating a member with B's member id makes A's own member and leaves B's alone", async () => {
    const created = await raw(api.key, 'PUT', '/v1/members/vip-b', { status: 'blocked', tags: ['a'] });
    expect(created.status).toBe(201);
    expect(JSON.parse(created.text)).toMatchObject({
      status: 'blocked',
      tags: ['a'],
      balances: { available: 0, pending: 0, held: 0, growth: 0, debt: 0 },
    });
  });

  test("after all that, B's data is exactly as B left it, and B can still act on it", async () => {
    expect(await everythingOfB()).toBe(snapshotB);
    // Capture first: reversing the credit takes back more than is free, which waits for open holds.
    await asB('POST', `/v1/holds/${ids.openHold}/capture`);
    await asB('POST', `/v1/entries/${ids.entry}/reversal`);
    expect((await raw(keyB, 'GET', '/v1/members/vip-b')).status).toBe(200);
    await expectLedgerSound(api);
  });
});

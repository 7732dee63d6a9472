import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';
import { addStaffMember, send, tokenHeaders } from './staff-support.ts';

const reason = { 'zh-CN': '门店消费', en: 'In-store purchase' };

describe.each(ENGINES)('store clerks (%s)', (engine) => {
  let api: TestApi;
  let clerk: Record<string, string>;
  let twoStores: Record<string, string>;
  beforeAll(async () => {
    api = await openTestApi(engine, undefined, { app: { rateLimits: { loginAttemptsPerMinute: 100_000 } } });
    await api.call('PUT', '/v1/members/m-1', { store: 'SH-02' });
    const member = await addStaffMember(api, { role: 'store_clerk', storeIds: ['SH-01'] });
    clerk = await tokenHeaders(api, member.loginUsed);
    const roaming = await addStaffMember(api, { role: 'store_clerk', storeIds: ['SH-01', 'SH-03'] });
    twoStores = await tokenHeaders(api, roaming.loginUsed);
  });
  afterAll(async () => api?.close());

  const balance = async () => (await api.call('GET', '/v1/members/m-1')).body.balances.available as number;

  test('a credit is stamped with the clerk and their store, named or not', async () => {
    const unnamed = await send(api, 'POST', '/v1/members/m-1/credits', { points: 100, reason }, clerk);
    expect(unnamed.status).toBe(201);
    const entry = (await api.call('GET', `/v1/entries/${unnamed.body.entries[0].id}`)).body;
    expect(entry.source).toMatchObject({ kind: 'api', store: 'SH-01' });
    expect(entry.source.staffId).toMatch(/^stf_/);
    expect(entry.source.apiKeyId).toBeUndefined();
    const named = await send(
      api,
      'POST',
      '/v1/members/m-1/credits',
      { points: 5, reason, store: 'SH-01' },
      clerk,
    );
    expect(named.status).toBe(201);
  });

  test('another store is refused with 403 store_mismatch, and nothing changes', async () => {
    const before = await balance();
    const other = await send(
      api,
      'POST',
      '/v1/members/m-1/credits',
      { points: 100, reason, store: 'SH-02' },
      clerk,
    );
    expect(other.status).toBe(403);
    expect(other.body.code).toBe('store_mismatch');
    expect(other.body.storeIds).toEqual(['SH-01']);
    expect(await balance()).toBe(before);
  });

  test('a clerk of several stores names one (400 store_required otherwise)', async () => {
    const unnamed = await send(api, 'POST', '/v1/members/m-1/credits', { points: 1, reason }, twoStores);
    expect(unnamed.status).toBe(400);
    expect(unnamed.body.code).toBe('store_required');
    const named = await send(
      api,
      'POST',
      '/v1/members/m-1/credits',
      { points: 1, reason, store: 'SH-03' },
      twoStores,
    );
    expect(named.status).toBe(201);
  });

  test('redemptions are stamped with the store; another store is refused', async () => {
    const reward = await api.call('POST', '/v1/rewards', {
      type: 'coupon',
      name: { 'zh-CN': '九折券', en: '10% off' },
      pricePoints: 10,
      stock: 100,
    });
    await api.call('PATCH', `/v1/rewards/${reward.body.id}`, { status: 'live' });
    const refused = await send(
      api,
      'POST',
      '/v1/redemptions',
      { memberId: 'm-1', rewardId: reward.body.id, store: 'SH-09' },
      clerk,
    );
    expect(refused.body.code).toBe('store_mismatch');
    const redeemed = await send(
      api,
      'POST',
      '/v1/redemptions',
      { memberId: 'm-1', rewardId: reward.body.id },
      clerk,
    );
    expect(redeemed.status).toBe(201);
    const entries = (await api.call('GET', '/v1/members/m-1/entries?limit=1')).body.data;
    expect(entries[0].source).toMatchObject({ kind: 'redemption', store: 'SH-01' });
    expect(entries[0].source.staffId).toMatch(/^stf_/);
  });

  test("a clerk pays only their own store's points + cash redemptions", async () => {
    const reward = await api.call('POST', '/v1/rewards', {
      type: 'coupon',
      name: { 'zh-CN': '加价购券', en: 'Points + cash coupon' },
      pricePoints: 10,
      cashMinor: 500,
      stock: 100,
    });
    await api.call('PATCH', `/v1/rewards/${reward.body.id}`, { status: 'live' });
    const order = async (store?: string) => {
      const reply = await api.call('POST', '/v1/redemptions', {
        memberId: 'm-1',
        rewardId: reward.body.id,
        ...(store ? { store } : {}),
      });
      expect(reply.body.status).toBe('awaiting_payment');
      return reply.body.id as string;
    };
    const balances = async () => (await api.call('GET', '/v1/members/m-1')).body.balances;
    const statusOf = async (id: string) => (await api.call('GET', `/v1/redemptions/${id}`)).body.status;

    for (const id of [await order('SH-02'), await order()]) {
      const before = await balances();
      const refused = await send(api, 'POST', `/v1/redemptions/${id}/pay`, undefined, clerk);
      expect(refused.status).toBe(403);
      expect(refused.body.code).toBe('store_mismatch');
      expect(refused.body.storeIds).toEqual(['SH-01']);
      expect(await statusOf(id)).toBe('awaiting_payment');
      expect(await balances()).toEqual(before);
    }

    const own = await order('SH-01');
    const paid = await send(api, 'POST', `/v1/redemptions/${own}/pay`, undefined, clerk);
    expect(paid.status).toBe(200);
    expect(paid.body.status).toBe('fulfilled');
    const capture = (await api.call('GET', `/v1/entries/${paid.body.spendEntryId}`)).body;
    expect(capture).toMatchObject({ type: 'capture' });
    expect(capture.source).toMatchObject({ kind: 'redemption', redemptionId: own, store: 'SH-01' });
    expect(capture.source.staffId).toMatch(/^stf_/);
    expect(capture.source.apiKeyId).toBeUndefined();
  });

  test('a clerk looks members up and sees balances, but cannot adjust, reverse or read the journal', async () => {
    const member = await send(api, 'GET', '/v1/members/m-1', undefined, clerk);
    expect(member.status).toBe(200);
    expect(member.body.balances.available).toBeGreaterThan(0);
    const refusals = [
      await send(api, 'POST', '/v1/members/m-1/adjustments', { points: 5, reason, operator: 'x' }, clerk),
      await send(api, 'POST', '/v1/entries/ent_x/reversal', {}, clerk),
      await send(api, 'GET', '/v1/members/m-1/entries', undefined, clerk),
      await send(api, 'GET', '/v1/redemptions', undefined, clerk),
    ];
    expect(refusals.map((reply) => [reply.status, reply.body.code, reply.body.requiredPermission])).toEqual([
      [403, 'permission_denied', 'ledger:adjust'],
      [403, 'permission_denied', 'ledger:reverse'],
      [403, 'permission_denied', 'ledger:read'],
      [403, 'permission_denied', 'redemptions:read'],
    ]);
  });

  test('staff who are not bound to stores write at the store they name, or none', async () => {
    const owner = await addStaffMember(api, { role: 'owner' });
    const headers = await tokenHeaders(api, owner.loginUsed);
    const anywhere = await send(
      api,
      'POST',
      '/v1/members/m-1/credits',
      { points: 1, reason, store: 'SH-77' },
      headers,
    );
    expect(anywhere.status).toBe(201);
    const none = await send(api, 'POST', '/v1/members/m-1/credits', { points: 1, reason }, headers);
    const entry = (await api.call('GET', `/v1/entries/${none.body.entries[0].id}`)).body;
    expect(entry.source.store).toBeUndefined();
  });
});

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DAY_MS } from '../../src/shared/time-units.ts';
import { expectProblem, invalidFields } from '../api/api-scenarios.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';

const NAME = { 'zh-CN': '常客', en: 'Regulars' };

describe.each(ENGINES)('segments through the API (%s)', (engine) => {
  let api: TestApi;
  const order = (member: string, id: string, amountMinor: number) =>
    api.call('POST', '/v1/events', {
      id,
      type: 'order.paid',
      memberId: member,
      occurredAt: api.clock.now().toISOString(),
      attributes: { orderId: id, amountMinor, currency: 'CNY' },
    });

  beforeAll(async () => {
    api = await openTestApi(engine, '2026-01-01T02:00:00Z');
    for (const id of ['ann', 'bob', 'cat']) {
      expect((await api.call('PUT', `/v1/members/${id}`, { joinedAt: '2025-01-01T00:00:00Z' })).status).toBe(
        201,
      );
    }
    const rule = await api.call('POST', '/v1/rules', {
      name: { 'zh-CN': '消费积分', en: 'Points per yuan' },
      trigger: 'order.paid',
      reward: { kind: 'per_amount', points: 1, perAmountMinor: 100 },
    });
    expect(rule.status, JSON.stringify(rule.body)).toBe(201);
    expect((await api.call('POST', `/v1/rules/${rule.body.id}/publish`, {})).status).toBe(200);
    expect((await order('ann', 'o-1', 50_000)).status).toBe(201);
    expect((await order('ann', 'o-2', 30_000)).status).toBe(201);
    expect((await order('bob', 'o-3', 1_000)).status).toBe(201);
  });
  afterAll(async () => api?.close());

  test('a segment is computed at once, listed with its size, and its members are paged and exported', async () => {
    const created = await api.call('POST', '/v1/segments', {
      id: 'regulars',
      name: NAME,
      condition: { field: 'activity.orders.30d', op: 'gte', value: 2 },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ id: 'regulars', kind: 'rule', status: 'active', size: 1 });
    const list = await api.call('GET', '/v1/segments');
    expect(list.body.data.map((s: { id: string }) => s.id)).toEqual([
      'stage_new',
      'stage_high_value',
      'stage_active',
      'stage_at_risk',
      'stage_dormant',
      'stage_churned',
      'regulars',
    ]);
    const members = await api.call('GET', '/v1/segments/regulars/members');
    expect(members.body.data).toEqual([{ memberId: 'ann', since: '2026-01-01T02:00:00.000Z' }]);
    const csv = await api.app.inject({
      method: 'GET',
      url: '/v1/segments/regulars/members.csv',
      headers: { authorization: `Bearer ${api.key}` },
    });
    expect(csv.statusCode).toBe(200);
    expect(csv.body).toBe('"member_id","since"\r\n"ann","2026-01-01T02:00:00.000Z"\r\n');
    const filtered = await api.call('GET', '/v1/members?segment=regulars');
    expect(filtered.body.data.map((m: { memberId: string }) => m.memberId)).toEqual(['ann']);
  });

  test('a member who stops buying leaves "active" within one sweep period (manual clock)', async () => {
    await api.call('POST', '/v1/segments/recompute');
    const before = await api.call('GET', '/v1/members/bob/segments');
    expect(before.body.stage).toBe('active');
    api.clock.advance(91 * DAY_MS);
    const recomputed = await api.call('POST', '/v1/segments/recompute');
    expect(recomputed.status, JSON.stringify(recomputed.body)).toBe(200);
    const after = await api.call('GET', '/v1/members/bob/segments');
    expect(after.body.stage).toBe('at_risk');
    expect(after.body.segments.map((s: { id: string }) => s.id)).toEqual(['stage_at_risk']);
    const regulars = await api.call('GET', '/v1/segments/regulars/members');
    expect(regulars.body.data).toEqual([]);
    const sizes = await api.call('GET', '/v1/segments/regulars/sizes');
    expect(sizes.body.data.map((d: { members: number }) => d.members)).toEqual([1, 0]);
  });

  test('member.segments in an earning rule reads the computed segments', async () => {
    await api.call('POST', '/v1/segments', {
      id: 'sleepers',
      name: { 'zh-CN': '沉睡', en: 'Sleepers' },
      condition: { field: 'activity.lastOrderDays', op: 'gt', value: 60 },
    });
    const rule = await api.call('POST', '/v1/rules', {
      name: { 'zh-CN': '唤醒签到', en: 'Wake-up check-in' },
      trigger: 'member.checked_in',
      condition: { field: 'member.segments', op: 'contains', value: 'sleepers' },
      reward: { kind: 'fixed', points: 50 },
    });
    expect((await api.call('POST', `/v1/rules/${rule.body.id}/publish`, {})).status).toBe(200);
    const checkIn = (member: string, id: string) =>
      api.call('POST', '/v1/events', {
        id,
        type: 'member.checked_in',
        memberId: member,
        occurredAt: api.clock.now().toISOString(),
      });
    expect((await checkIn('bob', 'c-bob')).body.points).toBe(50);
    expect((await checkIn('cat', 'c-cat')).body.points).toBe(0);
  });

  test('a member page says why the member is in each segment', async () => {
    const view = await api.call('GET', '/v1/members/bob/segments');
    expect(view.status).toBe(200);
    expect(view.body.segments).toContainEqual(
      expect.objectContaining({
        id: 'sleepers',
        checks: [{ field: 'activity.lastOrderDays', op: 'gt', value: 60, actual: 91, ok: true }],
      }),
    );
  });

  test('bad conditions answer 400 naming the field; circular references are refused', async () => {
    const unknown = await api.call('POST', '/v1/segments', {
      id: 'bad',
      name: NAME,
      condition: { all: [{ field: 'member.shoeSize', op: 'gt', value: 1 }] },
    });
    expectProblem(unknown, 400, 'validation_failed');
    expect(invalidFields(unknown)).toEqual(['body/condition/all/0/field']);
    const zero = await api.call('POST', '/v1/segments', {
      id: 'bad',
      name: NAME,
      condition: { field: 'activity.orders.0d', op: 'gt', value: 1 },
    });
    expectProblem(zero, 400, 'validation_failed');
    expect(invalidFields(zero)).toEqual(['body/condition/field']);
    await api.call('POST', '/v1/segments', {
      id: 'a',
      name: NAME,
      condition: { field: 'member.segments', op: 'contains', value: 'regulars' },
    });
    const cycle = await api.call('PATCH', '/v1/segments/regulars', {
      condition: { field: 'member.segments', op: 'contains', value: 'a' },
    });
    expectProblem(cycle, 400, 'validation_failed');
    expect(invalidFields(cycle)).toEqual(['body/condition/value']);
    const stage = await api.call('PATCH', '/v1/segments/stage_active', { name: NAME });
    expectProblem(stage, 409, 'segment_built_in');
    const inUse = await api.call('DELETE', '/v1/segments/regulars');
    expectProblem(inUse, 409, 'segment_in_use');
    const settings = await api.call('PUT', '/v1/segment-settings', {
      rfmWindowDays: 365,
      stages: {
        newDays: 30,
        activeDays: 90,
        atRiskDays: 90,
        churnedDays: 365,
        highValueMinMonetary: 5,
        highValueMinFrequency: 4,
      },
      recomputeEveryMinutes: 60,
    });
    expectProblem(settings, 400, 'validation_failed');
    expect(invalidFields(settings)).toEqual(['body/stages/atRiskDays']);
  });
});

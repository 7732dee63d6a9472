import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createApiKey } from '../../src/keys/api-keys.ts';
import { createProgram } from '../../src/programs/program-store.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';

const base = {
  name: { 'zh-CN': '消费积分', en: 'Purchase points' },
  trigger: 'order.paid',
  reward: { kind: 'per_amount', points: 1, perAmountMinor: 100 },
};
const memberDay = {
  name: { 'zh-CN': '会员日', en: 'Member day' },
  trigger: 'order.paid',
  reward: { kind: 'multiplier', factor: 2 },
  schedule: { weekdays: [3] },
};
// Wednesday 2026-03-11, 14:30 in Shanghai.
const order = {
  event: {
    type: 'order.paid',
    memberId: 'alice',
    occurredAt: '2026-03-11T06:30:00Z',
    attributes: { orderId: 'o-1', amountMinor: 12_800 },
  },
};

describe.each(ENGINES)('rules over the API (%s)', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await openTestApi(engine);
  });
  afterAll(async () => api?.close());

  test('create → draft; publish; a new draft previews without changing what is in force', async () => {
    const created = await api.call('POST', '/v1/rules', base);
    expect(created.status).toBe(201);
    const ruleId = created.body.id;
    expect(ruleId).toMatch(/^rul_/);
    expect(created.body.versions).toMatchObject([
      {
        version: 1,
        status: 'draft',
        description: { 'zh-CN': 'order.paid:每 1 元积 1 分', en: 'order.paid: 1 point per ¥1' },
      },
    ]);

    // A draft awards nothing until published.
    expect((await api.call('POST', '/v1/rules/preview', order)).body.awards).toEqual([]);
    const published = await api.call('POST', `/v1/rules/${ruleId}/publish`);
    expect(published.body).toMatchObject({ version: 1, status: 'published' });
    const inForce = await api.call('POST', '/v1/rules/preview', order);
    expect(inForce.body).toMatchObject({
      totals: { points: 128, growth: 0 },
      memberKnown: false,
      awards: [{ ruleId, version: 1, points: 128, reason: { 'zh-CN': '消费 ¥128.00,每 1 元积 1 分' } }],
    });

    const again = await api.call('POST', `/v1/rules/${ruleId}/publish`);
    expect(again).toMatchObject({ status: 409, body: { code: 'rule_has_no_draft' } });

    const draft = await api.call('PUT', `/v1/rules/${ruleId}/draft`, {
      ...base,
      reward: { kind: 'per_amount', points: 2, perAmountMinor: 100 },
    });
    expect(draft.body).toMatchObject({ version: 2, status: 'draft' });
    expect((await api.call('POST', '/v1/rules/preview', order)).body.totals.points).toBe(128);
    const withDrafts = await api.call('POST', '/v1/rules/preview', { ...order, useDrafts: true });
    expect(withDrafts.body.awards).toMatchObject([{ ruleId, version: 2, points: 256 }]);

    // Publishing v2 supersedes v1, which stays readable and unchanged.
    await api.call('POST', `/v1/rules/${ruleId}/publish`);
    const rule = await api.call('GET', `/v1/rules/${ruleId}`);
    expect(rule.body.versions.map((v: { version: number; status: string }) => [v.version, v.status])).toEqual(
      [
        [1, 'superseded'],
        [2, 'published'],
      ],
    );
    expect(rule.body.versions[0].definition.reward.points).toBe(1);

    await api.call('POST', `/v1/rules/${ruleId}/retire`);
    expect((await api.call('POST', '/v1/rules/preview', order)).body.awards).toEqual([]);
    const retireAgain = await api.call('POST', `/v1/rules/${ruleId}/retire`);
    expect(retireAgain).toMatchObject({ status: 409, body: { code: 'rule_not_published' } });
  });

  test('a member-day multiplier, and the preview says why a rule did not fire', async () => {
    await api.call('PUT', '/v1/members/alice', { tags: ['vip'] });
    for (const definition of [base, memberDay]) {
      const { body } = await api.call('POST', '/v1/rules', definition);
      await api.call('POST', `/v1/rules/${body.id}/publish`);
    }
    const wednesday = await api.call('POST', '/v1/rules/preview', order);
    expect(wednesday.body.memberKnown).toBe(true);
    expect(wednesday.body.awards[0].reason).toEqual({
      'zh-CN': '消费 ¥128.00,每 1 元积 1 分,会员日 2 倍',
      en: 'Spent ¥128.00: 1 point per ¥1, Member day ×2',
    });
    // 00:01 Thursday in Shanghai: no member day.
    const thursday = await api.call('POST', '/v1/rules/preview', {
      event: { ...order.event, occurredAt: '2026-03-11T16:01:00Z' },
    });
    expect(thursday.body.totals.points).toBe(128);
    expect(thursday.body.misses).toContainEqual(
      expect.objectContaining({
        why: { 'zh-CN': '星期四不在活动日内', en: "Thursday is not one of the rule's weekdays" },
      }),
    );
  });

  test('mistakes are refused with the field named: by the schema, and by the compiler', async () => {
    const bySchema = await api.call('POST', '/v1/rules', {
      ...base,
      reward: { kind: 'per_amount', points: 1 },
    });
    expect(bySchema.status).toBe(400);
    expect(bySchema.body.code).toBe('validation_failed');
    const byCompiler = await api.call('POST', '/v1/rules', {
      ...base,
      condition: { all: [{ field: 'member.level', op: 'eq', value: 'gold' }] },
    });
    expect(byCompiler.status).toBe(400);
    expect(byCompiler.body.errors).toEqual([
      expect.objectContaining({
        field: 'body/condition/all/0/field',
        message: expect.stringMatching(/unknown member field/),
      }),
    ]);
    const badItems = await api.call('POST', '/v1/rules/preview', {
      event: { ...order.event, attributes: { items: [{ sku: 'A', quantity: '2', unitPriceMinor: 100 }] } },
    });
    expect(badItems.status).toBe(400);
    expect(badItems.body.errors[0].field).toBe('body/event/attributes/items/0/quantity');
    const missing = await api.call('POST', '/v1/rules/rul_nope/publish');
    expect(missing).toMatchObject({ status: 404, body: { code: 'rule_not_found' } });
  });

  test("another program's key sees none of these rules and cannot touch them", async () => {
    const now = api.clock.now();
    const other = await createProgram(api.db, 'Other', now);
    const { secret } = await createApiKey(api.db, other.id, { name: 'o', scopes: ['*'] }, now);
    const asOther = { authorization: `Bearer ${secret}` };
    const mine = (await api.call('GET', '/v1/rules')).body.data;
    expect(mine.length).toBeGreaterThan(0);
    expect((await api.call('GET', '/v1/rules', undefined, asOther)).body.data).toEqual([]);
    const probe = await api.call('POST', `/v1/rules/${mine[0].id}/retire`, undefined, asOther);
    expect(probe).toMatchObject({ status: 404, body: { code: 'rule_not_found' } });
    expect((await api.call('POST', '/v1/rules/preview', order, asOther)).body.awards).toEqual([]);
  });

  test('rules are in the OpenAPI document', async () => {
    const doc = (await api.call('GET', '/openapi.json')).body;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/rules', '/v1/rules/preview']));
  });
});

import type { TestApi } from '../support/test-api.ts';

/** Rules and events the event tests share, and a helper to publish rules over the API. */

export const name = (zh: string, en = zh) => ({ 'zh-CN': zh, en });

export const perYuan = {
  name: name('消费积分', 'Purchase points'),
  trigger: 'order.paid',
  reward: { kind: 'per_amount', points: 1, perAmountMinor: 100 },
  target: { points: 1, growth: 1 },
};

export async function publish(api: TestApi, definition: object): Promise<string> {
  const created = await api.call('POST', '/v1/rules', definition);
  if (created.status !== 201) throw new Error(`rule not created: ${JSON.stringify(created.body)}`);
  const published = await api.call('POST', `/v1/rules/${created.body.ruleId}/publish`);
  if (published.status !== 200) throw new Error(`rule not published: ${JSON.stringify(published.body)}`);
  return created.body.ruleId;
}

export async function retireAll(api: TestApi): Promise<void> {
  const rules = await api.call('GET', '/v1/rules');
  for (const rule of rules.body.data ?? rules.body) {
    if (rule.versions.some((version: { status: string }) => version.status === 'published')) {
      await api.call('POST', `/v1/rules/${rule.ruleId}/retire`);
    }
  }
}

export function paid(id: string, memberId: string, orderId: string, amountMinor: number, extra: object = {}) {
  return {
    id,
    type: 'order.paid',
    memberId,
    occurredAt: '2026-03-11T06:30:00Z',
    attributes: { orderId, amountMinor, currency: 'CNY', ...extra },
  };
}

export function refunded(id: string, memberId: string, orderId: string, refund: object = {}) {
  return { id, type: 'order.refunded', memberId, attributes: { orderId, ...refund } };
}

export async function balances(api: TestApi, memberId: string) {
  const member = await api.call('GET', `/v1/members/${memberId}`);
  return member.body.balances;
}

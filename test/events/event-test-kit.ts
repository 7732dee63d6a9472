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
  const published = await api.call('POST', `/v1/rules/${created.body.id}/publish`);
  if (published.status !== 200) throw new Error(`rule not published: ${JSON.stringify(published.body)}`);
  return created.body.id;
}

export async function retireAll(api: TestApi): Promise<void> {
  const rules = await api.call('GET', '/v1/rules');
  for (const rule of rules.body.data ?? rules.body) {
    if (rule.versions.some((version: { status: string }) => version.status === 'published')) {
      await api.call('POST', `/v1/rules/${rule.id}/retire`);
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

/** Any event: a custom or built-in type with its attributes. */
export function happened(
  id: string,
  type: string,
  memberId: string,
  attributes: Record<string, unknown> = {},
  occurredAt = '2026-03-11T06:30:00Z',
) {
  return { id, type, memberId, occurredAt, attributes };
}

export function cancelled(id: string, memberId: string, orderId: string) {
  return { id, type: 'order.cancelled', memberId, attributes: { orderId } };
}

/** Sends events one call at a time; returns their bodies, failing loudly on an unexpected status. */
export async function send(api: TestApi, event: object, status = 201) {
  const reply = await api.call('POST', '/v1/events', event);
  if (reply.status !== status) {
    throw new Error(`expected ${status}, got ${reply.status}: ${JSON.stringify(reply.body)}`);
  }
  return reply.body;
}

export async function sendBatch(api: TestApi, events: readonly object[]) {
  const reply = await api.call('POST', '/v1/events/batch', { events });
  if (reply.status !== 200) throw new Error(`batch refused: ${JSON.stringify(reply.body)}`);
  // biome-ignore lint/suspicious/noExplicitAny: outcomes are JSON that each test reads its own way
  return reply.body.results as { eventId: string; status: number; replayed: boolean; body: any }[];
}

/** Every journal entry and lot of the program, to prove that a request changed nothing. */
export async function ledgerSnapshot(api: TestApi) {
  const [row] = await api.db.query<{ entries: number; lots: number; points: number }>(
    `select (select count(*)::int from entries) as entries, (select count(*)::int from lots) as lots,
            (select coalesce(sum(available_points + pending_points), 0)::int from members) as points`,
  );
  return row!;
}

export async function lotsOf(api: TestApi, memberId: string) {
  const reply = await api.call('GET', `/v1/members/${memberId}/lots?includeEmpty=true`);
  return reply.body.data as { id: string; amount: number; remaining: number; expiresAt: string | null }[];
}

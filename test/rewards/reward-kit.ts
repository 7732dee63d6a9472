import { expect } from 'vitest';
import type { TestApi } from '../support/test-api.ts';

/** Helpers for rewards tests: live rewards, funded members, redemptions. */

export const LOUNGE = { type: 'privilege', name: { 'zh-CN': '贵宾室', en: 'Lounge' }, pricePoints: 100 };
export const MUG = { type: 'goods', name: { 'zh-CN': '马克杯', en: 'Mug' }, pricePoints: 300, stock: 10 };
export const COUPON = { type: 'coupon', name: { 'zh-CN': '九折券', en: '10% off' }, pricePoints: 50 };
export const ADDRESS = { name: '王小明', phone: '13800000000', lines: ['上海市静安区南京西路 1 号'] };

let sequence = 0;

// biome-ignore lint/suspicious/noExplicitAny: reward bodies are arbitrary JSON the tests shape
export async function liveReward(api: TestApi, body: Record<string, any> = LOUNGE) {
  const created = await api.call('POST', '/v1/rewards', body);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const live = await api.call('PATCH', `/v1/rewards/${created.body.id}`, { status: 'live' });
  expect(live.status, JSON.stringify(live.body)).toBe(200);
  return live.body;
}

/** A new member credited with `points`, each credit its own lot (with its own expiry when given). */
export async function fundedMember(
  api: TestApi,
  lots: readonly (number | { points: number; expiresAt: string })[],
) {
  const memberId = `rm${++sequence}-${Date.now().toString(36)}`;
  expect([200, 201]).toContain((await api.call('PUT', `/v1/members/${memberId}`, {})).status);
  for (const lot of lots) {
    const body = typeof lot === 'number' ? { points: lot, reason: 'seed' } : { ...lot, reason: 'seed' };
    const credited = await api.call('POST', `/v1/members/${memberId}/credits`, body);
    expect(credited.status, JSON.stringify(credited.body)).toBe(201);
  }
  return memberId;
}

export function redeem(api: TestApi, body: Record<string, unknown>, key?: string) {
  return api.call('POST', '/v1/redemptions', body, key ? { 'idempotency-key': key } : {});
}

export async function available(api: TestApi, memberId: string): Promise<number> {
  return (await api.call('GET', `/v1/members/${memberId}`)).body.balances.available;
}

export async function lotRemainders(api: TestApi, memberId: string): Promise<Record<string, number>> {
  const lots = (await api.call('GET', `/v1/members/${memberId}/lots?includeEmpty=true`)).body.data as {
    id: string;
    remaining: number;
  }[];
  return Object.fromEntries(lots.map((lot) => [lot.id, lot.remaining]));
}

import { expect } from 'vitest';
import type { TestApi } from '../../support/test-api.ts';

/** Helpers for lucky-draw tests: a live draw, plays. */

export const text = (zh: string, en: string) => ({ 'zh-CN': zh, en });

export const WHEEL = {
  name: text('幸运转盘', 'Lucky wheel'),
  costPoints: 10,
  prizes: [
    { name: text('一等奖 1000 积分', '1000 points'), weight: 1, stock: 5, kind: 'points', points: 1000 },
    { name: text('蓝牙耳机', 'Earbuds'), weight: 4, stock: 20, kind: 'item' },
    { name: text('50 积分', '50 points'), weight: 30, kind: 'points', points: 50 },
  ],
  consolation: { name: text('谢谢参与', 'Better luck next time'), weight: 65 },
};

// biome-ignore lint/suspicious/noExplicitAny: draw bodies are arbitrary JSON the tests shape
export async function liveDraw(api: TestApi, body: Record<string, any> = WHEEL) {
  const created = await api.call('POST', '/v1/draws', body);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const live = await api.call('PATCH', `/v1/draws/${created.body.id}`, { status: 'live' });
  expect(live.status, JSON.stringify(live.body)).toBe(200);
  return live.body;
}

export function play(api: TestApi, drawId: string, memberId: string, key?: string) {
  return api.call('POST', `/v1/draws/${drawId}/play`, { memberId }, key ? { 'idempotency-key': key } : {});
}

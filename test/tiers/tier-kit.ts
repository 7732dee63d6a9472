import type { TestApi } from '../support/test-api.ts';

/** The tiers most tests use: 普通 / 银卡 / 金卡 / 钻石 on growth in a calendar year. */

export const name = (zh: string, en: string) => ({ 'zh-CN': zh, en });

export const TIERS = {
  tiers: [
    { code: 'normal', name: name('普通', 'Member'), entryGrowth: 0, retainGrowth: 0 },
    {
      code: 'silver',
      name: name('银卡', 'Silver'),
      entryGrowth: 1000,
      retainGrowth: 800,
      benefits: { earnMultiplier: 1.2 },
    },
    {
      code: 'gold',
      name: name('金卡', 'Gold'),
      entryGrowth: 5000,
      retainGrowth: 4000,
      benefits: { earnMultiplier: 1.5, retainWithPoints: 2000 },
    },
    {
      code: 'diamond',
      name: name('钻石', 'Diamond'),
      entryGrowth: 20_000,
      retainGrowth: 16_000,
      benefits: { earnMultiplier: 2 },
    },
  ],
  window: { kind: 'calendar_year' },
  evaluation: { kind: 'period_end', every: 'year' },
  downgrade: 'one_step',
};

export async function configure(api: TestApi, overrides: object = {}) {
  const put = await api.call('PUT', '/v1/tiers', { ...TIERS, ...overrides });
  if (put.status !== 201) throw new Error(`tiers not configured: ${JSON.stringify(put.body)}`);
  return put.body;
}

/** Growth through the API's credits (points and growth alike). */
export async function grow(api: TestApi, memberId: string, growth: number) {
  const credit = await api.call('POST', `/v1/members/${memberId}/credits`, {
    points: Math.max(growth, 1),
    growth,
    reason: 'purchase',
  });
  if (credit.status !== 201) throw new Error(`credit failed: ${JSON.stringify(credit.body)}`);
  return credit.body;
}

export async function tierOf(api: TestApi, memberId: string) {
  return (await api.call('GET', `/v1/members/${memberId}/tier`)).body;
}

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runBirthdayBonuses } from '../../src/tiers/birthday-bonus.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';
import { configure, grow, TIERS } from './tier-kit.ts';

/** The tier benefit birthdayBonusPoints: paid on the local birthday, once a year, by the tier held. */
describe.each(ENGINES)('birthday gifts (%s)', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    // 2027-02-28 08:00 in Shanghai: a common year, so those born on 29 February celebrate today.
    api = await openTestApi(engine, '2027-02-28T00:00:00Z');
    const tiers = TIERS.tiers.map((tier) =>
      tier.code === 'gold' ? { ...tier, benefits: { ...tier.benefits, birthdayBonusPoints: 888 } } : tier,
    );
    await configure(api, { tiers });
    const members: [string, string, number, object?][] = [
      ['gold-today', '1990-02-28', 6_000],
      ['gold-leap', '1992-02-29', 6_000],
      ['gold-tomorrow', '1990-03-01', 6_000],
      ['silver-today', '1990-02-28', 1_500],
      ['gold-blocked', '1990-02-28', 6_000, { status: 'blocked' }],
    ];
    for (const [memberId, birthday, growth] of members) {
      await api.call('PUT', `/v1/members/${memberId}`, { birthday });
      await grow(api, memberId, growth);
    }
    await api.call('PUT', '/v1/members/gold-blocked', { status: 'blocked' });
  });
  afterAll(async () => api?.close());

  const available = async (memberId: string) =>
    (await api.call('GET', `/v1/members/${memberId}`)).body.balances.available as number;

  test('gold members born today (and on 29 February, in a common year) get 888 points with a reason', async () => {
    expect(await runBirthdayBonuses(api.db, api.clock)).toBe(2);
    expect(await available('gold-today')).toBe(6_000 + 888);
    expect(await available('gold-leap')).toBe(6_000 + 888);
    expect(await available('gold-tomorrow')).toBe(6_000);
    expect(await available('silver-today')).toBe(1_500);
    const entries = await api.call('GET', '/v1/members/gold-today/entries?limit=1');
    expect(entries.body.data[0].reason).toEqual({
      'zh-CN': '金卡生日礼:888 积分,生日快乐',
      en: 'Gold birthday gift: 888 points. Happy birthday!',
    });
  });

  test('once a year: another pass the same day pays nothing, the next birthday pays again', async () => {
    expect(await runBirthdayBonuses(api.db, api.clock)).toBe(0);
    api.clock.advance(366 * 86_400_000);
    // 2028-02-29 is a leap day: the 29 February member celebrates on the day itself, a day later.
    expect(await runBirthdayBonuses(api.db, api.clock)).toBe(1);
    expect(await available('gold-leap')).toBe(6_000 + 2 * 888);
  });
});

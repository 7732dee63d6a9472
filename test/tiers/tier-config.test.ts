import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runTierSweeps } from '../../src/tiers/tier-evaluation.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';
import { grow, name, TIERS, tierOf } from './tier-kit.ts';
import { historyOf, join, programWith } from './tier-scenario-kit.ts';

/**
 * The tier configuration (SPEC §3.3): versioned, never rewriting history, refusing to drop a tier
 * members hold, and refusing configurations that do not make sense with the field at fault.
 */

type Tiers = (typeof TIERS)['tiers'];
const withTier = (index: number, change: object): Tiers =>
  TIERS.tiers.map((tier, at) => (at === index ? { ...tier, ...change } : tier)) as Tiers;
const tier = (code: string, entryGrowth: number) => ({
  code,
  name: name(code, code),
  entryGrowth,
  retainGrowth: entryGrowth,
});

const invalid: { name: string; config: object; fields: string[] }[] = [
  {
    name: 'entryGrowth not ascending',
    config: { tiers: withTier(2, { entryGrowth: 900, retainGrowth: 900 }) },
    fields: ['body/tiers/2/entryGrowth'],
  },
  {
    name: 'two tiers with the same entryGrowth',
    config: { tiers: withTier(2, { entryGrowth: 1000, retainGrowth: 800 }) },
    fields: ['body/tiers/2/entryGrowth'],
  },
  {
    name: 'first tier entry not 0',
    config: { tiers: withTier(0, { entryGrowth: 10 }) },
    fields: ['body/tiers/0/entryGrowth'],
  },
  {
    name: 'retainGrowth above entryGrowth',
    config: { tiers: withTier(1, { retainGrowth: 1001 }) },
    fields: ['body/tiers/1/retainGrowth'],
  },
  { name: 'two tiers (fewer than 3)', config: { tiers: TIERS.tiers.slice(0, 2) }, fields: ['body/tiers'] },
  {
    name: 'eleven tiers (more than 10)',
    config: { tiers: Array.from({ length: 11 }, (_, i) => tier(`t${i}`, i * 100)) },
    fields: ['body/tiers'],
  },
  {
    name: 'earnMultiplier with 3 decimals',
    config: { tiers: withTier(1, { benefits: { earnMultiplier: 1.125 } }) },
    fields: ['body/tiers/1/benefits/earnMultiplier'],
  },
  {
    name: 'earnMultiplier below 1',
    config: { tiers: withTier(1, { benefits: { earnMultiplier: 0.5 } }) },
    fields: ['body/tiers/1/benefits/earnMultiplier'],
  },
  {
    name: 'a code used twice',
    config: { tiers: withTier(3, { code: 'gold' }) },
    fields: ['body/tiers/3/code'],
  },
  {
    name: 'a code that is not a slug',
    config: { tiers: withTier(1, { code: 'Silver Card' }) },
    fields: ['body/tiers/1/code'],
  },
  { name: 'an unknown downgrade', config: { downgrade: 'never' }, fields: ['body/downgrade'] },
  {
    name: 'refundsCanDowngrade not a boolean',
    config: { refundsCanDowngrade: 'yes' },
    fields: ['body/refundsCanDowngrade'],
  },
];

const validMultipliers = [1, 1.05, 1.1, 1.15, 1.2, 1.25, 1.3, 2, 10];

const shortTiers = [tier('normal', 0), tier('silver', 1000), tier('gold', 5000)];

describe.each(ENGINES)('tier configuration (%s)', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await openTestApi(engine);
  });
  afterAll(async () => api?.close());

  test('without tiers: GET /v1/tiers and a member tier are 404 tiers_not_configured, member.tier is null', async () => {
    const bare = await programWith(api, null);
    await join(bare, 'ann');
    expect((await bare.call('GET', '/v1/tiers')).body).toMatchObject({
      status: 404,
      code: 'tiers_not_configured',
    });
    expect((await bare.call('GET', '/v1/members/ann/tier')).body.code).toBe('tiers_not_configured');
    expect((await bare.call('GET', '/v1/members/ann')).body.tier).toBeNull();
    // Growth without tiers is only growth.
    await grow(bare, 'ann', 9000);
    expect((await bare.call('GET', '/v1/members/ann')).body).toMatchObject({
      tier: null,
      balances: { growth: 9000 },
    });
  });

  test('PUT /v1/tiers twice makes versions 1 and 2; history rows keep the version they were made under', async () => {
    const program = await programWith(api, null);
    const first = await program.call('PUT', '/v1/tiers', TIERS);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ version: 1, config: TIERS });
    await join(program, 'bo');
    await join(program, 'cy');
    expect((await program.call('GET', '/v1/members/cy')).body.tier).toBe('normal');
    await grow(program, 'bo', 1200);

    const renamed = withTier(1, {
      name: name('银卡会员', 'Silver member'),
      entryGrowth: 1500,
      retainGrowth: 1200,
    });
    const second = await program.call('PUT', '/v1/tiers', { ...TIERS, tiers: renamed });
    expect(second.status).toBe(201);
    expect(second.body.version).toBe(2);
    expect((await program.call('GET', '/v1/tiers')).body).toMatchObject({
      version: 2,
      config: { tiers: renamed },
    });

    // Bo keeps silver (a new version re-evaluates no one) and sees it under its new name.
    const status = await tierOf(program, 'bo');
    expect(status).toMatchObject({
      configVersion: 2,
      tier: { code: 'silver', name: { en: 'Silver member' } },
      nextTier: { code: 'gold', growthNeeded: 3800 },
    });
    await grow(program, 'bo', 4000);
    const rows = await historyOf(program, 'bo');
    expect(rows.map((row) => [row.kind, row.toTier, row.configVersion])).toEqual([
      ['upgrade', 'silver', 1],
      ['upgrade', 'gold', 2],
    ]);
    // The reason of version 1's row still says what version 1 said.
    expect(rows[0]!.reason.en).toBe('Growth 1,200 reached Silver (1,000): upgraded');
  });

  test('removing a code members hold is 409 tier_in_use; removing one nobody holds is a new version', async () => {
    const program = await programWith(api);
    await join(program, 'dee');
    await join(program, 'eve');
    await grow(program, 'dee', 1200);
    const manual = await program.call('PUT', '/v1/members/eve/tier', {
      tier: 'gold',
      until: '2026-06-01T00:00:00Z',
      reason: 'VIP guest',
    });
    expect(manual.status).toBe(200);

    const withoutSilver = await program.call('PUT', '/v1/tiers', {
      ...TIERS,
      tiers: TIERS.tiers.filter((each) => each.code !== 'silver'),
    });
    expect(withoutSilver.status).toBe(409);
    expect(withoutSilver.body).toMatchObject({ code: 'tier_in_use', codes: ['silver'] });
    const withoutGold = await program.call('PUT', '/v1/tiers', {
      ...TIERS,
      tiers: TIERS.tiers.filter((each) => each.code !== 'gold'),
    });
    expect(withoutGold.body).toMatchObject({ status: 409, code: 'tier_in_use', codes: ['gold'] });
    expect((await program.call('GET', '/v1/tiers')).body.version).toBe(1);

    const withoutDiamond = await program.call('PUT', '/v1/tiers', {
      ...TIERS,
      tiers: TIERS.tiers.slice(0, 3),
    });
    expect(withoutDiamond.status).toBe(201);
    expect(withoutDiamond.body.version).toBe(2);
    expect(await tierOf(program, 'dee')).toMatchObject({
      tier: { code: 'silver' },
      nextTier: { code: 'gold' },
    });
  });

  test.each(invalid)('$name → 400 validation_failed naming $fields', async ({ config, fields }) => {
    const program = await programWith(api);
    const put = await program.call('PUT', '/v1/tiers', { ...TIERS, ...config });
    expect(put.status, JSON.stringify(put.body)).toBe(400);
    expect(put.body.code).toBe('validation_failed');
    const named = put.body.errors.map((error: { field: string }) => error.field);
    for (const field of fields) expect(named).toContain(field);
    expect((await program.call('GET', '/v1/tiers')).body.version).toBe(1);
  });

  test.each(validMultipliers)(
    'earnMultiplier %s (at most 2 decimals) is accepted',
    async (earnMultiplier) => {
      const program = await programWith(api, null);
      const put = await program.call('PUT', '/v1/tiers', {
        ...TIERS,
        tiers: withTier(1, { benefits: { earnMultiplier } }),
      });
      expect(put.status, JSON.stringify(put.body)).toBe(201);
    },
  );

  test.each([
    { name: '3 tiers, retainGrowth equal to entryGrowth', config: { tiers: shortTiers } },
    { name: '10 tiers', config: { tiers: Array.from({ length: 10 }, (_, i) => tier(`t${i}`, i * 100)) } },
    {
      name: 'rolling 12 months, anniversary, to_qualified',
      config: {
        window: { kind: 'rolling_months', months: 12 },
        evaluation: { kind: 'anniversary' },
        downgrade: 'to_qualified',
      },
    },
    {
      name: 'quarterly evaluation, refunds can downgrade',
      config: { evaluation: { kind: 'period_end', every: 'quarter' }, refundsCanDowngrade: true },
    },
  ])('$name is a valid configuration', async ({ config }) => {
    const program = await programWith(api, null);
    const put = await program.call('PUT', '/v1/tiers', { ...TIERS, ...config });
    expect(put.status, JSON.stringify(put.body)).toBe(201);
    expect((await program.call('GET', '/v1/tiers')).body.config).toMatchObject(config);
  });

  test('a version that lowers a threshold upgrades at the next evaluation, recorded under that version', async () => {
    const program = await programWith(api);
    await join(program, 'low');
    await grow(program, 'low', 4000);
    const lower = withTier(2, { entryGrowth: 3000, retainGrowth: 2500 });
    expect((await program.call('PUT', '/v1/tiers', { ...TIERS, tiers: lower })).body.version).toBe(2);
    // Nothing re-evaluates members when the configuration changes...
    expect(await tierOf(program, 'low')).toMatchObject({
      tier: { code: 'silver' },
      projectedTier: { tier: { code: 'gold' } },
    });
    // ...the evaluation does, under the version in force.
    api.clock.set('2027-01-01T00:00:00Z');
    await runTierSweeps(api.db, api.clock);
    const rows = await historyOf(program, 'low');
    expect(rows.map((row) => [row.kind, row.fromTier, row.toTier, row.configVersion])).toEqual([
      ['upgrade', 'normal', 'silver', 1],
      ['upgrade', 'silver', 'gold', 2],
    ]);
  });
});

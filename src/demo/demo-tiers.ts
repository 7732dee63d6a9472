import type { Database } from '../db/database.ts';
import { currentTierConfig, putTierConfig } from '../tiers/tier-store.ts';
import type { TierConfig } from '../tiers/tier-types.ts';

const name = (zh: string, en: string) => ({ 'zh-CN': zh, en });

/**
 * 普通 / 银卡 / 金卡 / 钻石 on growth over a rolling 12 months, evaluated at each quarter's end.
 * Thresholds are set so the retail year populates them believably (growth is ¥1 = 1): about three
 * in five members stay 普通, a quarter reach 银卡, one in eight 金卡 and one in forty 钻石.
 */
export const DEMO_TIERS: TierConfig = {
  tiers: [
    { code: 'normal', name: name('普通会员', 'Member'), entryGrowth: 0, retainGrowth: 0 },
    {
      code: 'silver',
      name: name('银卡', 'Silver'),
      entryGrowth: 15_000,
      retainGrowth: 12_000,
      benefits: { earnMultiplier: 1.2, perks: [name('生日月双倍积分', 'Double points in birth month')] },
    },
    {
      code: 'gold',
      name: name('金卡', 'Gold'),
      entryGrowth: 50_000,
      retainGrowth: 40_000,
      benefits: {
        earnMultiplier: 1.5,
        retainWithPoints: 5_000,
        perks: [name('免运费', 'Free shipping')],
      },
    },
    {
      code: 'diamond',
      name: name('钻石', 'Diamond'),
      entryGrowth: 150_000,
      retainGrowth: 120_000,
      benefits: {
        earnMultiplier: 2,
        retainWithPoints: 15_000,
        perks: [name('专属客服', 'Personal service'), name('免运费', 'Free shipping')],
      },
    },
  ],
  window: { kind: 'rolling_months', months: 12 },
  evaluation: { kind: 'period_end', every: 'quarter' },
  downgrade: 'one_step',
};

/** Configures the demo tiers unless the program has tiers already; says whether it did. */
export async function ensureDemoTiers(db: Database, programId: string, now: Date): Promise<boolean> {
  if (await currentTierConfig(db, programId)) return false;
  await db.transaction((tx) => putTierConfig(tx, programId, DEMO_TIERS, now));
  return true;
}

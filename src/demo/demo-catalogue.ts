import type { Database } from '../db/database.ts';
import { createDraw, patchDraw } from '../rewards/draws/draw-catalogue.ts';
import { createReward, patchReward } from '../rewards/reward-catalogue.ts';
import type { RewardCreate } from '../rewards/reward-types.ts';

const name = (zh: string, en: string) => ({ 'zh-CN': zh, en });

const DEMO_REWARDS: RewardCreate[] = [
  { type: 'coupon', name: name('全场九折券', '10% off everything'), pricePoints: 500 },
  { type: 'coupon', name: name('满 200 减 20 券', '¥20 off ¥200'), pricePoints: 800, stock: 500 },
  { type: 'goods', name: name('品牌帆布袋', 'Canvas tote bag'), pricePoints: 1_500, stock: 200 },
  { type: 'goods', name: name('保温杯', 'Insulated bottle'), pricePoints: 3_000, stock: 100 },
  { type: 'privilege', name: name('会员专属客服', 'Priority support'), pricePoints: 1_000 },
];

/**
 * The demo's catalogue (积分商城) and one live lucky draw, only when the program has no rewards yet,
 * so a second run, or a program in use, is left as it is. Returns whether it created them.
 */
export async function ensureDemoCatalogue(db: Database, programId: string, now: Date): Promise<boolean> {
  const [row] = await db.query<{ n: number }>(
    'select count(*)::int as n from rewards where program_id = $1',
    [programId],
  );
  if ((row?.n ?? 0) > 0) return false;
  await db.transaction(async (tx) => {
    for (const input of DEMO_REWARDS) {
      const reward = await createReward(tx, programId, input, now);
      await patchReward(tx, programId, reward.id, { status: 'live' }, now);
    }
    const draw = await createDraw(
      tx,
      programId,
      {
        name: name('幸运大转盘', 'Lucky wheel'),
        costPoints: 100,
        perMemberPerDay: 3,
        prizes: [
          { name: name('1000 积分', '1,000 points'), weight: 1, stock: 10, kind: 'points', points: 1_000 },
          { name: name('蓝牙耳机', 'Wireless earbuds'), weight: 2, stock: 5, kind: 'item' },
          { name: name('保温杯', 'Insulated bottle'), weight: 7, stock: 50, kind: 'item' },
          { name: name('50 积分', '50 points'), weight: 30, kind: 'points', points: 50 },
        ],
        consolation: { name: name('谢谢参与', 'Better luck next time'), weight: 60 },
      },
      now,
    );
    await patchDraw(tx, programId, draw.id, { status: 'live' }, now);
  });
  return true;
}

import type { Queryable } from '../db/database.ts';
import type { MemberKey } from '../members/member-key.ts';
import { JifenError } from '../shared/errors.ts';
import type { CouponCodeStatus } from './coupon-codes.ts';
import { getReward } from './reward-store.ts';
import type { Reward } from './reward-types.ts';

/**
 * Uploaded coupon code pools: rows of `coupon_codes` with source 'pool' and status 'available',
 * numbered in upload order (`position`). A redemption of a pool reward claims the first available
 * codes under the reward's row lock; the pool is the reward's stock. A cancelled redemption's codes
 * are voided and never handed out again; the primary key keeps a code unique in the program.
 */

export const isPoolReward = (reward: Reward) =>
  reward.type === 'coupon' && reward.details.codeSource === 'pool';

/**
 * Adds codes to the pool of a coupon whose codes come from a pool (coupon.codeSource 'pool');
 * codes already known in the program are reported.
 */
export async function uploadPoolCodes(
  tx: Queryable,
  programId: string,
  rewardId: string,
  codes: readonly string[],
): Promise<{ added: number; duplicates: string[] }> {
  // The reward's lock orders uploads with each other and with redemptions claiming codes.
  const reward = await getReward(tx, programId, rewardId, { forUpdate: true });
  if (reward.type !== 'coupon') {
    throw new JifenError('coupon_pool_not_coupon', {
      detail: `Reward "${rewardId}" is a ${reward.type}; only coupons take uploaded codes.`,
      extensions: { rewardId, rewardType: reward.type },
    });
  }
  if (!isPoolReward(reward)) {
    throw new JifenError('coupon_code_source', {
      detail: `Coupon "${rewardId}" generates its own codes, so uploaded codes would never be handed out; set coupon.codeSource to "pool" first.`,
      extensions: { rewardId, codeSource: reward.details.codeSource ?? 'generated' },
    });
  }
  const [last] = await tx.query<{ position: string | number | null }>(
    `select max(position) as position from coupon_codes where program_id = $1 and reward_id = $2`,
    [programId, rewardId],
  );
  const rows = await tx.query<{ code: string }>(
    `insert into coupon_codes (program_id, code, reward_id, source, status, position)
     select $1, code, $3, 'pool', 'available', $4::bigint + ordinality
       from unnest($2::text[]) with ordinality as upload (code, ordinality)
     on conflict do nothing returning code`,
    [programId, codes, rewardId, Number(last?.position ?? 0)],
  );
  const added = new Set(rows.map((row) => row.code));
  return { added: added.size, duplicates: codes.filter((code) => !added.has(code)) };
}

/** Codes left to hand out; the caller holds the reward's lock when it must not change. */
export async function availablePoolCodes(
  db: Queryable,
  programId: string,
  rewardId: string,
): Promise<number> {
  const [row] = await db.query<{ n: string | number }>(
    `select count(*) as n from coupon_codes
      where program_id = $1 and reward_id = $2 and status = 'available'`,
    [programId, rewardId],
  );
  return Number(row?.n ?? 0);
}

/** A pool reward's stock is its available codes (capped by its own stock, if it has one). */
export async function withPoolStock(db: Queryable, programId: string, reward: Reward): Promise<Reward> {
  if (!isPoolReward(reward)) return reward;
  const codes = await availablePoolCodes(db, programId, reward.id);
  return { ...reward, stock: reward.stock === null ? codes : Math.min(reward.stock, codes) };
}

export interface PoolClaim {
  programId: string;
  rewardId: string;
  redemptionId: string;
  memberKey: MemberKey;
  count: number;
  now: Date;
}

/** Claims the first `count` available codes in upload order; the caller holds the reward's lock. */
export async function claimPoolCodes(tx: Queryable, claim: PoolClaim): Promise<string[]> {
  // A CTE, not `code in (select … limit n)`: that subquery may be re-run per row and claim more.
  const rows = await tx.query<{ code: string; position: string | number }>(
    `with picked as (
       select code from coupon_codes where program_id = $1 and reward_id = $2 and status = 'available'
        order by position, code limit $3 for update skip locked)
     update coupon_codes c set status = 'issued', redemption_id = $4, member_key = $5, issued_at = $6
       from picked where c.program_id = $1 and c.code = picked.code
     returning c.code, c.position`,
    [claim.programId, claim.rewardId, claim.count, claim.redemptionId, claim.memberKey, claim.now],
  );
  if (rows.length !== claim.count) {
    throw new Error(`Invariant violated: pool of ${claim.rewardId} had fewer codes than its stock`);
  }
  return rows.sort((a, b) => Number(a.position) - Number(b.position)).map((row) => row.code);
}

export async function poolSummary(db: Queryable, programId: string, rewardId: string) {
  await getReward(db, programId, rewardId);
  const rows = await db.query<{ status: CouponCodeStatus; n: string | number }>(
    `select status, count(*) as n from coupon_codes
      where program_id = $1 and reward_id = $2 and source = 'pool' group by status`,
    [programId, rewardId],
  );
  const summary: Record<CouponCodeStatus, number> = { available: 0, issued: 0, used: 0, voided: 0 };
  for (const row of rows) summary[row.status] = Number(row.n);
  return summary;
}

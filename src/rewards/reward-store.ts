import type { Queryable } from '../db/database.ts';
import { JifenError } from '../shared/errors.ts';
import type { Reward, RewardDetails, RewardLimits, RewardStatus, RewardType } from './reward-types.ts';

/** Storage of catalogue rows. Every statement is scoped by program. */

interface RewardRow {
  id: string;
  type: RewardType;
  status: RewardStatus;
  name_zh: string;
  name_en: string;
  description_zh: string;
  description_en: string;
  image_url: string | null;
  price_points: string | number;
  cash_minor: string | number | null;
  stock: string | number | null;
  redeemed_quantity: string | number;
  limits: RewardLimits;
  eligible_tiers: string[];
  available_from: Date | null;
  available_until: Date | null;
  details: RewardDetails;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = `id, type, status, name_zh, name_en, description_zh, description_en, image_url, price_points,
  cash_minor, stock, redeemed_quantity, limits, eligible_tiers, available_from, available_until, details,
  created_at, updated_at`;

const dateOrNull = (value: Date | null) => (value === null ? null : new Date(value));
const numberOrNull = (value: string | number | null) => (value === null ? null : Number(value));

function toReward(row: RewardRow): Reward {
  return {
    id: row.id,
    type: row.type,
    status: row.status,
    name: { zh: row.name_zh, en: row.name_en },
    description: { zh: row.description_zh, en: row.description_en },
    imageUrl: row.image_url,
    pricePoints: Number(row.price_points),
    cashMinor: numberOrNull(row.cash_minor),
    stock: numberOrNull(row.stock),
    redeemedQuantity: Number(row.redeemed_quantity),
    limits: row.limits,
    eligibleTiers: row.eligible_tiers,
    availableFrom: dateOrNull(row.available_from),
    availableUntil: dateOrNull(row.available_until),
    details: row.details,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

function rowValues(programId: string, reward: Reward): unknown[] {
  return [
    programId,
    reward.id,
    reward.type,
    reward.status,
    reward.name.zh,
    reward.name.en,
    reward.description.zh,
    reward.description.en,
    reward.imageUrl,
    reward.pricePoints,
    reward.cashMinor,
    reward.stock,
    JSON.stringify(reward.limits),
    reward.eligibleTiers,
    reward.availableFrom,
    reward.availableUntil,
    JSON.stringify(reward.details),
    reward.updatedAt,
  ];
}

export async function insertReward(tx: Queryable, programId: string, reward: Reward): Promise<void> {
  await tx.query(
    `insert into rewards (program_id, id, type, status, name_zh, name_en, description_zh, description_en,
       image_url, price_points, cash_minor, stock, limits, eligible_tiers, available_from, available_until,
       details, updated_at, created_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb, $14::text[], $15, $16,
       $17::jsonb, $18, $18)`,
    rowValues(programId, reward),
  );
}

/** Writes back every editable field of a reward the caller read under lock. */
export async function updateReward(tx: Queryable, programId: string, reward: Reward): Promise<void> {
  await tx.query(
    `update rewards set type = $3, status = $4, name_zh = $5, name_en = $6, description_zh = $7,
       description_en = $8, image_url = $9, price_points = $10, cash_minor = $11, stock = $12,
       limits = $13::jsonb, eligible_tiers = $14::text[], available_from = $15, available_until = $16,
       details = $17::jsonb, updated_at = $18
     where program_id = $1 and id = $2`,
    rowValues(programId, reward),
  );
}

/**
 * Reads a reward; with `forUpdate`, locks its row until the transaction ends. Lock order: a
 * transaction that locks members locks them first, then rewards (see ARCHITECTURE.md, Rewards).
 */
export async function getReward(
  db: Queryable,
  programId: string,
  rewardId: string,
  options: { forUpdate?: boolean } = {},
): Promise<Reward> {
  const [row] = await db.query<RewardRow>(
    `select ${COLUMNS} from rewards where program_id = $1 and id = $2${options.forUpdate ? ' for update' : ''}`,
    [programId, rewardId],
  );
  if (!row) {
    throw new JifenError('reward_not_found', {
      detail: `There is no reward "${rewardId}" in this program.`,
      extensions: { rewardId },
    });
  }
  return toReward(row);
}

/** Moves stock and the redeemed count by `quantity` units (negative: given back by a cancellation). */
export async function takeStock(
  tx: Queryable,
  programId: string,
  rewardId: string,
  quantity: number,
  now: Date,
): Promise<void> {
  await tx.query(
    `update rewards set stock = stock - $3, redeemed_quantity = redeemed_quantity + $3, updated_at = $4
      where program_id = $1 and id = $2`,
    [programId, rewardId, quantity, now],
  );
}

export interface RewardFilter {
  status?: RewardStatus | undefined;
  type?: RewardType | undefined;
  /** Text in the name (either language, any case). */
  q?: string | undefined;
  /** Only rewards members of this tier may redeem (open to every tier, or listing it). */
  eligibleTier?: string | undefined;
  /** Only rewards with stock left (unlimited, or units left; a pool coupon needs codes left). */
  inStock?: boolean | undefined;
  after?: string | undefined;
  limit: number;
}

/** In id order; every filter narrows the query itself, so pages stay full and cursors exact. */
export async function listRewards(db: Queryable, programId: string, filter: RewardFilter): Promise<Reward[]> {
  const rows = await db.query<RewardRow>(
    `select ${COLUMNS} from rewards r
      where program_id = $1 and ($2::text is null or status = $2) and ($3::text is null or type = $3)
        and ($4::text is null or id > $4)
        and ($5::text is null or strpos(lower(name_zh), lower($5)) > 0 or strpos(lower(name_en), lower($5)) > 0)
        and ($6::text is null or cardinality(eligible_tiers) = 0 or $6 = any(eligible_tiers))
        and (not $7::boolean or ((stock is null or stock > 0)
             and (type <> 'coupon' or details->>'codeSource' is distinct from 'pool' or exists (
                   select 1 from coupon_codes c
                    where c.program_id = r.program_id and c.reward_id = r.id and c.status = 'available'))))
      order by id limit $8`,
    [
      programId,
      filter.status ?? null,
      filter.type ?? null,
      filter.after ?? null,
      filter.q ?? null,
      filter.eligibleTier ?? null,
      filter.inStock ?? false,
      filter.limit,
    ],
  );
  return rows.map(toReward);
}

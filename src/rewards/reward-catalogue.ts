import type { Queryable } from '../db/database.ts';
import { reasonView } from '../ledger/ledger-views.ts';
import { getProgram } from '../programs/program-store.ts';
import { JifenError } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import { currentTierConfig } from '../tiers/tier-store.ts';
import { assertRewardTransition } from './reward-availability.ts';
import { getReward, insertReward, updateReward } from './reward-store.ts';
import {
  DEFAULT_CODE_PATTERN,
  type Reward,
  type RewardCreate,
  type RewardDetails,
  type RewardPatch,
} from './reward-types.ts';

/** Creating and editing catalogue entries: checks that span fields, then one write. */

interface FieldError {
  field: string;
  message: string;
}

const fromText = (text: { 'zh-CN': string; en: string }) => ({ zh: text['zh-CN'], en: text.en });
const dateOrNull = (value: string | null | undefined) => (value ? new Date(value) : null);

function detailsOf(
  input: RewardCreate | RewardPatch,
  type: Reward['type'],
  current: RewardDetails,
  cashCurrency: string | null,
): RewardDetails {
  const cash = cashCurrency ? { cashCurrency } : {};
  if (type === 'coupon')
    return {
      codePattern: input.coupon?.codePattern ?? current.codePattern ?? DEFAULT_CODE_PATTERN,
      codeSource: input.coupon?.codeSource ?? current.codeSource ?? 'generated',
      ...cash,
    };
  if (type === 'voucher') {
    const voucher = input.voucher ?? current;
    return voucher.valueMinor === undefined
      ? cash
      : { valueMinor: voucher.valueMinor, currency: voucher.currency ?? 'CNY', ...cash };
  }
  return cash;
}

/** The currency of the cash part is the program's; null when the reward is points only. */
async function cashCurrencyOf(db: Queryable, programId: string, cashMinor: number | null) {
  return cashMinor === null ? null : (await getProgram(db, programId)).currency;
}

/** What the schema cannot say: settings that belong to another type, windows, unknown tiers. */
async function fieldErrors(
  db: Queryable,
  programId: string,
  input: RewardCreate | RewardPatch,
  reward: Reward,
) {
  const errors: FieldError[] = [];
  if (input.coupon && reward.type !== 'coupon')
    errors.push({ field: 'body/coupon', message: 'only coupons have coupon settings' });
  if (input.voucher && reward.type !== 'voucher')
    errors.push({ field: 'body/voucher', message: 'only vouchers have voucher settings' });
  if (reward.type === 'voucher' && reward.details.valueMinor === undefined) {
    errors.push({ field: 'body/voucher', message: 'a voucher needs voucher.valueMinor (its face value)' });
  }
  if (reward.availableFrom && reward.availableUntil && reward.availableFrom >= reward.availableUntil) {
    errors.push({ field: 'body/availableUntil', message: 'must be later than availableFrom' });
  }
  if (input.eligibleTiers && input.eligibleTiers.length > 0) {
    const config = await currentTierConfig(db, programId);
    const known = new Set(config?.config.tiers.map((tier) => tier.code) ?? []);
    input.eligibleTiers.forEach((code, index) => {
      if (!known.has(code))
        errors.push({
          field: `body/eligibleTiers/${index}`,
          message: `"${code}" is not a tier code of this program`,
        });
    });
  }
  if (errors.length > 0) {
    throw new JifenError('validation_failed', {
      detail: errors.map((error) => `${error.field} ${error.message}`).join('; '),
      extensions: { errors },
    });
  }
}

export async function createReward(
  tx: Queryable,
  programId: string,
  input: RewardCreate,
  now: Date,
): Promise<Reward> {
  const cashMinor = input.cashMinor ?? null;
  const reward: Reward = {
    id: newId('rwd', now.getTime()),
    type: input.type,
    status: 'draft',
    name: fromText(input.name),
    description: input.description ? fromText(input.description) : { zh: '', en: '' },
    imageUrl: input.imageUrl ?? null,
    pricePoints: input.pricePoints,
    cashMinor,
    stock: input.stock ?? null,
    redeemedQuantity: 0,
    limits: input.limits ?? {},
    eligibleTiers: input.eligibleTiers ?? [],
    availableFrom: dateOrNull(input.availableFrom),
    availableUntil: dateOrNull(input.availableUntil),
    details: detailsOf(input, input.type, {}, await cashCurrencyOf(tx, programId, cashMinor)),
    createdAt: now,
    updatedAt: now,
  };
  await fieldErrors(tx, programId, input, reward);
  await insertReward(tx, programId, reward);
  return reward;
}

/** Edits fields and moves the status; the row is locked so a redemption sees the old or the new. */
export async function patchReward(
  tx: Queryable,
  programId: string,
  rewardId: string,
  patch: RewardPatch,
  now: Date,
): Promise<Reward> {
  const current = await getReward(tx, programId, rewardId, { forUpdate: true });
  assertRewardTransition(current.status, patch.status ?? current.status);
  const cashMinor = patch.cashMinor === undefined ? current.cashMinor : patch.cashMinor;
  const reward: Reward = {
    ...current,
    status: patch.status ?? current.status,
    name: patch.name ? fromText(patch.name) : current.name,
    description: patch.description ? fromText(patch.description) : current.description,
    imageUrl: patch.imageUrl === undefined ? current.imageUrl : patch.imageUrl,
    pricePoints: patch.pricePoints ?? current.pricePoints,
    cashMinor,
    stock: patch.stock === undefined ? current.stock : patch.stock,
    limits: patch.limits ?? current.limits,
    eligibleTiers: patch.eligibleTiers ?? current.eligibleTiers,
    availableFrom:
      patch.availableFrom === undefined ? current.availableFrom : dateOrNull(patch.availableFrom),
    availableUntil:
      patch.availableUntil === undefined ? current.availableUntil : dateOrNull(patch.availableUntil),
    details: detailsOf(patch, current.type, current.details, await cashCurrencyOf(tx, programId, cashMinor)),
    updatedAt: now,
  };
  await fieldErrors(tx, programId, patch, reward);
  await updateReward(tx, programId, reward);
  return reward;
}

export function rewardView(reward: Reward) {
  return {
    id: reward.id,
    type: reward.type,
    status: reward.status,
    name: reasonView(reward.name),
    description: reasonView(reward.description),
    imageUrl: reward.imageUrl,
    pricePoints: reward.pricePoints,
    cashMinor: reward.cashMinor,
    cashCurrency: reward.cashMinor === null ? null : (reward.details.cashCurrency ?? null),
    stock: reward.stock,
    redeemedQuantity: reward.redeemedQuantity,
    limits: reward.limits,
    eligibleTiers: reward.eligibleTiers,
    availableFrom: reward.availableFrom?.toISOString() ?? null,
    availableUntil: reward.availableUntil?.toISOString() ?? null,
    ...(reward.type === 'coupon'
      ? {
          coupon: {
            codePattern: reward.details.codePattern,
            codeSource: reward.details.codeSource ?? 'generated',
          },
        }
      : {}),
    ...(reward.type === 'voucher'
      ? { voucher: { valueMinor: reward.details.valueMinor, currency: reward.details.currency } }
      : {}),
    createdAt: reward.createdAt.toISOString(),
    updatedAt: reward.updatedAt.toISOString(),
  };
}
export type RewardView = ReturnType<typeof rewardView>;

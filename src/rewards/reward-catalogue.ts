import type { Queryable } from '../db/database.ts';
import { reasonView } from '../ledger/ledger-views.ts';
import { getProgram } from '../programs/program-store.ts';
import { JifenError } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import { currentTierConfig } from '../tiers/tier-store.ts';
import { availablePoolCodes, isPoolReward } from './coupon-pool.ts';
import { drawCostPoints } from './draws/draw-store.ts';
import { type FieldError, throwFieldErrors, windowDateErrors, windowOrderErrors } from './field-errors.ts';
import { assertRewardTransition } from './reward-availability.ts';
import { getReward, insertReward, updateReward } from './reward-store.ts';
import {
  DEFAULT_CODE_PATTERN,
  MIN_CODE_PATTERN_XS,
  type Reward,
  type RewardCreate,
  type RewardDetails,
  type RewardPatch,
} from './reward-types.ts';

/** Creating and editing catalogue entries: checks that span fields, then one write. */

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
  if (type === 'lucky_draw') {
    const drawId = input.luckyDraw?.drawId ?? current.drawId;
    return drawId === undefined ? {} : { drawId };
  }
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

const countXs = (pattern: string) => pattern.split('X').length - 1;

/**
 * A lucky_draw entry costs its draw's costPoints (kept on the row, read again from the draw when
 * listed or redeemed); anything else costs its own pricePoints. Null: no price could be found.
 */
async function priceOf(db: Queryable, programId: string, type: Reward['type'], details: RewardDetails) {
  if (type !== 'lucky_draw' || details.drawId === undefined) return null;
  return drawCostPoints(db, programId, details.drawId);
}

/** What only some types have: a draw to play, or a price, stock and cash of their own. */
function typeErrors(
  input: RewardCreate | RewardPatch,
  reward: Reward,
  drawCost: number | null,
): FieldError[] {
  const errors: FieldError[] = [];
  if (reward.type !== 'lucky_draw') {
    if (input.luckyDraw)
      errors.push({ field: 'body/luckyDraw', message: 'only lucky draws have lucky draw settings' });
    if (!(reward.pricePoints >= 1)) errors.push({ field: 'body/pricePoints', message: 'is required' });
    return errors;
  }
  if (reward.details.drawId === undefined) {
    errors.push({
      field: 'body/luckyDraw',
      message: 'a lucky draw needs luckyDraw.drawId (the draw it plays)',
    });
  } else if (drawCost === null) {
    errors.push({
      field: 'body/luckyDraw/drawId',
      message: `"${reward.details.drawId}" is not a lucky draw of this program`,
    });
  }
  if (input.pricePoints !== undefined)
    errors.push({
      field: 'body/pricePoints',
      message: "a lucky draw costs its draw's costPoints; leave it out",
    });
  if (reward.stock !== null)
    errors.push({ field: 'body/stock', message: 'a lucky draw has no stock of its own (its prizes have)' });
  if (reward.cashMinor !== null)
    errors.push({ field: 'body/cashMinor', message: 'a lucky draw is played with points only' });
  return errors;
}

/** What the schema cannot say: settings that belong to another type, windows, unknown tiers. */
async function fieldErrors(
  db: Queryable,
  programId: string,
  input: RewardCreate | RewardPatch,
  reward: Reward,
  drawCost: number | null,
) {
  const errors: FieldError[] = [...windowDateErrors(input), ...typeErrors(input, reward, drawCost)];
  const pattern = input.coupon?.codePattern;
  if (pattern !== undefined && countXs(pattern) < MIN_CODE_PATTERN_XS) {
    errors.push({
      field: 'body/coupon/codePattern',
      message: `needs at least ${MIN_CODE_PATTERN_XS} Xs (each becomes a random character)`,
    });
  }
  if (input.coupon && reward.type !== 'coupon')
    errors.push({ field: 'body/coupon', message: 'only coupons have coupon settings' });
  if (input.voucher && reward.type !== 'voucher')
    errors.push({ field: 'body/voucher', message: 'only vouchers have voucher settings' });
  if (reward.type === 'voucher' && reward.details.valueMinor === undefined) {
    errors.push({ field: 'body/voucher', message: 'a voucher needs voucher.valueMinor (its face value)' });
  }
  errors.push(...windowOrderErrors(reward, errors));
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
  throwFieldErrors(errors);
}

export async function createReward(
  tx: Queryable,
  programId: string,
  input: RewardCreate,
  now: Date,
): Promise<Reward> {
  const cashMinor = input.cashMinor ?? null;
  const details = detailsOf(input, input.type, {}, await cashCurrencyOf(tx, programId, cashMinor));
  const drawCost = await priceOf(tx, programId, input.type, details);
  const reward: Reward = {
    id: newId('rwd', now.getTime()),
    type: input.type,
    status: 'draft',
    name: fromText(input.name),
    description: input.description ? fromText(input.description) : { zh: '', en: '' },
    imageUrl: input.imageUrl ?? null,
    pricePoints: drawCost ?? input.pricePoints ?? 0,
    cashMinor,
    stock: input.stock ?? null,
    redeemedQuantity: 0,
    limits: input.limits ?? {},
    eligibleTiers: input.eligibleTiers ?? [],
    availableFrom: dateOrNull(input.availableFrom),
    availableUntil: dateOrNull(input.availableUntil),
    details,
    createdAt: now,
    updatedAt: now,
  };
  await fieldErrors(tx, programId, input, reward, drawCost);
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
  const details = detailsOf(
    patch,
    current.type,
    current.details,
    await cashCurrencyOf(tx, programId, cashMinor),
  );
  const drawCost = await priceOf(tx, programId, current.type, details);
  const reward: Reward = {
    ...current,
    status: patch.status ?? current.status,
    name: patch.name ? fromText(patch.name) : current.name,
    description: patch.description ? fromText(patch.description) : current.description,
    imageUrl: patch.imageUrl === undefined ? current.imageUrl : patch.imageUrl,
    pricePoints: drawCost ?? patch.pricePoints ?? current.pricePoints,
    cashMinor,
    stock: patch.stock === undefined ? current.stock : patch.stock,
    limits: patch.limits ?? current.limits,
    eligibleTiers: patch.eligibleTiers ?? current.eligibleTiers,
    availableFrom:
      patch.availableFrom === undefined ? current.availableFrom : dateOrNull(patch.availableFrom),
    availableUntil:
      patch.availableUntil === undefined ? current.availableUntil : dateOrNull(patch.availableUntil),
    details,
    updatedAt: now,
  };
  await fieldErrors(tx, programId, patch, reward, drawCost);
  await assertPoolNotAbandoned(tx, programId, current, reward);
  await updateReward(tx, programId, reward);
  return reward;
}

/** A pool coupon switched to generated codes would strand the codes it has not handed out yet. */
async function assertPoolNotAbandoned(tx: Queryable, programId: string, current: Reward, next: Reward) {
  if (!isPoolReward(current) || isPoolReward(next)) return;
  const left = await availablePoolCodes(tx, programId, current.id);
  if (left === 0) return;
  throw new JifenError('coupon_code_source', {
    detail: `Coupon "${current.id}" still has ${left} uploaded codes to hand out; it cannot switch to generated codes until they are gone.`,
    extensions: { rewardId: current.id, codeSource: 'pool', availableCodes: left },
  });
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
    ...(reward.type === 'lucky_draw' ? { luckyDraw: { drawId: reward.details.drawId ?? '' } } : {}),
    createdAt: reward.createdAt.toISOString(),
    updatedAt: reward.updatedAt.toISOString(),
  };
}
export type RewardView = ReturnType<typeof rewardView>;

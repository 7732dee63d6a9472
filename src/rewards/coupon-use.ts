import type { Queryable } from '../db/database.ts';
import type { CommandContext, CommandResult } from '../ledger/commands/command-context.ts';
import { memberIdOfKeySql } from '../members/member-store.ts';
import { JifenError } from '../shared/errors.ts';
import type { CouponCodeStatus } from './coupon-codes.ts';
import { getRedemption } from './redemption-store.ts';
import type { Redemption, RedemptionStatus } from './reward-types.ts';

/**
 * The merchant's till marks a coupon code used (`POST /v1/coupon-codes/{code}/use`): once, for one
 * order at one store. Marking it again with the same order and store answers the same (a retry);
 * anything else about a used, voided or unpaid code is refused. A redemption whose code was used
 * can no longer be cancelled. Lock order: the redemption row, then the code row — the same order
 * as a cancellation (member, reward, redemption, codes), so the two never interleave.
 */

export interface CouponUseInput {
  code: string;
  orderId?: string | undefined;
  store?: string | undefined;
}

export interface CouponCode {
  code: string;
  rewardId: string;
  redemptionId: string | null;
  memberId: string | null;
  status: CouponCodeStatus;
  issuedAt: Date | null;
  usedAt: Date | null;
  usedOrderId: string | null;
  usedStore: string | null;
}

interface CouponCodeRow {
  code: string;
  reward_id: string;
  redemption_id: string | null;
  member_id: string | null;
  status: CouponCodeStatus;
  issued_at: Date | null;
  used_at: Date | null;
  used_order_id: string | null;
  used_store: string | null;
}

const dateOrNull = (value: Date | null) => (value === null ? null : new Date(value));

/** Redemptions whose codes the member may use: paid for and not cancelled. */
const USABLE: readonly RedemptionStatus[] = ['fulfilled', 'awaiting_shipment', 'shipped', 'delivered'];

export async function getCouponCode(
  db: Queryable,
  programId: string,
  code: string,
  options: { forUpdate?: boolean } = {},
): Promise<CouponCode> {
  const [row] = await db.query<CouponCodeRow>(
    `select code, reward_id, redemption_id,
            ${memberIdOfKeySql('coupon_codes.member_key', 'coupon_codes.program_id')} as member_id, status,
            issued_at, used_at, used_order_id, used_store
       from coupon_codes where program_id = $1 and code = $2${options.forUpdate ? ' for update' : ''}`,
    [programId, code],
  );
  if (!row) {
    throw new JifenError('coupon_code_not_found', {
      detail: `There is no coupon code "${code}" in this program.`,
      extensions: { couponCode: code },
    });
  }
  return {
    code: row.code,
    rewardId: row.reward_id,
    redemptionId: row.redemption_id,
    memberId: row.member_id,
    status: row.status,
    issuedAt: dateOrNull(row.issued_at),
    usedAt: dateOrNull(row.used_at),
    usedOrderId: row.used_order_id,
    usedStore: row.used_store,
  };
}

function refuse(code: CouponCode, why: string, detail: string, extra: Record<string, unknown> = {}) {
  return new JifenError('coupon_code_state', {
    detail,
    extensions: {
      couponCode: code.code,
      why,
      codeStatus: code.status,
      redemptionId: code.redemptionId,
      ...extra,
    },
  });
}

/**
 * Decide, over the code and its redemption read under lock: 'use' it now, 'replay' a use that
 * already happened with this order and store, or refuse.
 */
export function decideCouponUse(
  code: CouponCode,
  redemption: Redemption | null,
  input: CouponUseInput,
): 'use' | 'replay' {
  if (code.status === 'available' || !redemption) {
    throw refuse(code, 'not_issued', `Coupon code "${code.code}" was never handed out to a member.`);
  }
  if (code.status === 'voided' || redemption.status === 'cancelled') {
    const cancelled = redemption.status === 'cancelled';
    throw refuse(
      code,
      cancelled ? 'redemption_cancelled' : 'voided',
      cancelled
        ? `Coupon code "${code.code}" belongs to redemption "${redemption.id}", which was cancelled.`
        : `Coupon code "${code.code}" was voided.`,
      { redemptionStatus: redemption.status },
    );
  }
  if (code.status === 'used') {
    const sameUse = code.usedOrderId === (input.orderId ?? null) && code.usedStore === (input.store ?? null);
    if (sameUse) return 'replay';
    throw refuse(
      code,
      'already_used',
      `Coupon code "${code.code}" was already used${code.usedOrderId ? ` for order "${code.usedOrderId}"` : ''} at ${code.usedAt?.toISOString()}.`,
      {
        usedAt: code.usedAt?.toISOString() ?? null,
        usedOrderId: code.usedOrderId,
        usedStore: code.usedStore,
      },
    );
  }
  if (!USABLE.includes(redemption.status)) {
    throw refuse(
      code,
      'not_paid',
      `Coupon code "${code.code}" belongs to redemption "${redemption.id}", which is ${redemption.status}: it can be used once the redemption is paid.`,
      { redemptionStatus: redemption.status },
    );
  }
  return 'use';
}

export function couponCodeView(code: CouponCode) {
  return {
    code: code.code,
    status: code.status,
    rewardId: code.rewardId,
    redemptionId: code.redemptionId,
    memberId: code.memberId,
    issuedAt: code.issuedAt?.toISOString() ?? null,
    usedAt: code.usedAt?.toISOString() ?? null,
    usedOrderId: code.usedOrderId,
    usedStore: code.usedStore,
  };
}

/** `POST /v1/coupon-codes/{code}/use`, in one transaction. */
export async function useCouponCode(
  tx: Queryable,
  context: CommandContext,
  input: CouponUseInput,
): Promise<CommandResult> {
  const { programId, now } = context;
  let code = await getCouponCode(tx, programId, input.code);
  let redemption: Redemption | null = null;
  // The code's redemption is locked first, then the code is re-read under that lock; a pool code
  // released and claimed again in between names another redemption, so follow it (at most twice).
  for (let attempt = 0; attempt < 3; attempt++) {
    const redemptionId = code.redemptionId;
    redemption = redemptionId ? await getRedemption(tx, programId, redemptionId, { forUpdate: true }) : null;
    code = await getCouponCode(tx, programId, input.code, { forUpdate: true });
    if (code.redemptionId === redemptionId) break;
  }
  const decision = decideCouponUse(code, redemption, input);
  if (decision === 'use') {
    code = {
      ...code,
      status: 'used',
      usedAt: now,
      usedOrderId: input.orderId ?? null,
      usedStore: input.store ?? null,
    };
    await tx.query(
      `update coupon_codes set status = 'used', used_at = $3, used_order_id = $4, used_store = $5
        where program_id = $1 and code = $2`,
      [programId, code.code, now, code.usedOrderId, code.usedStore],
    );
  }
  return { status: 200, body: { ...couponCodeView(code), alreadyUsed: decision === 'replay' } };
}

/** Refuses to cancel a redemption one of whose codes a till already accepted. */
export async function assertNoCodeUsed(tx: Queryable, programId: string, redemption: Redemption) {
  const used = await tx.query<{ code: string; used_at: Date }>(
    `select code, used_at from coupon_codes
      where program_id = $1 and redemption_id = $2 and status = 'used' order by code`,
    [programId, redemption.id],
  );
  if (used.length === 0) return;
  throw new JifenError('redemption_coupon_used', {
    detail: `Redemption "${redemption.id}" cannot be cancelled: its coupon code "${used[0]!.code}" was already used.`,
    extensions: { redemptionId: redemption.id, usedCodes: used.map((row) => row.code) },
  });
}

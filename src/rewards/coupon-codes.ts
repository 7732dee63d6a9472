import { randomInt } from 'node:crypto';
import type { Queryable } from '../db/database.ts';
import type { MemberKey } from '../members/member-key.ts';

/**
 * Coupon codes. Generated codes come from a cryptographic random source; the table's primary key
 * (program, code) means a code is never handed out twice. An uploaded pool adds rows with status
 * 'available' that redemptions claim instead of generating (coupon-pool.ts); the merchant's till
 * marks an issued code 'used' (coupon-use.ts).
 */

// No 0/O, 1/I/L: codes are read aloud and typed at tills.
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const MAX_ROUNDS = 10;

/** Replaces each X of the pattern with a random character: 'JF-XXXX-XXXX' → 'JF-7KQ2-M9XD'. */
export function generateCouponCode(pattern: string): string {
  return pattern.replace(/X/g, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]!);
}

export interface CouponIssue {
  programId: string;
  rewardId: string;
  redemptionId: string;
  memberKey: MemberKey;
  codePattern: string;
  count: number;
  now: Date;
}

/** Generates and records `count` new codes; a code that already exists is drawn again. */
export async function issueCouponCodes(tx: Queryable, issue: CouponIssue): Promise<string[]> {
  const issued: string[] = [];
  for (let round = 0; issued.length < issue.count; round++) {
    if (round === MAX_ROUNDS)
      throw new Error(`Invariant violated: no free coupon code for ${issue.codePattern}`);
    const candidates = Array.from({ length: issue.count - issued.length }, () =>
      generateCouponCode(issue.codePattern),
    );
    const rows = await tx.query<{ code: string }>(
      `insert into coupon_codes (program_id, code, reward_id, source, status, redemption_id, member_key, issued_at)
       select $1, code, $3, 'generated', 'issued', $4, $5, $6 from unnest($2::text[]) as code
       on conflict do nothing returning code`,
      [issue.programId, candidates, issue.rewardId, issue.redemptionId, issue.memberKey, issue.now],
    );
    issued.push(...rows.map((row) => row.code));
  }
  return issued.sort();
}

/** A cancelled redemption's codes can no longer be used; they are never issued again. */
export async function voidCouponCodes(
  tx: Queryable,
  programId: string,
  redemptionId: string,
  now: Date,
): Promise<void> {
  await tx.query(
    `update coupon_codes set status = 'voided', voided_at = $3
      where program_id = $1 and redemption_id = $2 and status = 'issued'`,
    [programId, redemptionId, now],
  );
}

/**
 * Codes an unpaid redemption reserved go back: pool codes to the pool (never shown to anyone, they
 * keep their place), generated ones are voided.
 */
export async function releaseReservedCodes(
  tx: Queryable,
  programId: string,
  redemptionId: string,
  now: Date,
): Promise<void> {
  await tx.query(
    `update coupon_codes set status = 'available', redemption_id = null, member_key = null, issued_at = null
      where program_id = $1 and redemption_id = $2 and status = 'issued' and source = 'pool'`,
    [programId, redemptionId],
  );
  await voidCouponCodes(tx, programId, redemptionId, now);
}

export type CouponCodeStatus = 'available' | 'issued' | 'used' | 'voided';

/** A code as its redemption shows it: issued, used at a till (when, for which order), or voided. */
export interface CouponCodeView {
  code: string;
  status: 'issued' | 'used' | 'voided';
  usedAt: string | null;
  usedOrderId: string | null;
  usedStore: string | null;
}

export async function couponCodesOf(
  db: Queryable,
  programId: string,
  redemptionIds: readonly string[],
): Promise<Map<string, CouponCodeView[]>> {
  const byRedemption = new Map<string, CouponCodeView[]>();
  if (redemptionIds.length === 0) return byRedemption;
  const rows = await db.query<{
    redemption_id: string;
    code: string;
    status: CouponCodeView['status'];
    used_at: Date | null;
    used_order_id: string | null;
    used_store: string | null;
  }>(
    `select redemption_id, code, status, used_at, used_order_id, used_store from coupon_codes
      where program_id = $1 and redemption_id = any($2::text[]) order by code`,
    [programId, redemptionIds],
  );
  for (const row of rows) {
    const codes = byRedemption.get(row.redemption_id) ?? [];
    codes.push({
      code: row.code,
      status: row.status,
      usedAt: row.used_at === null ? null : new Date(row.used_at).toISOString(),
      usedOrderId: row.used_order_id,
      usedStore: row.used_store,
    });
    byRedemption.set(row.redemption_id, codes);
  }
  return byRedemption;
}

/** Fresh codes as a new redemption shows them. */
export const issuedCodeViews = (codes: readonly string[]): CouponCodeView[] =>
  codes.map((code) => ({ code, status: 'issued', usedAt: null, usedOrderId: null, usedStore: null }));

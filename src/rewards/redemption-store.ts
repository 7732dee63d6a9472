import type { Database, Queryable } from '../db/database.ts';
import type { CommandResult } from '../ledger/commands/command-context.ts';
import type { LedgerDraft } from '../ledger/ledger-draft.ts';
import { storeOfEntry } from '../ledger/ledger-queries.ts';
import { reasonView } from '../ledger/ledger-views.ts';
import { asMemberKey, type MemberKey } from '../members/member-key.ts';
import { memberIdOfKeySql, memberKeyOfIdSql } from '../members/member-store.ts';
import {
  recordRedemptionMessage,
  redemptionMessageType,
} from '../notifications/outbox/redemption-messages.ts';
import { JifenError } from '../shared/errors.ts';
import {
  type ActivityScope,
  inAnyWindow,
  inScope,
  type WindowRef,
  withinWindow,
} from '../shared/member-activity-sql.ts';
import { openText, sealText } from '../vault/field-cipher.ts';
import { LEGACY_BATCH, sealInBatches } from '../vault/legacy-plaintext.ts';
import { type CouponCodeView, couponCodesOf } from './coupon-codes.ts';
import { playsByIds, playView } from './draws/play-store.ts';
import type {
  Redemption,
  RedemptionStatus,
  RewardDetails,
  RewardType,
  Shipment,
  ShippingAddress,
} from './reward-types.ts';

/** Redemption orders: one row each, its status moved by the lifecycle commands. */

/**
 * The shipping address (name, phone, address) is personal data: stored sealed by the vault, bound
 * to the program and this field. The column stays jsonb and holds a JSON string, the sealed JSON of
 * the address (`"enc:v1:…"`), rather than a new text column: no migration and no copy of every row,
 * null stays null, and a plain address from before (a JSON object) is told apart by its jsonb type
 * until `sealLegacyShippingAddresses` seals it at start. Reads open it; the API shows it as given.
 */
export const SHIPPING_ADDRESS_FIELD = 'redemptions.shipping_address';

/** The stored value of an address: the sealed JSON (a string), or null. */
async function sealedAddress(
  q: Queryable,
  programId: string,
  address: ShippingAddress | null,
): Promise<string | null> {
  return address === null ? null : sealText(q, programId, SHIPPING_ADDRESS_FIELD, JSON.stringify(address));
}

/** The address a stored value holds: sealed (a string) is opened; a plain object from before is read as it is. */
async function openedAddress(
  q: Queryable,
  programId: string,
  stored: ShippingAddress | string | null,
): Promise<ShippingAddress | null> {
  if (stored === null || typeof stored !== 'string') return stored;
  return JSON.parse(await openText(q, programId, SHIPPING_ADDRESS_FIELD, stored)) as ShippingAddress;
}

interface RedemptionRow {
  id: string;
  member_id: string;
  member_key: string;
  reward_id: string;
  reward_type: RewardType;
  reward_name_zh: string;
  reward_name_en: string;
  quantity: number;
  points_per_unit: string | number;
  points_total: string | number;
  status: RedemptionStatus;
  spend_entry_id: string | null;
  cancel_entry_id: string | null;
  hold_id: string | null;
  cash_minor: string | number | null;
  cash_currency: string | null;
  paid_at: Date | null;
  payment_due_at: Date | null;
  usage_periods: string[];
  details: RewardDetails;
  /** Sealed (a JSON string), or a plain object stored before the vault. */
  shipping_address: ShippingAddress | string | null;
  shipment: Shipment | null;
  cancel_reason: string | null;
  created_at: Date;
  updated_at: Date;
  shipped_at: Date | null;
  delivered_at: Date | null;
  cancelled_at: Date | null;
}

/** Of `redemptions r`: the member by the merchant's id as it is now. */
const COLUMNS = `id, ${memberIdOfKeySql('r.member_key', 'r.program_id')} as member_id, member_key, reward_id, reward_type, reward_name_zh, reward_name_en, quantity, points_per_unit,
  points_total, status, spend_entry_id, cancel_entry_id, usage_periods, details, shipping_address, shipment,
  cancel_reason, created_at, updated_at, shipped_at, delivered_at, cancelled_at, hold_id, cash_minor,
  cash_currency, paid_at, payment_due_at`;

const dateOrNull = (value: Date | null) => (value === null ? null : new Date(value));

async function toRedemption(q: Queryable, programId: string, row: RedemptionRow): Promise<Redemption> {
  return {
    id: row.id,
    memberId: row.member_id,
    memberKey: asMemberKey(row.member_key),
    rewardId: row.reward_id,
    rewardType: row.reward_type,
    rewardName: { zh: row.reward_name_zh, en: row.reward_name_en },
    quantity: row.quantity,
    pointsPerUnit: Number(row.points_per_unit),
    pointsTotal: Number(row.points_total),
    status: row.status,
    spendEntryId: row.spend_entry_id,
    cancelEntryId: row.cancel_entry_id,
    holdId: row.hold_id,
    paymentDueAt: row.payment_due_at,
    cash:
      row.cash_minor === null
        ? null
        : { amountMinor: Number(row.cash_minor), currency: row.cash_currency ?? '' },
    paidAt: dateOrNull(row.paid_at),
    usagePeriods: row.usage_periods,
    details: row.details,
    shippingAddress: await openedAddress(q, programId, row.shipping_address),
    shipment: row.shipment,
    cancelReason: row.cancel_reason,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    shippedAt: dateOrNull(row.shipped_at),
    deliveredAt: dateOrNull(row.delivered_at),
    cancelledAt: dateOrNull(row.cancelled_at),
  };
}

export async function insertRedemption(
  tx: Queryable,
  programId: string,
  redemption: Redemption,
): Promise<void> {
  const r = redemption;
  await tx.query(
    `insert into redemptions (program_id, id, member_key, reward_id, reward_type, reward_name_zh, reward_name_en,
       quantity, points_per_unit, points_total, status, spend_entry_id, usage_periods, details,
       shipping_address, created_at, updated_at, hold_id, cash_minor, cash_currency, payment_due_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::text[], $14::jsonb, to_jsonb($15::text), $16, $16,
       $17, $18, $19, $20)`,
    [
      programId,
      r.id,
      r.memberKey,
      r.rewardId,
      r.rewardType,
      r.rewardName.zh,
      r.rewardName.en,
      r.quantity,
      r.pointsPerUnit,
      r.pointsTotal,
      r.status,
      r.spendEntryId,
      r.usagePeriods,
      JSON.stringify(r.details),
      await sealedAddress(tx, programId, r.shippingAddress),
      r.createdAt,
      r.holdId,
      r.cash?.amountMinor ?? null,
      r.cash?.currency ?? null,
      r.paymentDueAt,
    ],
  );
}

/**
 * Writes the lifecycle fields of a redemption the caller read under lock, and records the
 * notification its change of status makes (redemption.created / shipped / delivered / cancelled).
 */
export async function saveRedemptionStatus(tx: Queryable, programId: string, r: Redemption): Promise<void> {
  const [previous] = await tx.query<{ status: RedemptionStatus }>(
    `update redemptions t set status = $3, cancel_entry_id = $4, shipment = $5::jsonb, cancel_reason = $6,
       updated_at = $7, shipped_at = $8, delivered_at = $9, cancelled_at = $10, spend_entry_id = $11,
       paid_at = $12
       from redemptions old
     where t.program_id = $1 and t.id = $2 and old.program_id = t.program_id and old.id = t.id
     returning old.status`,
    [
      programId,
      r.id,
      r.status,
      r.cancelEntryId,
      r.shipment && JSON.stringify(r.shipment),
      r.cancelReason,
      r.updatedAt,
      r.shippedAt,
      r.deliveredAt,
      r.cancelledAt,
      r.spendEntryId,
      r.paidAt,
    ],
  );
  const type = redemptionMessageType(previous?.status ?? null, r.status);
  if (type === null) return;
  const codes = (await couponCodesOf(tx, programId, [r.id])).get(r.id) ?? [];
  const issued = codes.filter((code) => code.status === 'issued').map((code) => code.code);
  await recordRedemptionMessage(tx, programId, r, type, issued, r.updatedAt);
}

export async function getRedemption(
  db: Queryable,
  programId: string,
  redemptionId: string,
  options: { forUpdate?: boolean } = {},
): Promise<Redemption> {
  const [row] = await db.query<RedemptionRow>(
    `select ${COLUMNS} from redemptions r where program_id = $1 and id = $2${options.forUpdate ? ' for update' : ''}`,
    [programId, redemptionId],
  );
  if (!row) {
    throw new JifenError('redemption_not_found', {
      detail: `There is no redemption "${redemptionId}" in this program.`,
      extensions: { redemptionId },
    });
  }
  return toRedemption(db, programId, row);
}

export interface RedemptionFilter {
  memberId?: string | undefined;
  rewardId?: string | undefined;
  status?: RedemptionStatus | undefined;
  /** Created at or after this instant. */
  createdFrom?: string | undefined;
  /** Created before this instant. */
  createdTo?: string | undefined;
  /** Only the redemption that holds this coupon code (exact). */
  couponCode?: string | undefined;
  /** Text in the reward's name (either language, any case) or in the redemption id. */
  q?: string | undefined;
  /** Cursor: only redemptions older than this id. */
  before?: string | undefined;
  limit: number;
  /** The time of the read: an unpaid order past its due time counts as payment_expired. */
  now: Date;
}

/** Newest first; every filter narrows the query itself, so pages stay full and cursors exact. */
export async function listRedemptions(
  db: Queryable,
  programId: string,
  filter: RedemptionFilter,
): Promise<Redemption[]> {
  // strpos, not LIKE: the operator's text is matched as it is, with no wildcard to escape.
  const rows = await db.query<RedemptionRow>(
    `select ${COLUMNS} from redemptions r
      where program_id = $1 and ($2::text is null or member_key = ${memberKeyOfIdSql('$2')})
        and ($3::text is null or reward_id = $3)
        and ($4::text is null
             or status = $4 and not (status = 'awaiting_payment' and payment_due_at <= $11)
             or $4 = 'payment_expired' and status = 'awaiting_payment' and payment_due_at <= $11)
        and ($5::text is null or id < $5)
        and ($6::timestamptz is null or created_at >= $6) and ($7::timestamptz is null or created_at < $7)
        and ($8::text is null or exists (
              select 1 from coupon_codes c
               where c.program_id = r.program_id and c.code = $8 and c.redemption_id = r.id))
        and ($9::text is null or strpos(lower(reward_name_zh), lower($9)) > 0
             or strpos(lower(reward_name_en), lower($9)) > 0 or strpos(id, lower($9)) > 0)
      order by id desc limit $10`,
    [
      programId,
      filter.memberId ?? null,
      filter.rewardId ?? null,
      filter.status ?? null,
      filter.before ?? null,
      filter.createdFrom ?? null,
      filter.createdTo ?? null,
      filter.couponCode ?? null,
      filter.q ?? null,
      filter.limit,
      filter.now,
    ],
  );
  const redemptions = await Promise.all(rows.map((row) => toRedemption(db, programId, row)));
  return redemptions.map((r) => redemptionAt(r, filter.now));
}

/**
 * A redemption as a read at `now` sees it: an unpaid points + cash order past its due time is
 * payment_expired, whether or not the hold time-out sweep has settled it yet (reads never write).
 */
export function redemptionAt(r: Redemption, now: Date): Redemption {
  const expired =
    r.status === 'awaiting_payment' && r.paymentDueAt !== null && r.paymentDueAt.getTime() <= now.getTime();
  return expired ? { ...r, status: 'payment_expired' } : r;
}

export function redemptionView(r: Redemption, couponCodes: readonly CouponCodeView[] = []) {
  return {
    id: r.id,
    memberId: r.memberId,
    rewardId: r.rewardId,
    rewardType: r.rewardType,
    rewardName: reasonView(r.rewardName),
    quantity: r.quantity,
    pointsPerUnit: r.pointsPerUnit,
    pointsTotal: r.pointsTotal,
    status: r.status,
    spendEntryId: r.spendEntryId,
    cancelEntryId: r.cancelEntryId,
    holdId: r.holdId,
    cash: r.cash,
    paymentDueAt: r.paymentDueAt?.toISOString() ?? null,
    paidAt: r.paidAt?.toISOString() ?? null,
    // Codes are reserved at once but handed out only when the cash is paid.
    couponCodes: r.status === 'awaiting_payment' || r.status === 'payment_expired' ? [] : [...couponCodes],
    voucher:
      r.rewardType === 'voucher'
        ? { valueMinor: r.details.valueMinor ?? 0, currency: r.details.currency ?? 'CNY' }
        : null,
    shippingAddress: r.shippingAddress,
    shipment: r.shipment,
    cancelReason: r.cancelReason,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    shippedAt: r.shippedAt?.toISOString() ?? null,
    deliveredAt: r.deliveredAt?.toISOString() ?? null,
    cancelledAt: r.cancelledAt?.toISOString() ?? null,
  };
}
export type RedemptionView = ReturnType<typeof redemptionView>;

/**
 * A command's answer showing a redemption. One that shows a shipping address holds personal data:
 * the answer kept for an Idempotency-Key replay is sealed (`personalAnswer`), not stored plain.
 */
export function redemptionResult(
  status: number,
  redemption: Redemption,
  body: unknown,
  draft?: LedgerDraft,
): CommandResult {
  return {
    status,
    body,
    ...(draft ? { draft } : {}),
    ...(redemption.shippingAddress !== null ? { personalAnswer: { memberId: redemption.memberId } } : {}),
  };
}

/** Views of redemptions as of `now`, with their coupon codes and lucky draw plays, one query for each. */
export async function redemptionViews(
  db: Queryable,
  programId: string,
  stored: readonly Redemption[],
  now: Date,
) {
  const redemptions = stored.map((r) => redemptionAt(r, now));
  const codes = await couponCodesOf(
    db,
    programId,
    redemptions.map((r) => r.id),
  );
  const playIds = redemptions.flatMap((r) => (r.details.playId ? [r.details.playId] : []));
  const plays = await playsByIds(db, programId, playIds);
  return redemptions.map((r) => {
    const play = r.details.playId ? plays.get(r.details.playId) : undefined;
    const view = redemptionView(r, codes.get(r.id) ?? []);
    return play ? { ...view, play: playView(play) } : view;
  });
}

/** A member's unpaid orders of a reward whose payment was due by `now` (oldest first), to settle. */
export async function expiredUnpaidOf(
  tx: Queryable,
  programId: string,
  memberKey: MemberKey,
  rewardId: string,
  now: Date,
): Promise<{ id: string; hold_id: string }[]> {
  return tx.query<{ id: string; hold_id: string }>(
    `select id, hold_id from redemptions
      where program_id = $1 and member_key = $2 and reward_id = $3 and status = 'awaiting_payment'
        and payment_due_at <= $4
      order by id`,
    [programId, memberKey, rewardId, now],
  );
}

/**
 * The store a redemption was made at, as its first entry's source records it (the hold of a
 * points + cash order, else the spend); undefined when it was not made at a store. Entries are
 * never changed, so neither is the answer.
 */
export async function storeOfRedemption(
  db: Queryable,
  programId: string,
  r: Redemption,
): Promise<string | undefined> {
  if (r.holdId) return storeOfEntry(db, programId, r.memberKey, { holdId: r.holdId });
  if (r.spendEntryId) return storeOfEntry(db, programId, r.memberKey, { entryId: r.spendEntryId });
  return undefined;
}

/**
 * Seals the shipping addresses stored in plain text before the vault (a jsonb object; registered in
 * src/wiring.ts, run by `jifen serve` at start): 500 rows at a time, each batch in its own
 * transaction, so an interrupted start leaves the rest for the next. Answers how many it sealed
 * (0 once nothing is plain, at the cost of one query).
 */
export async function sealLegacyShippingAddresses(db: Database): Promise<number> {
  return sealInBatches(db, async (tx) => {
    const rows = await tx.query<{ program_id: string; id: string; shipping_address: ShippingAddress }>(
      `select program_id, id, shipping_address from redemptions
          where jsonb_typeof(shipping_address) = 'object'
          order by program_id, id limit ${LEGACY_BATCH} for update`,
    );
    if (rows.length === 0) return 0;
    const values: string[] = [];
    for (const row of rows) {
      values.push((await sealedAddress(tx, row.program_id, row.shipping_address)) as string);
    }
    await tx.query(
      `update redemptions r set shipping_address = to_jsonb(v.address)
           from unnest($1::text[], $2::text[], $3::text[]) as v(program_id, id, address)
          where r.program_id = v.program_id and r.id = v.id`,
      [rows.map((row) => row.program_id), rows.map((row) => row.id), values],
    );
    return rows.length;
  });
}

/**
 * Erasure: the shipping addresses of the member's redemptions go (the orders stay: reward, points,
 * status, shipment). Refused while one still needs its address: awaiting shipment, or awaiting the
 * payment after which it ships.
 */
export async function eraseShippingAddresses(
  tx: Queryable,
  programId: string,
  memberKey: MemberKey,
): Promise<void> {
  const waiting = await tx.query<{ id: string; status: string }>(
    `select id, status from redemptions
      where program_id = $1 and member_key = $2 and shipping_address is not null
        and status in ('awaiting_shipment', 'awaiting_payment')
      order by id for update`,
    [programId, memberKey],
  );
  if (waiting.length > 0) {
    throw new JifenError('erasure_blocked', {
      detail: `${waiting.length} redemption(s) of the member still need the shipping address: ${waiting
        .map((row) => `${row.id} (${row.status})`)
        .join(', ')}. Ship or cancel them, then erase.`,
      extensions: { redemptions: waiting.map((row) => ({ id: row.id, status: row.status })) },
    });
  }
  await tx.query(
    'update redemptions set shipping_address = null where program_id = $1 and member_key = $2 and shipping_address is not null',
    [programId, memberKey],
  );
}

/** Members' redemptions per window (`redemptions_<i>`, cancelled ones left out), for segments. */
export function redemptionActivitySql(scope: ActivityScope, windows: readonly WindowRef[]): string {
  const columns = windows.map(
    (days, i) =>
      `count(*) filter (where r.status <> 'cancelled' and ${withinWindow('r.created_at', days)}) as redemptions_${i}`,
  );
  return `select r.member_key, ${columns.join(', ')}
            from redemptions r
           where r.program_id = $1 and ${inScope(scope, 'r.member_key')} and ${inAnyWindow('r.created_at', windows)}
           group by r.member_key`;
}

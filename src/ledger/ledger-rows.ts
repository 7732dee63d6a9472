import { asMemberKey } from '../members/member-key.ts';
import { memberIdOfKeySql } from '../members/member-store.ts';
import type { ExpiryPolicy } from '../programs/expiry-policy.ts';
import type {
  Balances,
  Entry,
  Hold,
  HoldOwner,
  Lot,
  MemberAccount,
  NegativeBalancePolicy,
  ProgramLedgerSettings,
  TransferLimits,
} from './ledger-types.ts';

/** Row shapes as the database returns them, and their mapping to domain types. */
export interface AccountRow {
  member_id: string;
  member_key: string;
  status: MemberAccount['status'];
  available_points: number;
  pending_points: number;
  held_points: number;
  debt_points: number;
  growth_points: number;
  timezone: string;
  expiry_policy: ExpiryPolicy;
  negative_balance: NegativeBalancePolicy;
  restored_lot_grace_days: number;
  transfer_limits: TransferLimits;
  hold_ttl_seconds: number;
}

export function toSettings(programId: string, row: AccountRow): ProgramLedgerSettings {
  return {
    programId,
    timezone: row.timezone,
    expiryPolicy: row.expiry_policy,
    negativeBalance: row.negative_balance,
    restoredLotGraceDays: row.restored_lot_grace_days,
    transferLimits: row.transfer_limits,
    holdTtlSeconds: row.hold_ttl_seconds,
  };
}

export function toAccount(row: AccountRow): MemberAccount {
  return {
    memberId: row.member_id,
    memberKey: asMemberKey(row.member_key),
    status: row.status,
    balances: {
      available: row.available_points,
      pending: row.pending_points,
      held: row.held_points,
      debt: row.debt_points,
      growth: row.growth_points,
    },
  };
}

export interface LotRow {
  id: string;
  member_key: string;
  status: Lot['status'];
  amount: number;
  remaining: number;
  earned_at: Date;
  available_at: Date;
  expires_at: Date | null;
  entry_id: string;
  origin_lot_id: string | null;
}

export const LOT_COLUMNS =
  'id, member_key, status, amount, remaining, earned_at, available_at, expires_at, entry_id, origin_lot_id';

/** A lot of the member `memberId` (whose key the row has): the caller knows whose lots it read. */
export function toLot(row: LotRow, memberId: string): Lot {
  return {
    id: row.id,
    memberId,
    memberKey: asMemberKey(row.member_key),
    status: row.status,
    amount: row.amount,
    remaining: row.remaining,
    earnedAt: new Date(row.earned_at),
    availableAt: new Date(row.available_at),
    expiresAt: row.expires_at ? new Date(row.expires_at) : null,
    entryId: row.entry_id,
    originLotId: row.origin_lot_id,
  };
}

export interface HoldRow {
  id: string;
  member_id: string;
  member_key: string;
  points: number;
  captured_points: number;
  status: Hold['status'];
  lots: Hold['lots'];
  expires_at: Date;
  reason_zh: string;
  reason_en: string;
  created_at: Date;
  closed_at: Date | null;
  owner_kind: HoldOwner['kind'] | null;
  owner_id: string | null;
}

/** Of `holds` (unaliased); the member's id read through the members. */
export const HOLD_COLUMNS = `id, ${memberIdOfKeySql('holds.member_key', 'holds.program_id')} as member_id, member_key,
  points, captured_points, status, lots, expires_at, reason_zh, reason_en, created_at, closed_at, owner_kind, owner_id`;

export function toHold(row: HoldRow): Hold {
  return {
    id: row.id,
    memberId: row.member_id,
    memberKey: asMemberKey(row.member_key),
    points: row.points,
    capturedPoints: row.captured_points,
    status: row.status,
    lots: row.lots,
    expiresAt: new Date(row.expires_at),
    reason: { zh: row.reason_zh, en: row.reason_en },
    createdAt: new Date(row.created_at),
    closedAt: row.closed_at ? new Date(row.closed_at) : null,
    owner: row.owner_kind && row.owner_id ? { kind: row.owner_kind, id: row.owner_id } : null,
  };
}

export interface EntryRow {
  id: string;
  txn_id: string;
  member_id: string;
  member_key: string;
  type: Entry['type'];
  available_delta: number;
  pending_delta: number;
  held_delta: number;
  debt_delta: number;
  growth_delta: number;
  contra_account: Entry['contraAccount'];
  contra_delta: number;
  available_after: number;
  pending_after: number;
  held_after: number;
  debt_after: number;
  growth_after: number;
  unrecovered_points: number;
  lots: Entry['lots'];
  hold_id: string | null;
  reverses_entry_id: string | null;
  counterparty_member_id: string | null;
  counterparty_member_key: string | null;
  source: Entry['source'];
  reason_zh: string;
  reason_en: string;
  operator: string | null;
  created_at: Date;
  effective_at: Date;
}

/** Of `entries` (unaliased); the members' ids (as they are now) read through the members. */
export const ENTRY_COLUMNS = `id, txn_id, ${memberIdOfKeySql('entries.member_key', 'entries.program_id')} as member_id,
  member_key, type, available_delta, pending_delta, held_delta, debt_delta,
  growth_delta, contra_account, contra_delta, available_after, pending_after, held_after, debt_after, growth_after,
  unrecovered_points, lots, hold_id, reverses_entry_id,
  ${memberIdOfKeySql('entries.counterparty_member_key', 'entries.program_id')} as counterparty_member_id,
  counterparty_member_key, source, reason_zh, reason_en, operator, created_at,
  coalesce(effective_at, created_at) as effective_at`;

function balances(available: number, pending: number, held: number, debt: number, growth: number): Balances {
  return { available, pending, held, debt, growth };
}

export function toEntry(row: EntryRow): Entry {
  return {
    id: row.id,
    txnId: row.txn_id,
    memberId: row.member_id,
    memberKey: asMemberKey(row.member_key),
    type: row.type,
    delta: balances(row.available_delta, row.pending_delta, row.held_delta, row.debt_delta, row.growth_delta),
    contraAccount: row.contra_account,
    contraDelta: row.contra_delta,
    after: balances(row.available_after, row.pending_after, row.held_after, row.debt_after, row.growth_after),
    unrecoveredPoints: row.unrecovered_points,
    lots: row.lots,
    holdId: row.hold_id,
    reversesEntryId: row.reverses_entry_id,
    counterpartyMemberId: row.counterparty_member_id,
    counterpartyMemberKey:
      row.counterparty_member_key === null ? null : asMemberKey(row.counterparty_member_key),
    source: row.source,
    reason: { zh: row.reason_zh, en: row.reason_en },
    operator: row.operator,
    createdAt: new Date(row.created_at),
    effectiveAt: new Date(row.effective_at),
  };
}

import type { MemberKey } from '../members/member-key.ts';
import type { ExpiryPolicy } from '../programs/expiry-policy.ts';

export type MemberStatus = 'active' | 'frozen' | 'blocked';
export type NegativeBalancePolicy = 'allow_debt' | 'cap_at_zero';

export interface Balances {
  /** Spendable points (released lot remainders minus debt); negative only while in debt. */
  available: number;
  pending: number;
  held: number;
  debt: number;
  growth: number;
}

export interface ProgramLedgerSettings {
  programId: string;
  timezone: string;
  expiryPolicy: ExpiryPolicy;
  negativeBalance: NegativeBalancePolicy;
  restoredLotGraceDays: number;
  transferLimits: TransferLimits;
  holdTtlSeconds: number;
}

export interface TransferLimits {
  minPoints?: number;
  maxPoints?: number;
  dailyMaxPoints?: number;
}

/**
 * A member's account as a command locked it: the merchant's id the command speaks (answers, messages)
 * and the member's key, which every row the command writes refers to.
 */
export interface MemberAccount {
  memberId: string;
  memberKey: MemberKey;
  status: MemberStatus;
  balances: Balances;
}

export interface Lot {
  id: string;
  memberId: string;
  memberKey: MemberKey;
  status: 'pending' | 'available';
  amount: number;
  remaining: number;
  earnedAt: Date;
  availableAt: Date;
  expiresAt: Date | null;
  entryId: string;
  originLotId: string | null;
}

/** Points taken from (or given back to) one lot by an entry. */
export interface LotTouch {
  lotId: string;
  points: number;
  /** Set when a restore found the lot expired and granted it a grace period. */
  expiresAt?: string;
}

export type EntryType =
  | 'earn'
  | 'growth'
  | 'spend'
  | 'adjust'
  | 'reverse'
  | 'clawback'
  | 'refund'
  | 'transfer_out'
  | 'transfer_in'
  | 'hold'
  | 'capture'
  | 'hold_release'
  | 'void'
  | 'hold_timeout'
  | 'pending_release'
  | 'expire';

/** The system account on the other side of an entry's postings. */
export type ContraAccount =
  | 'issued'
  | 'redeemed'
  | 'expired'
  | 'adjusted'
  | 'transfers'
  | 'holds'
  | 'pending'
  | 'growth_issued';

/**
 * Where an entry came from, by `kind`. Every kind may name the API key that caused it and a
 * reference (`ref`). Stored as JSON with the entry and answered as written; entries written by
 * earlier versions may lack fields added since (e.g. `rules`).
 */
export type EntrySource =
  | ApiSource
  | SystemSource
  | EventSource
  | RuleSource
  | OrderSource
  | RedemptionSource;

interface SourceBase {
  apiKeyId?: string;
  /** The staff member whose session made the change (instead of an API key). */
  staffId?: string;
  /** The store it was done at (a store clerk's writes always name one of their stores). */
  store?: string;
  /** The approval that let it through (maker–checker): the maker is the actor above. */
  approvalId?: string;
  ref?: string;
}

/** Who caused an entry and where, as one source hands it on to the entries it leads to. */
export function actorOfSource(source: EntrySource): Pick<SourceBase, 'apiKeyId' | 'staffId' | 'store'> {
  return {
    ...(source.apiKeyId ? { apiKeyId: source.apiKeyId } : {}),
    ...(source.staffId ? { staffId: source.staffId } : {}),
    ...(source.store ? { store: source.store } : {}),
  };
}

/** A credit, debit, hold, transfer or reversal through the ledger API; `operator`: an adjustment. */
export interface ApiSource extends SourceBase {
  kind: 'api' | 'operator';
}

/** Jifen on its own: sweeps (ref `expiry`, `pending-release`, `hold_timeout`), birthday bonuses. */
export interface SystemSource extends SourceBase {
  kind: 'system';
}

/** Who sent events (the intake's context; entries carry `rule` or `order` sources). */
export interface EventSource extends SourceBase {
  kind: 'event';
  /** Set when the events were imported (e.g. by `jifen demo`) rather than sent. */
  importedBy?: string;
}

/** The awards of one event's rules. */
export interface RuleSource extends SourceBase {
  kind: 'rule';
  eventId: string;
  orderId?: string;
  /** Each rule version's share of the entry (absent on entries written before 0.2). */
  rules?: RuleShare[];
  /** Set when one rule gave the whole entry. */
  ruleId?: string;
  ruleVersion?: number;
}

/** An order's refund: points taken back (event intake) or given back (checkout). */
export interface OrderSource extends SourceBase {
  kind: 'order';
  orderId: string;
  /** The `order.refunded` / `order.cancelled` event (event intake). */
  eventId?: string;
  /** The checkout payment's hold and the capture the refund gives back from (checkout). */
  holdId?: string;
  captureEntryId?: string;
}

/** A redemption of the catalogue or a lucky draw play. */
export interface RedemptionSource extends SourceBase {
  kind: 'redemption';
  redemptionId?: string;
  rewardId?: string;
  drawId?: string;
  playId?: string;
  /** The entry of a redemption's cancellation, or of its unpaid order timing out. */
  cancelled?: boolean;
  paymentExpired?: boolean;
}

/** One rule version's part of an entry that sums the awards of one event. */
export interface RuleShare {
  ruleId: string;
  ruleVersion: number;
  /** The share of the entry's points (a points entry) or growth (a growth entry). */
  amount: number;
}

export interface Reason {
  zh: string;
  en: string;
}

/** `memberId` and `counterpartyMemberId` are the merchant's ids as read; rows store the keys. */
export interface Entry {
  id: string;
  txnId: string;
  memberId: string;
  memberKey: MemberKey;
  type: EntryType;
  delta: Balances;
  contraAccount: ContraAccount;
  contraDelta: number;
  after: Balances;
  unrecoveredPoints: number;
  lots: LotTouch[];
  holdId: string | null;
  reversesEntryId: string | null;
  counterpartyMemberId: string | null;
  counterpartyMemberKey: MemberKey | null;
  source: EntrySource;
  reason: Reason;
  operator: string | null;
  /** When the entry was recorded: ids, the journal's order and its after-balances follow it. */
  createdAt: Date;
  /** When its points count from (dated history): `createdAt` unless the entry was dated earlier. */
  effectiveAt: Date;
}

export type HoldStatus = 'open' | 'captured' | 'voided' | 'timed_out';

/** The order that placed a hold and settles it: a points + cash redemption or a checkout payment. */
export interface HoldOwner {
  kind: 'redemption' | 'checkout_payment';
  id: string;
}

export interface Hold {
  id: string;
  memberId: string;
  memberKey: MemberKey;
  points: number;
  capturedPoints: number;
  status: HoldStatus;
  lots: LotTouch[];
  expiresAt: Date;
  reason: Reason;
  createdAt: Date;
  closedAt: Date | null;
  /** Null for a hold placed through the holds API. */
  owner: HoldOwner | null;
}

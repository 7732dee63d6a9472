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

export interface MemberAccount {
  memberId: string;
  status: MemberStatus;
  balances: Balances;
}

export interface Lot {
  id: string;
  memberId: string;
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

export interface EntrySource {
  kind: 'api' | 'operator' | 'system' | 'event' | 'rule' | 'order' | 'redemption';
  apiKeyId?: string;
  ref?: string;
  /** On an entry an event's rules wrote: each rule version's share of the entry's points or growth. */
  rules?: RuleShare[];
  [key: string]: unknown;
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

export interface Entry {
  id: string;
  txnId: string;
  memberId: string;
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
  source: EntrySource;
  reason: Reason;
  operator: string | null;
  createdAt: Date;
}

export type HoldStatus = 'open' | 'captured' | 'voided' | 'expired';

/** The order that placed a hold and settles it: a points + cash redemption or a checkout payment. */
export interface HoldOwner {
  kind: 'redemption' | 'checkout_payment';
  id: string;
}

export interface Hold {
  id: string;
  memberId: string;
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

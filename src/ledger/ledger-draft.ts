import type { MemberKey } from '../members/member-key.ts';
import { assert } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import { DAY_MS } from '../shared/time-units.ts';
import type {
  Balances,
  ContraAccount,
  Entry,
  EntrySource,
  EntryType,
  Hold,
  Lot,
  LotTouch,
  MemberAccount,
  ProgramLedgerSettings,
  Reason,
} from './ledger-types.ts';
import { compareSpendingOrder, isExpired, isSpendable } from './lot-order.ts';

export interface EntryDraft {
  memberId: string;
  type: EntryType;
  delta: Partial<Balances>;
  contraAccount: ContraAccount;
  lots?: LotTouch[];
  unrecoveredPoints?: number;
  holdId?: string | null;
  reversesEntryId?: string | null;
  counterpartyMemberId?: string | null;
  source: EntrySource;
  reason: Reason;
  operator?: string | null;
}

/** The rows a draft changed since its last write (see `LedgerDraft.takeUnwritten`). */
export interface UnwrittenChanges {
  entries: Entry[];
  createdLots: Lot[];
  changedLots: Lot[];
  createdHolds: Hold[];
  changedHolds: Hold[];
  /** The touched members' accounts, balances as they stand. */
  accounts: MemberAccount[];
}

/**
 * The working copy of the rows one ledger command reads — member accounts, their lots and holds —
 * and everything the command decides to change. Commands are pure functions over a draft: they
 * never touch the database; the store loads the draft's inputs and persists its outputs.
 */
export class LedgerDraft {
  readonly txnId = newId('txn');
  readonly entries: Entry[] = [];
  readonly createdLotIds = new Set<string>();
  readonly changedLotIds = new Set<string>();
  readonly createdHoldIds = new Set<string>();
  readonly changedHoldIds = new Set<string>();
  readonly touchedMemberIds = new Set<string>();
  private readonly accounts = new Map<string, MemberAccount>();
  private readonly lotsById = new Map<string, Lot>();
  /** Each member's lots, in the order they were loaded or made (a batch holds many members' lots). */
  private readonly lotsByMember = new Map<string, Lot[]>();
  private readonly holdsById = new Map<string, Hold>();
  private readonly decisionStarts: number[] = [0];
  /** Entries before this index have been handed to a write (`takeUnwritten`). */
  private writtenEntries = 0;
  /**
   * When the decisions being made count from (dated history): `now` unless a dated intake sets it
   * to an earlier instant before deciding an item. Entries carry it as `effectiveAt`; new lots are
   * earned then, and what is spendable or pending is judged then (`catchUpTo` has released and
   * expired what fell due before).
   */
  private dated: Date | null = null;

  constructor(
    readonly settings: ProgramLedgerSettings,
    readonly now: Date,
    accounts: readonly MemberAccount[],
    lots: readonly Lot[] = [],
    holds: readonly Hold[] = [],
  ) {
    for (const account of accounts) {
      this.accounts.set(account.memberId, { ...account, balances: { ...account.balances } });
    }
    for (const lot of lots) this.keepLot({ ...lot });
    for (const hold of holds) this.holdsById.set(hold.id, { ...hold, lots: [...hold.lots] });
  }

  /** When the entries decided from here on count from; `null` (or `now` and later): now. */
  dateFrom(at: Date | null): void {
    this.dated = at !== null && at.getTime() < this.now.getTime() ? at : null;
  }

  /** When the decision being made counts from (see `dateFrom`). */
  get effectiveAt(): Date {
    return this.dated ?? this.now;
  }

  /** Where the next decision of a batch begins (an item of a credit batch); see `decisions`. */
  beginDecision(): void {
    if (this.entries.length > this.decisionStarts.at(-1)!) this.decisionStarts.push(this.entries.length);
  }

  /**
   * The entries of each decision, in order: one for a command, one per item of a batch. What
   * follows from a decision (a tier reached) is judged decision by decision, as if each were alone.
   */
  decisions(): Entry[][] {
    return this.decisionStarts
      .map((start, index) => this.entries.slice(start, this.decisionStarts[index + 1] ?? this.entries.length))
      .filter((entries) => entries.length > 0);
  }

  account(memberId: string): MemberAccount {
    const account = this.accounts.get(memberId);
    assert(account, `member ${memberId} was not loaded into the draft`);
    return account;
  }

  /** The key of a member the draft has locked: what every row the draft writes refers to. */
  keyOf(memberId: string): MemberKey {
    return this.account(memberId).memberKey;
  }

  /** The merchant's id of a member the draft has locked, by key. */
  idOfKey(memberKey: MemberKey): string {
    const account = [...this.accounts.values()].find((each) => each.memberKey === memberKey);
    assert(account, `member ${memberKey} was not loaded into the draft`);
    return account.memberId;
  }

  /** The members the draft has locked, with their keys. */
  members(): MemberAccount[] {
    return [...this.accounts.values()];
  }

  lot(lotId: string): Lot {
    const lot = this.lotsById.get(lotId);
    assert(lot, `lot ${lotId} was not loaded into the draft`);
    return lot;
  }

  /** The lot if the draft has it (created or loaded), else undefined. */
  findLot(lotId: string): Lot | undefined {
    return this.lotsById.get(lotId);
  }

  hold(holdId: string): Hold {
    const hold = this.holdsById.get(holdId);
    assert(hold, `hold ${holdId} was not loaded into the draft`);
    return hold;
  }

  lots(): Lot[] {
    return [...this.lotsById.values()];
  }

  /** The member's lots (the same objects `lots()` holds), without walking every member's. */
  lotsOf(memberId: string): readonly Lot[] {
    return this.lotsByMember.get(memberId) ?? [];
  }

  private keepLot(lot: Lot): void {
    const own = this.lotsByMember.get(lot.memberId) ?? [];
    this.lotsByMember.set(lot.memberId, own);
    const earlier = this.lotsById.get(lot.id);
    if (earlier)
      own[own.indexOf(earlier)] = lot; // the same lot loaded twice is one lot
    else own.push(lot);
    this.lotsById.set(lot.id, lot);
  }

  holds(): Hold[] {
    return [...this.holdsById.values()];
  }

  /** Spendable lots of a member in spending order (at the time the decision counts from). */
  spendableLots(memberId: string): Lot[] {
    return this.lotsOf(memberId)
      .filter((lot) => isSpendable(lot, this.effectiveAt))
      .sort(compareSpendingOrder);
  }

  /** Points the member can spend right now (never counts expired or pending lots). */
  spendablePoints(memberId: string): number {
    const lotPoints = this.spendableLots(memberId).reduce((sum, lot) => sum + lot.remaining, 0);
    return lotPoints - this.account(memberId).balances.debt;
  }

  addLot(lot: Omit<Lot, 'id' | 'memberKey'>): Lot {
    const created: Lot = { ...lot, id: newId('lot'), memberKey: this.keyOf(lot.memberId) };
    this.keepLot(created);
    this.createdLotIds.add(created.id);
    return created;
  }

  addHold(hold: Omit<Hold, 'id' | 'memberKey'>): Hold {
    const created: Hold = { ...hold, id: newId('hld'), memberKey: this.keyOf(hold.memberId) };
    this.holdsById.set(created.id, created);
    this.createdHoldIds.add(created.id);
    return created;
  }

  changeHold(holdId: string, change: Partial<Pick<Hold, 'status' | 'capturedPoints' | 'closedAt'>>): void {
    Object.assign(this.hold(holdId), change);
    if (!this.createdHoldIds.has(holdId)) this.changedHoldIds.add(holdId);
  }

  /** Takes up to `points` from the given lots in the given order; returns negative touches. */
  takeFromLots(lots: readonly Lot[], points: number): LotTouch[] {
    const touches: LotTouch[] = [];
    let left = points;
    for (const lot of lots) {
      if (left === 0) break;
      const taken = Math.min(lot.remaining, left);
      if (taken === 0) continue;
      this.setRemaining(lot, lot.remaining - taken);
      touches.push({ lotId: lot.id, points: -taken });
      left -= taken;
    }
    return touches;
  }

  /**
   * Gives points back to the lots they were taken from. When a lot's expiry has passed meanwhile,
   * the points go to a new lot (origin: that lot) that expires after the program's grace period, so
   * restored points are never dead on arrival — and the old lot keeps its expiry, so whatever of it
   * had already expired stays expired.
   */
  giveBackToLots(touches: readonly LotTouch[]): LotTouch[] {
    const restored: LotTouch[] = [];
    const graceEnd = new Date(this.now.getTime() + this.settings.restoredLotGraceDays * DAY_MS);
    for (const touch of touches) {
      const points = Math.abs(touch.points);
      if (points === 0) continue;
      const lot = this.lot(touch.lotId);
      if (isExpired(lot, this.now)) {
        const renewed = this.addLot({
          memberId: lot.memberId,
          status: 'available',
          amount: points,
          remaining: points,
          earnedAt: this.now,
          availableAt: this.now,
          expiresAt: graceEnd,
          entryId: '',
          originLotId: lot.id,
        });
        restored.push({ lotId: renewed.id, points, expiresAt: graceEnd.toISOString() });
      } else {
        this.setRemaining(lot, lot.remaining + points);
        restored.push({ lotId: lot.id, points });
      }
    }
    return restored;
  }

  /** Uses spendable lots to pay down the member's debt; returns the points repaid and the touches. */
  repayDebtFromLots(memberId: string): { repaid: number; touches: LotTouch[] } {
    const debt = this.account(memberId).balances.debt;
    if (debt === 0) return { repaid: 0, touches: [] };
    const touches = this.takeFromLots(this.spendableLots(memberId), debt);
    const repaid = touches.reduce((sum, touch) => sum - touch.points, 0);
    return { repaid, touches };
  }

  private setRemaining(lot: Lot, remaining: number): void {
    assert(remaining >= 0 && remaining <= lot.amount, `lot ${lot.id} remaining ${remaining} out of range`);
    lot.remaining = remaining;
    if (!this.createdLotIds.has(lot.id)) this.changedLotIds.add(lot.id);
  }

  markLotReleased(lot: Lot): void {
    lot.status = 'available';
    if (!this.createdLotIds.has(lot.id)) this.changedLotIds.add(lot.id);
  }

  /** Appends a journal entry and applies its deltas to the member's cached balances. */
  record(draft: EntryDraft): Entry {
    const account = this.account(draft.memberId);
    const delta: Balances = {
      available: draft.delta.available ?? 0,
      pending: draft.delta.pending ?? 0,
      held: draft.delta.held ?? 0,
      debt: draft.delta.debt ?? 0,
      growth: draft.delta.growth ?? 0,
    };
    const balances = account.balances;
    balances.available += delta.available;
    balances.pending += delta.pending;
    balances.held += delta.held;
    balances.debt += delta.debt;
    balances.growth += delta.growth;
    assert(balances.pending >= 0 && balances.held >= 0 && balances.debt >= 0, 'negative pending/held/debt');
    assert(balances.available + balances.debt >= 0, 'available below minus debt');
    const entry: Entry = {
      id: newId('ent'),
      txnId: this.txnId,
      memberId: draft.memberId,
      memberKey: account.memberKey,
      type: draft.type,
      delta,
      contraAccount: draft.contraAccount,
      contraDelta: -(delta.available + delta.pending + delta.held + delta.growth),
      after: { ...balances },
      unrecoveredPoints: draft.unrecoveredPoints ?? 0,
      lots: draft.lots ?? [],
      holdId: draft.holdId ?? null,
      reversesEntryId: draft.reversesEntryId ?? null,
      counterpartyMemberId: draft.counterpartyMemberId ?? null,
      counterpartyMemberKey: draft.counterpartyMemberId ? this.keyOf(draft.counterpartyMemberId) : null,
      source: draft.source,
      reason: draft.reason,
      operator: draft.operator ?? null,
      createdAt: this.now,
      effectiveAt: this.effectiveAt,
    };
    this.entries.push(entry);
    this.touchedMemberIds.add(draft.memberId);
    return entry;
  }

  touchedAccounts(): MemberAccount[] {
    return [...this.touchedMemberIds].map((memberId) => this.account(memberId));
  }

  /**
   * What changed since the last call, to be written, and from now on counted as written: a batch
   * can write what it has decided so far while it decides the rest (event intake does, so the
   * database writes one part while the next is decided). A lot created before is updated from then
   * on, not inserted again; balances are written as they stand.
   */
  takeUnwritten(): UnwrittenChanges {
    const lots = (ids: Set<string>) => [...ids].map((id) => this.lot(id));
    const holds = (ids: Set<string>) => [...ids].map((id) => this.hold(id));
    const changes: UnwrittenChanges = {
      entries: this.entries.slice(this.writtenEntries),
      createdLots: lots(this.createdLotIds),
      changedLots: lots(this.changedLotIds),
      createdHolds: holds(this.createdHoldIds),
      changedHolds: holds(this.changedHoldIds),
      accounts: this.touchedAccounts(),
    };
    this.writtenEntries = this.entries.length;
    for (const ids of [
      this.createdLotIds,
      this.changedLotIds,
      this.createdHoldIds,
      this.changedHoldIds,
      this.touchedMemberIds,
    ])
      ids.clear();
    return changes;
  }
}

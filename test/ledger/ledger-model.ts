/**
 * A tiny in-memory model of the points ledger, written from the specification (SPEC §2, §3.1) and
 * not from src/: the property test drives the real ledger and this model with the same operations
 * and compares what members see. Everything here is deliberately naive — arrays, linear scans,
 * milliseconds — so that it is easy to check by reading.
 *
 * The rules it encodes:
 * - A credit is a lot (amount, remaining, expiresAt); pending until its pending days pass and the
 *   sweep releases it. Its expiry is explicit or the program's policy, and must come after the lot
 *   becomes available, else `expiry_in_past`.
 * - Spendable lots are released, not empty and not past their expiry (whether or not the expiry
 *   sweep ran). They are consumed earliest expiry first, no-expiry last, then earnedAt, then
 *   creation order. `available` = spendable points − debt.
 * - Reversing something that gave points (earn, transfer-in, positive adjust) claws the points back
 *   from its own lots first, then from other spendable lots; the rest becomes debt (allow_debt) or
 *   is written off (cap_at_zero) — unless the member has points in open holds: then `points_held`.
 *   Its own lots (and the lots that renewed them) give back even points past their expiry; points
 *   the expiry sweep already took from them are not taken again.
 * - Reversing something that took points (spend, capture, expire, transfer-out, negative adjust)
 *   gives them back to the same lots; points of a lot whose expiry passed go to a new lot expiring
 *   at now + restoredLotGraceDays (the old lot stays expired).
 *   Debt the reversed entry created is cancelled, and what later income already repaid of it
 *   comes back as a new lot (expiring by the policy, never dead on arrival).
 * - Any incoming spendable points repay debt first.
 * - A transfer gives the recipient one lot per sender lot consumed, with that lot's expiry.
 * - A hold takes its points from lots at authorization; capture takes the first C of them in
 *   consumption order and gives the rest back; void and time-out give everything back.
 */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** Asia/Shanghai, the default program timezone: UTC+8 all year (no daylight saving since 1991). */
const ZONE_OFFSET_MS = 8 * HOUR_MS;

export type ExpiryPolicy =
  | { kind: 'never' }
  | { kind: 'rolling'; unit: 'days' | 'months'; count: number }
  | { kind: 'end_of_period'; unit: 'year' | 'quarter' | 'month'; plusPeriods: number }
  | { kind: 'fixed_date'; date: string };

export type NegativeBalance = 'allow_debt' | 'cap_at_zero';

export interface TransferLimits {
  minPoints?: number;
  maxPoints?: number;
  dailyMaxPoints?: number;
}

export interface ModelSettings {
  expiryPolicy: ExpiryPolicy;
  negativeBalance: NegativeBalance;
  restoredLotGraceDays: number;
  holdTtlSeconds: number;
  transferLimits: TransferLimits;
}

export interface ModelLot {
  /** Creation order across the program: the last tie-break of the spending order. */
  seq: number;
  memberId: string;
  status: 'pending' | 'available';
  amount: number;
  remaining: number;
  earnedAt: number;
  availableAt: number;
  expiresAt: number | null;
  /** A lot that received a restore after its expiry: the points went to this new lot instead. */
  renewedFrom?: ModelLot;
}

/** Points an entry took from (negative) or gave to (positive) a lot. */
export interface Touch {
  lot: ModelLot;
  points: number;
}

export type EntryType =
  | 'earn'
  | 'spend'
  | 'adjust'
  | 'reverse'
  | 'transfer_out'
  | 'transfer_in'
  | 'hold'
  | 'capture'
  | 'hold_release'
  | 'void'
  | 'hold_timeout'
  | 'pending_release'
  | 'expire';

export interface ModelEntry {
  /** The real entry id, learned from the API once the operation ran. */
  id?: string;
  memberId: string;
  type: EntryType;
  /** Inflows: what the entry gave (lots and points). Outflows: what it took. */
  touches: Touch[];
  /** An inflow (earn, transfer-in, positive adjust) or an outflow; undefined for the rest. */
  direction?: 'in' | 'out';
  /** Debt the entry created (a negative adjustment under allow_debt). */
  debtCreated: number;
  /** Points that could not be recovered and were written off (cap_at_zero). */
  writtenOff: number;
  /** The other side of a transfer. */
  partner?: ModelEntry;
  reversed: boolean;
}

export interface ModelHold {
  id?: string;
  memberId: string;
  points: number;
  /** Taken from lots at authorization, in consumption order. */
  taken: Touch[];
  status: 'open' | 'captured' | 'voided' | 'timed_out';
  capturedPoints: number;
  expiresAt: number;
}

export type Outcome = { ok: true; entries: ModelEntry[]; hold?: ModelHold } | { ok: false; code: string };

const NOT_REVERSIBLE: ReadonlySet<EntryType> = new Set([
  'reverse',
  'hold',
  'hold_release',
  'void',
  'hold_timeout',
  'pending_release',
]);

/** Local calendar fields of an instant in the program timezone. */
function localFields(at: number): { year: number; month: number; day: number } {
  const local = new Date(at + ZONE_OFFSET_MS);
  return { year: local.getUTCFullYear(), month: local.getUTCMonth() + 1, day: local.getUTCDate() };
}

/** The instant of local midnight starting the given local date (month may overflow; day may not). */
function localMidnight(year: number, month: number, day: number): number {
  return Date.UTC(year, month - 1, day) - ZONE_OFFSET_MS;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Adds calendar months, clamping the day to the end of a shorter month (Jan 31 + 1 month = Feb 28). */
function addMonths(date: { year: number; month: number; day: number }, months: number) {
  const index = date.year * 12 + (date.month - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return { year, month, day: Math.min(date.day, daysInMonth(year, month)) };
}

/** Local midnight at the start of the day containing `at`. */
export function startOfLocalDay(at: number): number {
  const { year, month, day } = localFields(at);
  return localMidnight(year, month, day);
}

/** When points that become available at `availableAt` expire under the policy (null: never). */
export function policyExpiry(policy: ExpiryPolicy, availableAt: number): number | null {
  const today = localFields(availableAt);
  switch (policy.kind) {
    case 'never':
      return null;
    case 'rolling': {
      // Through the whole Nth day (or month) after the day the points became available.
      const last =
        policy.unit === 'days' ? { ...today, day: today.day + policy.count } : addMonths(today, policy.count);
      return localMidnight(last.year, last.month, last.day + 1);
    }
    case 'end_of_period': {
      const months = { year: 12, quarter: 3, month: 1 }[policy.unit];
      const first = Math.floor((today.month - 1) / months) * months + 1;
      return localMidnight(today.year, first + months * (policy.plusPeriods + 1), 1);
    }
    case 'fixed_date': {
      const [year, month, day] = policy.date.split('-').map(Number) as [number, number, number];
      return localMidnight(year, month, day + 1);
    }
  }
}

function fail(code: string): Outcome {
  return { ok: false, code };
}

export class LedgerModel {
  readonly lots: ModelLot[] = [];
  readonly entries: ModelEntry[] = [];
  readonly holds: ModelHold[] = [];
  private readonly debts = new Map<string, number>();
  private readonly transfersSent: { memberId: string; points: number; at: number }[] = [];

  constructor(
    readonly settings: ModelSettings,
    readonly memberIds: readonly string[],
    public now: number,
  ) {
    for (const memberId of memberIds) this.debts.set(memberId, 0);
  }

  // ---- what a member sees ------------------------------------------------------------------

  debt(memberId: string): number {
    return this.debts.get(memberId) ?? 0;
  }

  isExpired(lot: ModelLot): boolean {
    return lot.expiresAt !== null && lot.expiresAt <= this.now;
  }

  /** Released, not empty, not past expiry; in spending order. */
  spendableLots(memberId: string): ModelLot[] {
    return this.lots
      .filter(
        (lot) =>
          lot.memberId === memberId &&
          lot.status === 'available' &&
          lot.remaining > 0 &&
          !this.isExpired(lot),
      )
      .sort(spendingOrder);
  }

  spendablePoints(memberId: string): number {
    return sum(this.spendableLots(memberId).map((lot) => lot.remaining)) - this.debt(memberId);
  }

  balances(memberId: string) {
    const own = this.lots.filter((lot) => lot.memberId === memberId);
    return {
      available: this.spendablePoints(memberId),
      pending: sum(own.filter((lot) => lot.status === 'pending').map((lot) => lot.remaining)),
      // Open holds, including one past its time limit until the sweep releases it.
      held: sum(
        this.holds
          .filter((hold) => hold.memberId === memberId && hold.status === 'open')
          .map((h) => h.points),
      ),
      debt: this.debt(memberId),
      growth: 0,
    };
  }

  /** The member's lots in creation order, as the lots listing shows them. */
  lotsView(memberId: string) {
    return this.lots
      .filter((lot) => lot.memberId === memberId)
      .map((lot) => ({
        amount: lot.amount,
        remaining: lot.remaining,
        // Status only means something while points are left.
        status: lot.remaining === 0 ? '-' : this.isExpired(lot) ? 'expired' : lot.status,
        earnedAt: iso(lot.earnedAt),
        availableAt: iso(lot.availableAt),
        expiresAt: lot.expiresAt === null ? null : iso(lot.expiresAt),
      }));
  }

  /** Future instants at which something changes by itself: expiries, pending ends, hold deadlines. */
  deadlines(): number[] {
    const instants = [
      ...this.lots.filter((lot) => lot.remaining > 0).map((lot) => lot.expiresAt ?? 0),
      ...this.lots
        .filter((lot) => lot.status === 'pending' && lot.remaining > 0)
        .map((lot) => lot.availableAt),
      ...this.holds.filter((hold) => hold.status === 'open').map((hold) => hold.expiresAt),
    ];
    return [...new Set(instants.filter((at) => at > this.now))].sort((a, b) => a - b);
  }

  /** Points the member transferred out since local midnight (reversed transfers still count). */
  sentToday(memberId: string): number {
    const dayStart = startOfLocalDay(this.now);
    return sum(
      this.transfersSent.filter((t) => t.memberId === memberId && t.at >= dayStart).map((t) => t.points),
    );
  }

  holdOpen(hold: ModelHold): boolean {
    return hold.status === 'open' && hold.expiresAt > this.now;
  }

  // ---- operations --------------------------------------------------------------------------

  advance(milliseconds: number): void {
    this.now += milliseconds;
  }

  credit(memberId: string, points: number, pendingDays = 0, explicitExpiry?: number): Outcome {
    const availableAt = this.now + pendingDays * DAY_MS;
    const expiresAt = explicitExpiry ?? policyExpiry(this.settings.expiryPolicy, availableAt);
    if (expiresAt !== null && expiresAt <= availableAt) return fail('expiry_in_past');
    const lot = this.newLot(memberId, points, expiresAt, pendingDays > 0 ? availableAt : undefined);
    this.repayDebt(memberId);
    return { ok: true, entries: [this.record(memberId, 'earn', [{ lot, points }], 'in')] };
  }

  debit(memberId: string, points: number): Outcome {
    if (this.spendablePoints(memberId) < points) return fail('insufficient_points');
    const taken = this.take(this.spendableLots(memberId), points);
    return { ok: true, entries: [this.record(memberId, 'spend', taken, 'out')] };
  }

  adjust(memberId: string, points: number, explicitExpiry?: number): Outcome {
    if (points > 0) {
      const expiresAt = explicitExpiry ?? policyExpiry(this.settings.expiryPolicy, this.now);
      if (expiresAt !== null && expiresAt <= this.now) return fail('expiry_in_past');
      const lot = this.newLot(memberId, points, expiresAt);
      this.repayDebt(memberId);
      return { ok: true, entries: [this.record(memberId, 'adjust', [{ lot, points }], 'in')] };
    }
    if (this.clawbackStrandsHeldPoints(memberId, -points, [])) return fail('points_held');
    const { taken, debtCreated, writtenOff } = this.clawback(memberId, -points, []);
    const entry = this.record(memberId, 'adjust', taken, 'out');
    entry.debtCreated = debtCreated;
    entry.writtenOff = writtenOff;
    return { ok: true, entries: [entry] };
  }

  transfer(fromMemberId: string, toMemberId: string, points: number): Outcome {
    if (fromMemberId === toMemberId) return fail('transfer_to_self');
    const { minPoints, maxPoints, dailyMaxPoints } = this.settings.transferLimits;
    if (minPoints !== undefined && points < minPoints) return fail('transfer_limit_exceeded');
    if (maxPoints !== undefined && points > maxPoints) return fail('transfer_limit_exceeded');
    if (dailyMaxPoints !== undefined && this.sentToday(fromMemberId) + points > dailyMaxPoints) {
      return fail('transfer_limit_exceeded');
    }
    if (this.spendablePoints(fromMemberId) < points) return fail('insufficient_points');
    const taken = this.take(this.spendableLots(fromMemberId), points);
    const given = taken.map((touch) => ({
      lot: this.newLot(toMemberId, -touch.points, touch.lot.expiresAt),
      points: -touch.points,
    }));
    this.repayDebt(toMemberId);
    this.transfersSent.push({ memberId: fromMemberId, points, at: this.now });
    const out = this.record(fromMemberId, 'transfer_out', taken, 'out');
    const into = this.record(toMemberId, 'transfer_in', given, 'in');
    out.partner = into;
    into.partner = out;
    return { ok: true, entries: [out, into] };
  }

  reverse(entry: ModelEntry): Outcome {
    if (NOT_REVERSIBLE.has(entry.type)) return fail('entry_not_reversible');
    const originals = entry.partner ? [entry, entry.partner] : [entry];
    if (originals.some((original) => original.reversed)) return fail('entry_already_reversed');
    const strands = originals.some((original) => {
      if (original.direction !== 'in') return false;
      const { points, lots } = this.reclaimable(original);
      return this.clawbackStrandsHeldPoints(original.memberId, points, lots);
    });
    if (strands) return fail('points_held');
    // Give back before taking: a transfer's sender is restored before its recipient pays.
    const ordered = [...originals].sort(
      (a, b) => (a.direction === 'out' ? 0 : 1) - (b.direction === 'out' ? 0 : 1),
    );
    const entries = ordered.map((original) => {
      original.reversed = true;
      if (original.direction === 'in') {
        const { points, lots } = this.reclaimable(original);
        const { taken, writtenOff } = this.clawback(original.memberId, points, lots);
        const reversal = this.record(original.memberId, 'reverse', taken);
        reversal.writtenOff = writtenOff;
        return reversal;
      }
      const restored = this.restore(original.memberId, original.touches, original.debtCreated);
      return this.record(original.memberId, 'reverse', restored);
    });
    return { ok: true, entries };
  }

  authorize(memberId: string, points: number, ttlSeconds?: number): Outcome {
    if (this.spendablePoints(memberId) < points) return fail('insufficient_points');
    const taken = this.take(this.spendableLots(memberId), points);
    const hold: ModelHold = {
      memberId,
      points,
      taken,
      status: 'open',
      capturedPoints: 0,
      expiresAt: this.now + (ttlSeconds ?? this.settings.holdTtlSeconds) * 1000,
    };
    this.holds.push(hold);
    return { ok: true, hold, entries: [this.record(memberId, 'hold', taken)] };
  }

  capture(hold: ModelHold, points?: number): Outcome {
    if (!this.holdOpen(hold)) return fail('hold_not_open');
    const captured = points ?? hold.points;
    if (captured > hold.points) return fail('capture_exceeds_hold');
    const [first, rest] = split(hold.taken, captured);
    hold.status = 'captured';
    hold.capturedPoints = captured;
    const entries = [this.record(hold.memberId, 'capture', first, 'out')];
    if (captured < hold.points) {
      entries.push(this.record(hold.memberId, 'hold_release', this.restore(hold.memberId, rest, 0)));
    }
    return { ok: true, hold, entries };
  }

  void(hold: ModelHold): Outcome {
    if (!this.holdOpen(hold)) return fail('hold_not_open');
    hold.status = 'voided';
    return {
      ok: true,
      hold,
      entries: [this.record(hold.memberId, 'void', this.restore(hold.memberId, hold.taken, 0))],
    };
  }

  /** Pending release, then hold time-outs, then expiry; returns the entries in the order made. */
  sweep(): ModelEntry[] {
    const made: ModelEntry[] = [];
    for (const memberId of this.memberIds) {
      const due = this.lots.filter(
        (lot) =>
          lot.memberId === memberId &&
          lot.status === 'pending' &&
          lot.remaining > 0 &&
          lot.availableAt <= this.now,
      );
      if (due.length === 0) continue;
      for (const lot of due) lot.status = 'available';
      this.repayDebt(memberId);
      made.push(this.record(memberId, 'pending_release', []));
    }
    for (const hold of this.holds) {
      if (hold.status !== 'open' || hold.expiresAt > this.now) continue;
      hold.status = 'timed_out';
      made.push(this.record(hold.memberId, 'hold_timeout', this.restore(hold.memberId, hold.taken, 0)));
    }
    for (const memberId of this.memberIds) {
      const due = this.lots
        .filter(
          (lot) =>
            lot.memberId === memberId &&
            lot.status === 'available' &&
            lot.remaining > 0 &&
            this.isExpired(lot),
        )
        .sort(spendingOrder);
      if (due.length === 0) continue;
      const taken = this.take(due, sum(due.map((lot) => lot.remaining)));
      made.push(this.record(memberId, 'expire', taken, 'out'));
    }
    return made;
  }

  // ---- how points move ---------------------------------------------------------------------

  private newLot(
    memberId: string,
    points: number,
    expiresAt: number | null,
    pendingUntil?: number,
  ): ModelLot {
    const lot: ModelLot = {
      seq: this.lots.length,
      memberId,
      status: pendingUntil === undefined ? 'available' : 'pending',
      amount: points,
      remaining: points,
      earnedAt: this.now,
      availableAt: pendingUntil ?? this.now,
      expiresAt,
    };
    this.lots.push(lot);
    return lot;
  }

  private record(memberId: string, type: EntryType, touches: Touch[], direction?: 'in' | 'out'): ModelEntry {
    const entry: ModelEntry = {
      memberId,
      type,
      touches,
      debtCreated: 0,
      writtenOff: 0,
      reversed: false,
      ...(direction ? { direction } : {}),
    };
    this.entries.push(entry);
    return entry;
  }

  /** Takes up to `points` from the lots in the order given; returns negative touches. */
  private take(lots: readonly ModelLot[], points: number): Touch[] {
    const touches: Touch[] = [];
    let left = points;
    for (const lot of lots) {
      if (left === 0) break;
      const taken = Math.min(lot.remaining, left);
      if (taken === 0) continue;
      lot.remaining -= taken;
      left -= taken;
      touches.push({ lot, points: -taken });
    }
    return touches;
  }

  /** Incoming spendable points pay the member's debt first. */
  private repayDebt(memberId: string): void {
    const debt = this.debt(memberId);
    if (debt === 0) return;
    const repaid = -sum(this.take(this.spendableLots(memberId), debt).map((touch) => touch.points));
    this.debts.set(memberId, debt - repaid);
  }

  /**
   * What reversing an inflow takes back: the points it gave, less those expiry already swept away
   * (the member lost them once), first from its own lots and their renewals, expired or not.
   */
  private reclaimable(original: ModelEntry): { points: number; lots: ModelLot[] } {
    const given = original.touches.map((touch) => touch.lot);
    const lineage = this.lots.filter((lot) => {
      for (let at: ModelLot | undefined = lot; at; at = at.renewedFrom) if (given.includes(at)) return true;
      return false;
    });
    const expired = -sum(
      this.entries
        .filter((entry) => entry.type === 'expire' && !entry.reversed)
        .flatMap((entry) => entry.touches)
        .filter((touch) => lineage.includes(touch.lot))
        .map((touch) => touch.points),
    );
    const points = sum(original.touches.map((touch) => touch.points)) - expired;
    return { points, lots: lineage.filter((lot) => lot.remaining > 0).sort(spendingOrder) };
  }

  /** Takes back given points: from `own` lots first (even expired), then other spendable lots. */
  private clawback(memberId: string, points: number, own: readonly ModelLot[]) {
    const others = this.spendableLots(memberId).filter((lot) => !own.includes(lot));
    const taken = this.take([...own, ...others], points);
    const shortfall = points + sum(taken.map((touch) => touch.points));
    const debtCreated = this.settings.negativeBalance === 'allow_debt' ? shortfall : 0;
    this.debts.set(memberId, this.debt(memberId) + debtCreated);
    return { taken, debtCreated, writtenOff: shortfall - debtCreated };
  }

  /**
   * Under cap_at_zero, a take-back that cannot be covered is written off — refused while the member
   * has points in open holds, since voiding them later would hand back points already taken.
   */
  private clawbackStrandsHeldPoints(memberId: string, points: number, own: readonly ModelLot[]): boolean {
    if (this.settings.negativeBalance !== 'cap_at_zero') return false;
    const others = this.spendableLots(memberId).filter((lot) => !own.includes(lot));
    const coverable = sum([...own, ...others].map((lot) => lot.remaining));
    return points > coverable && this.balances(memberId).held > 0;
  }

  /**
   * Gives taken points back to their lots (an expired lot's points go to a new lot that expires
   * after the grace period; the old lot stays expired), cancels the debt
   * the undone entry created — returning as a new lot what later income already repaid of it — and
   * lets the points repay older debt. Returns positive touches.
   */
  private restore(memberId: string, taken: readonly Touch[], debtCreated: number): Touch[] {
    const restored: Touch[] = [];
    for (const touch of taken) {
      const points = -touch.points;
      if (this.isExpired(touch.lot)) {
        const renewed = this.newLot(memberId, points, this.graceEnd());
        renewed.renewedFrom = touch.lot;
        restored.push({ lot: renewed, points });
      } else {
        touch.lot.remaining += points;
        restored.push({ lot: touch.lot, points });
      }
    }
    const cancelled = Math.min(debtCreated, this.debt(memberId));
    this.debts.set(memberId, this.debt(memberId) - cancelled);
    const returned = debtCreated - cancelled;
    if (returned > 0) {
      const policy = policyExpiry(this.settings.expiryPolicy, this.now);
      const expiresAt = policy !== null && policy <= this.now ? this.graceEnd() : policy;
      restored.push({ lot: this.newLot(memberId, returned, expiresAt), points: returned });
    }
    this.repayDebt(memberId);
    return restored;
  }

  private graceEnd(): number {
    return this.now + this.settings.restoredLotGraceDays * DAY_MS;
  }
}

/** Earliest expiry first, never-expiring last, then earliest earned, then oldest. */
export function spendingOrder(a: ModelLot, b: ModelLot): number {
  const aExpiry = a.expiresAt ?? Number.POSITIVE_INFINITY;
  const bExpiry = b.expiresAt ?? Number.POSITIVE_INFINITY;
  if (aExpiry !== bExpiry) return aExpiry - bExpiry;
  if (a.earnedAt !== b.earnedAt) return a.earnedAt - b.earnedAt;
  return a.seq - b.seq;
}

/** The first `points` of a hold's touches (consumption order), and the rest. */
function split(touches: readonly Touch[], points: number): [Touch[], Touch[]] {
  const first: Touch[] = [];
  const rest: Touch[] = [];
  let left = points;
  for (const touch of touches) {
    const size = -touch.points;
    const mine = Math.min(size, left);
    left -= mine;
    if (mine > 0) first.push({ lot: touch.lot, points: -mine });
    if (size > mine) rest.push({ lot: touch.lot, points: -(size - mine) });
  }
  return [first, rest];
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

export function iso(at: number): string {
  return new Date(at).toISOString();
}

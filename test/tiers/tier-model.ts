import { Temporal } from 'temporal-polyfill';

/**
 * A model of tiers for the property test (tier-property.test.ts): a member's tier computed from
 * scratch from the growth history, in time order, with every evaluation taking place at its own
 * instant (before any growth that came after it). Written from SPEC §3.3 and the configuration's
 * documented meaning, with its own date arithmetic: it shares no code with src/tiers.
 *
 * Two readings the scenario tests also hold the implementation to (see windows.test.ts and
 * upgrades-and-refunds.test.ts): every evaluation restarts `since`, so anniversary evaluations stay
 * a year apart; and with refundsCanDowngrade a refund undoes an upgrade only when it is what takes
 * the window's growth below the tier's entry (growth before it reached the entry).
 */

export interface ModelConfig {
  tiers: { entry: number; retain: number }[];
  window: { kind: 'calendar_year' } | { kind: 'rolling_months'; months: number };
  evaluation: { kind: 'period_end'; every: 'month' | 'quarter' | 'year' } | { kind: 'anniversary' };
  downgrade: 'one_step' | 'to_qualified';
  refundsCanDowngrade: boolean;
  timezone: string;
}

export interface ModelMember {
  growth: { at: number; delta: number }[];
  tier: number;
  floor: number;
  since: number;
  nextEvaluation: number | null;
  /** "upgrade 0→2", "refund_downgrade 2→1", "downgrade 2→1 @2027-01-01" (ranks, not codes). */
  history: string[];
}

export class TierModel {
  readonly members = new Map<string, ModelMember>();

  constructor(readonly config: ModelConfig) {}

  member(memberId: string): ModelMember {
    let member = this.members.get(memberId);
    if (!member) {
      member = { growth: [], tier: 0, floor: 0, since: 0, nextEvaluation: null, history: [] };
      this.members.set(memberId, member);
    }
    return member;
  }

  private zoned(at: number): Temporal.ZonedDateTime {
    return Temporal.Instant.fromEpochMilliseconds(at).toZonedDateTimeISO(this.config.timezone);
  }

  private midnight(date: Temporal.PlainDate): number {
    return date.toZonedDateTime(this.config.timezone).epochMilliseconds;
  }

  /** The first instant of the window that `now` (inclusive) is in. */
  windowNow(now: number): number {
    const window = this.config.window;
    if (window.kind === 'rolling_months')
      return this.zoned(now).subtract({ months: window.months }).epochMilliseconds;
    return this.midnight(new Temporal.PlainDate(this.zoned(now).year, 1, 1));
  }

  /** The first instant of the window an evaluation at `at` judges: the one that ends at `at`. */
  windowBefore(at: number): number {
    const window = this.config.window;
    if (window.kind === 'rolling_months')
      return this.zoned(at).subtract({ months: window.months }).epochMilliseconds;
    return this.midnight(new Temporal.PlainDate(this.zoned(at - 1).year, 1, 1));
  }

  growthBetween(member: ModelMember, from: number, toExclusive: number): number {
    return member.growth
      .filter((g) => g.at >= from && g.at < toExclusive)
      .reduce((sum, g) => sum + g.delta, 0);
  }

  growthNow(memberId: string, now: number): number {
    return this.growthBetween(this.member(memberId), this.windowNow(now), now + 1);
  }

  /** The first evaluation strictly after `after`. */
  nextEvaluation(since: number, after: number): number {
    const evaluation = this.config.evaluation;
    if (evaluation.kind === 'anniversary') {
      const start = this.zoned(since).toPlainDate();
      for (let years = 1; ; years++) {
        const candidate = this.midnight(start.add({ years }));
        if (candidate > after) return candidate;
      }
    }
    const months = { month: 1, quarter: 3, year: 12 }[evaluation.every];
    const local = this.zoned(after);
    const first = Math.floor((local.month - 1) / months) * months + 1;
    return this.midnight(new Temporal.PlainDate(local.year, first, 1).add({ months }));
  }

  qualified(growth: number): number {
    let rank = 0;
    this.config.tiers.forEach((tier, index) => {
      if (growth >= tier.entry) rank = index;
    });
    return rank;
  }

  /** Growth (or a refund, negative) at `now`: evaluations due before it first, then upgrades. */
  grow(memberId: string, now: number, delta: number): void {
    this.settle(now);
    const member = this.member(memberId);
    member.growth.push({ at: now, delta });
    const qualified = this.qualified(this.growthNow(memberId, now));
    if (qualified > member.tier) {
      member.history.push(`upgrade ${member.tier}→${qualified}`);
      member.tier = qualified;
      member.since = now;
      member.nextEvaluation ??= this.nextEvaluation(now, now);
    } else if (
      delta < 0 &&
      this.config.refundsCanDowngrade &&
      qualified < member.tier &&
      member.tier > member.floor &&
      this.growthNow(memberId, now) - delta >= this.config.tiers[member.tier]!.entry
    ) {
      const to = Math.max(qualified, member.floor);
      member.history.push(`refund_downgrade ${member.tier}→${to}`);
      member.tier = to;
      if (to === 0) member.nextEvaluation = null;
    }
  }

  /** Every evaluation due by `now`, each member's in order. */
  settle(now: number): void {
    for (const member of this.members.values()) {
      while (member.nextEvaluation !== null && member.nextEvaluation <= now)
        this.evaluate(member, member.nextEvaluation);
    }
  }

  private evaluate(member: ModelMember, at: number): void {
    const growth = this.growthBetween(member, this.windowBefore(at), at);
    const tiers = this.config.tiers;
    const from = member.tier;
    let to = from;
    let kind = 'retained';
    if (this.qualified(growth) > from) {
      to = this.qualified(growth);
      kind = 'upgrade';
    } else if (growth < tiers[from]!.retain) {
      kind = 'downgrade';
      if (this.config.downgrade === 'one_step') to = from - 1;
      else to = Math.max(...tiers.map((tier, rank) => (rank < from && growth >= tier.retain ? rank : 0)));
    }
    member.history.push(`${kind} ${from}→${to} @${this.zoned(at).toPlainDate().toString()}`);
    member.since = at;
    member.tier = to;
    member.floor = to;
    member.nextEvaluation = to === 0 ? null : this.nextEvaluation(member.since, at);
  }
}

import { Temporal } from 'temporal-polyfill';
import type { Tier, TierConfig } from './tier-types.ts';

/**
 * Tier decisions as pure functions over the configuration and a member's growth in the window
 * (never the points balance): what a member qualifies for, what an evaluation decides, when the
 * window starts and when the next evaluation falls, in the program's timezone.
 */

export function tierByCode(config: TierConfig, code: string): Tier {
  return config.tiers.find((tier) => tier.code === code) ?? config.tiers[0]!;
}

export function rankOf(config: TierConfig, code: string): number {
  return Math.max(
    config.tiers.findIndex((tier) => tier.code === code),
    0,
  );
}

/** The highest tier whose entry threshold the growth reaches: where upgrades lead. */
export function qualifiedTier(config: TierConfig, growth: number): Tier {
  let best = config.tiers[0]!;
  for (const tier of config.tiers) if (growth >= tier.entryGrowth) best = tier;
  return best;
}

export type EvaluationKind = 'upgrade' | 'retained' | 'retained_with_points' | 'downgrade';

/**
 * At evaluation: keep the tier when the growth meets its retention threshold (or the member paid
 * points to keep it); otherwise drop one step, or to the highest tier whose retention is met, as
 * the program says. Growth above a higher tier's entry (an upgrade missed) moves up instead.
 */
export function evaluateTier(
  config: TierConfig,
  currentCode: string,
  growth: number,
  retainedWithPoints: boolean,
): { tier: Tier; kind: EvaluationKind } {
  const current = rankOf(config, currentCode);
  const byEntry = qualifiedTier(config, growth);
  if (rankOf(config, byEntry.code) > current) return { tier: byEntry, kind: 'upgrade' };
  const tier = config.tiers[current]!;
  if (growth >= tier.retainGrowth) return { tier, kind: 'retained' };
  if (retainedWithPoints) return { tier, kind: 'retained_with_points' };
  let kept = 0;
  for (let rank = 0; rank < current; rank++) if (growth >= config.tiers[rank]!.retainGrowth) kept = rank;
  const to = config.downgrade === 'one_step' ? current - 1 : kept;
  return { tier: config.tiers[Math.max(to, 0)]!, kind: 'downgrade' };
}

/**
 * Calendar answers by instant and timezone, remembered: a sweep evaluates thousands of members at
 * the same instant and a batch of events reads the window of the same "now", while the Temporal
 * arithmetic behind one answer costs tens of microseconds. Keys hold every input that matters;
 * the memory is emptied when it grows large.
 */
const remembered = new Map<string, number | string>();
function remember<T extends number | string>(key: string, compute: () => T): T {
  const known = remembered.get(key);
  if (known !== undefined) return known as T;
  if (remembered.size >= 10_000) remembered.clear();
  const value = compute();
  remembered.set(key, value);
  return value;
}

function zoned(at: Date, timezone: string): Temporal.ZonedDateTime {
  return Temporal.Instant.fromEpochMilliseconds(at.getTime()).toZonedDateTimeISO(timezone);
}

function toDate(value: Temporal.ZonedDateTime): Date {
  return new Date(value.epochMilliseconds);
}

/**
 * The start of the qualification window that contains `at` (upgrades, the member view): the local
 * calendar year of `at`, or the months before it.
 */
export function windowStart(config: TierConfig, at: Date, timezone: string): Date {
  const { window } = config;
  const months = window.kind === 'calendar_year' ? 0 : window.months;
  return new Date(
    remember(`window|${months}|${at.getTime()}|${timezone}`, () => {
      const local = zoned(at, timezone);
      if (window.kind === 'calendar_year') return startOfYear(local.year, timezone).getTime();
      return local.subtract({ months }).epochMilliseconds;
    }),
  );
}

/**
 * The start of the window an evaluation at `at` judges: the one that ends at `at` — for a calendar
 * year evaluated at New Year's midnight, the year that just ended.
 */
export function evaluationWindowStart(config: TierConfig, at: Date, timezone: string): Date {
  if (config.window.kind === 'calendar_year') {
    return startOfYear(zoned(new Date(at.getTime() - 1), timezone).year, timezone);
  }
  return windowStart(config, at, timezone);
}

function startOfYear(year: number, timezone: string): Date {
  return toDate(Temporal.PlainDate.from({ year, month: 1, day: 1 }).toZonedDateTime(timezone));
}

/**
 * The first evaluation strictly after `after`: the end of the current local month / quarter / year,
 * or the next anniversary of `since` (the day the member reached the tier).
 */
export function nextEvaluation(config: TierConfig, since: Date, after: Date, timezone: string): Date {
  const { evaluation } = config;
  // A period end does not depend on `since`.
  const key = `next|${evaluation.kind === 'anniversary' ? since.getTime() : evaluation.every}|${after.getTime()}|${timezone}`;
  return new Date(remember(key, () => computeNextEvaluation(config, since, after, timezone).getTime()));
}

function computeNextEvaluation(config: TierConfig, since: Date, after: Date, timezone: string): Date {
  const local = zoned(after, timezone);
  if (config.evaluation.kind === 'anniversary') {
    const start = zoned(since, timezone).startOfDay();
    let years = Math.max(local.year - start.year, 1);
    let candidate = start.add({ years });
    while (Temporal.ZonedDateTime.compare(candidate, local) <= 0) candidate = start.add({ years: ++years });
    return toDate(candidate);
  }
  const months = { month: 1, quarter: 3, year: 12 }[config.evaluation.every];
  const firstMonth = Math.floor((local.month - 1) / months) * months + 1;
  const periodStart = local.with({ month: firstMonth, day: 1 }).startOfDay();
  return toDate(periodStart.add({ months }));
}

/** The evaluation's name in history, unique per member: "2027-01-01" (the local date it fell on). */
export function periodKey(evaluationAt: Date, timezone: string): string {
  return remember(`period|${evaluationAt.getTime()}|${timezone}`, () =>
    zoned(evaluationAt, timezone).toPlainDate().toString(),
  );
}

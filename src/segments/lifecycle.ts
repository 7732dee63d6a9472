import { DAY_MS } from '../shared/time-units.ts';
import type { SegmentFacts } from './segment-fields.ts';
import type { SegmentSettings, Stage } from './segment-types.ts';

/**
 * RFM scores and lifecycle stages, pure. A score is 1 to 5: one more than the number of the
 * program's quintile cut points (the 20th, 40th, 60th and 80th percentiles, `percentile_disc`,
 * among members with an order in the RFM window) the member's figure is above. Recency is judged
 * by the time of the last order (later is better), frequency by orders and monetary by spend in
 * the window. Members with no order in the window have no scores.
 */
export interface RfmCuts {
  /** Epoch milliseconds of last orders. */
  recency: number[];
  frequency: number[];
  monetary: number[];
}

export function quintileScore(value: number, cuts: readonly number[]): number {
  let score = 1;
  for (const cut of cuts) if (value > cut) score++;
  return score;
}

export interface OrderFigures {
  lastOrderAt: Date | null;
  /** Orders and spend in the RFM window. */
  orders: number;
  spendMinor: number;
}

export function rfmOf(figures: OrderFigures, cuts: RfmCuts | null, now: Date): SegmentFacts['rfm'] {
  const recencyDays =
    figures.lastOrderAt === null
      ? null
      : Math.floor((now.getTime() - figures.lastOrderAt.getTime()) / DAY_MS);
  const scored = cuts !== null && figures.orders > 0 && figures.lastOrderAt !== null;
  return {
    recency: scored ? quintileScore(figures.lastOrderAt!.getTime(), cuts.recency) : null,
    frequency: scored ? quintileScore(figures.orders, cuts.frequency) : null,
    monetary: scored ? quintileScore(figures.spendMinor, cuts.monetary) : null,
    recencyDays,
    orders: figures.orders,
    spendMinor: figures.spendMinor,
  };
}

/**
 * The member's lifecycle stage, the first that fits: new (joined fewer than `newDays` ago); for
 * members who have ordered, by days since the last order — high value (within `activeDays` with
 * the monetary and frequency scores the settings ask), active (within `activeDays`), at risk
 * (within `atRiskDays`), dormant (within `churnedDays`), churned (beyond); members who never
 * ordered are dormant until `churnedDays` after joining, then churned.
 */
export function stageOf(
  joinedDays: number,
  lastOrderDays: number | null,
  rfm: SegmentFacts['rfm'],
  settings: SegmentSettings['stages'],
): Stage {
  if (joinedDays < settings.newDays) return 'new';
  if (lastOrderDays === null) return joinedDays <= settings.churnedDays ? 'dormant' : 'churned';
  if (lastOrderDays <= settings.activeDays) {
    const valuable =
      (rfm.monetary ?? 0) >= settings.highValueMinMonetary &&
      (rfm.frequency ?? 0) >= settings.highValueMinFrequency;
    return valuable ? 'high_value' : 'active';
  }
  if (lastOrderDays <= settings.atRiskDays) return 'at_risk';
  if (lastOrderDays <= settings.churnedDays) return 'dormant';
  return 'churned';
}

import { DAY_MS } from '../shared/time-units.ts';
import type { SegmentFacts } from './segment-fields.ts';
import type { SegmentSettings, Stage } from './segment-types.ts';

/**
 * RFM scores and lifecycle stages, pure. Among the program's members with an order in the RFM
 * window, a member's score is ⌈5 × the share of those members whose figure is at most theirs⌉:
 * figures 1…10 score 1, 1, 2, 2, 3, 3, 4, 4, 5, 5; ties share a score; the best figure always
 * scores 5. Recency is judged by the time of the last order (later is better), frequency by orders
 * and monetary by spend in the window; members with no order in the window have no scores.
 *
 * The computation keeps four cut points per figure: the k-th is the largest figure whose share is
 * at most k/5 (null when there is none), and a score is 1 plus the number of cut points below the
 * figure. The same table scores a member judged between two computations.
 */
export interface RfmCuts {
  /** Epoch milliseconds of last orders. */
  recency: (number | null)[];
  frequency: (number | null)[];
  monetary: (number | null)[];
}

export function quintileScore(value: number, cuts: readonly (number | null)[]): number {
  let score = 1;
  for (const cut of cuts) if (cut === null || value > cut) score++;
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

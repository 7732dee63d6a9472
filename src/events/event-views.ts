import type { Reason } from '../ledger/ledger-types.ts';
import { reasonView } from '../ledger/ledger-views.ts';
import type { RuleAward, RuleMiss } from '../rules/evaluate-rules.ts';
import type { EventOutcome } from './event-outcome.ts';

/** Localized text as the API shows it everywhere: `{ "zh-CN": ..., "en": ... }`. */
export type LocalizedText = ReturnType<typeof reasonView>;

type Localize<T, K extends keyof T> = Omit<T, K> & {
  [P in K]: T[P] extends Reason ? LocalizedText : LocalizedText | null;
};

export type AwardView<A extends RuleAward | EventOutcome['awards'][number]> = Localize<A, 'reason'>;
export type MissView = Localize<RuleMiss, 'why'>;

export function awardView<A extends { reason: Reason }>(
  award: A,
): Omit<A, 'reason'> & { reason: LocalizedText } {
  return { ...award, reason: reasonView(award.reason) };
}

export function missView(miss: RuleMiss): MissView {
  return { ...miss, why: reasonView(miss.why) };
}

/**
 * An event's outcome as the API answers it. The outcome is kept (and stored in `events.outcome`)
 * with its texts as `{zh, en}`; every answer shows them as `{ "zh-CN", "en" }`, converted here on
 * the way out, so rows stored before the change read the same as new ones.
 */
export function outcomeView(outcome: EventOutcome) {
  return {
    ...outcome,
    awards: outcome.awards.map(awardView),
    misses: outcome.misses.map(missView),
    note: outcome.note ? reasonView(outcome.note) : null,
  };
}
export type EventOutcomeView = ReturnType<typeof outcomeView>;

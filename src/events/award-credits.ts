import { decideCredit } from '../ledger/commands/credit.ts';
import type { Entry, EntrySource, RuleShare } from '../ledger/ledger-types.ts';
import { joinReasons } from '../ledger/reasons.ts';
import { expiryFor } from '../programs/expiry-policy.ts';
import type { RuleAward } from '../rules/evaluate-rules.ts';
import { DAY_MS } from '../shared/time-units.ts';
import type { EventContext, PlannedEvent } from './event-plan.ts';

/** What crediting an event's awards wrote for each award (same order), and the lots made. */
export interface CreditedAwards {
  perAward: { entryIds: string[]; lotId: string | null }[];
  lotIds: string[];
}

/**
 * Credits all awards of one event together: one lot and one `earn` entry for the points of the
 * awards that become available and expire alike (usually all of them), and one `growth` entry for
 * their growth. Each entry's reason joins the awards' reasons, and its source lists every rule
 * version's share (`rules`), so "why" stays exact while an order judged by ten rules writes two
 * entries and one lot instead of ten lots and twenty entries.
 */
export function creditAwards(
  context: EventContext,
  event: PlannedEvent,
  awards: readonly RuleAward[],
): CreditedAwards {
  const perAward = awards.map(() => ({ entryIds: [] as string[], lotId: null as string | null }));
  const lotIds: string[] = [];
  const alike = new Map<string, number[]>();
  awards.forEach((award, index) => {
    if (award.points <= 0) return;
    const key = `${award.pendingDays}/${award.expiresInDays ?? ''}`;
    alike.set(key, [...(alike.get(key) ?? []), index]);
  });
  for (const indexes of alike.values()) {
    const group = indexes.map((index) => awards[index]!);
    const [first] = group;
    const [entry] = credit(
      context,
      event,
      group,
      { points: sum(group.map((award) => award.points)) },
      {
        pendingDays: first!.pendingDays,
        ...(first!.expiresInDays !== null ? { expiresAt: awardExpiresAt(context, first!) } : {}),
      },
    );
    const lotId = entry!.lots[0]?.lotId ?? null;
    if (lotId) lotIds.push(lotId);
    for (const index of indexes) {
      perAward[index]!.entryIds.push(entry!.id);
      perAward[index]!.lotId = lotId;
    }
  }
  const growing = awards.flatMap((award, index) => (award.growth > 0 ? [index] : []));
  if (growing.length > 0) {
    const group = growing.map((index) => awards[index]!);
    const [entry] = credit(context, event, group, { growth: sum(group.map((award) => award.growth)) }, {});
    for (const index of growing) perAward[index]!.entryIds.push(entry!.id);
  }
  return { perAward, lotIds };
}

function credit(
  context: EventContext,
  event: PlannedEvent,
  awards: readonly RuleAward[],
  amount: { points: number } | { growth: number },
  timing: { pendingDays?: number; expiresAt?: Date },
): Entry[] {
  const share = (award: RuleAward): RuleShare => ({
    ruleId: award.ruleId,
    ruleVersion: award.version,
    amount: 'points' in amount ? award.points : award.growth,
  });
  const eventId = event.facts.event.id;
  const source: EntrySource = {
    ...context.source,
    kind: 'rule',
    ref: eventId,
    eventId,
    // One rule: named as before; several: their shares say which rule gave what.
    ...(awards.length === 1 ? { ruleId: awards[0]!.ruleId, ruleVersion: awards[0]!.version } : {}),
    ...(event.orderId !== null ? { orderId: event.orderId } : {}),
    rules: awards.map(share),
  };
  return decideCredit(
    context.draft,
    {
      memberId: event.memberId,
      points: 'points' in amount ? amount.points : 0,
      growth: 'growth' in amount ? amount.growth : 0,
      reason: joinReasons(awards.map((award) => award.reason)),
      ...timing,
    },
    { programId: context.draft.settings.programId, now: context.draft.now, source },
  );
}

/** A rule's expiry override reads like the program's rolling policy: N days after the points become
 * available, through the end of that local day. */
export function awardExpiresAt(
  context: Pick<EventContext, 'draft'>,
  award: { pendingDays: number; expiresInDays: number | null },
): Date {
  const { draft } = context;
  const availableAt = new Date(draft.effectiveAt.getTime() + award.pendingDays * DAY_MS);
  const policy = { kind: 'rolling', unit: 'days', count: award.expiresInDays ?? 0 } as const;
  return expiryFor(policy, availableAt, draft.settings.timezone)!;
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

import type { Queryable } from '../db/database.ts';
import { LedgerDraft } from '../ledger/ledger-draft.ts';
import { persistDraft, tryLoadForUpdate } from '../ledger/ledger-store.ts';
import { loadMemberFacts } from '../members/member-facts.ts';
import { deleteNewMembers } from '../members/member-store.ts';
import type { Program } from '../programs/program-types.ts';
import type { CompiledRule } from '../rules/compile-rule.ts';
import { ruleFacts } from '../rules/rule-facts.ts';
import { JifenError } from '../shared/errors.ts';
import { tierBenefitRules } from '../tiers/tier-benefit-rules.ts';
import { readTierConfig } from '../tiers/tier-store.ts';
import { loadTierProgress, saveTierProgress } from '../tiers/tier-upgrades.ts';
import { applyPlan, planEvent } from './decide-event.ts';
import { answerToStored, EventRefused, memberNotFound, REFERS_TO_ORDER, refusal } from './event-answers.ts';
import { orderIdOf } from './event-input.ts';
import type { EventOutcome } from './event-outcome.ts';
import type { EventContext, PlannedEvent } from './event-plan.ts';
import { insertEvents, storedEvents } from './event-rows.ts';
import type { Candidate, EventResult, IngestContext } from './intake-types.ts';
import { insertOrders, loadOrderLosses, loadOrders, updateOrders } from './order-store.ts';
import { periodsOf, RuleUsageTracker } from './rule-usage.ts';
import { createUnknownMembers } from './unknown-members.ts';
import { onceObjects, usageKeys } from './usage-scope.ts';

/**
 * The fresh events of a batch, decided in one transaction: unknown members created, members
 * locked in id order, due tier evaluations done, facts, orders and limits loaded under those locks,
 * each event planned and applied in order, and everything written with a constant number of
 * statements. Returns the answer of each event by its index in the request.
 */
export async function decideFresh(
  tx: Queryable,
  context: IngestContext,
  program: Program,
  rules: readonly CompiledRule[],
  unseen: readonly Candidate[],
): Promise<Map<number, EventResult>> {
  const results = new Map<number, EventResult>();
  let fresh = unseen;
  // A refund or cancellation names an order its member paid: it never creates a member.
  const creating = fresh.filter(({ event }) => !REFERS_TO_ORDER.has(event.type));
  const created = program.autoCreateMembers
    ? await createUnknownMembers(tx, context, creating)
    : new Set<string>();
  const createdIds = [...created];
  const refundingMembers = fresh
    .filter(({ event }) => REFERS_TO_ORDER.has(event.type))
    .map(({ event }) => event.memberId);
  const state = await tryLoadForUpdate(tx, {
    programId: context.programId,
    memberIds: fresh.map(({ event }) => event.memberId),
    allowMissing: true,
    lots: refundingMembers,
  });
  // Asked again under the members' lock: the same event sent twice at once (same member) waited
  // for the first, which has committed by now. (Different members: the events key decides.)
  const late = await storedEvents(
    tx,
    context.programId,
    fresh.map(({ event }) => event.id),
  );
  if (late.size > 0) {
    for (const candidate of fresh) {
      const stored = late.get(candidate.event.id);
      if (stored) results.set(candidate.index, answerToStored(candidate, stored));
    }
    fresh = fresh.filter(({ event }) => !late.has(event.id));
  }
  const known = new Set(state?.accounts.map((account) => account.memberId));
  const tiers = await readTierConfig(tx, context.programId);
  // Each member's tier and growth, carried forward event by event: an order that reaches a tier
  // earns the member's next event in this batch that tier's multiplier, as if sent alone.
  const progress = tiers
    ? await loadTierProgress(tx, context.programId, tiers, [...known], {
        now: context.now,
        timezone: program.timezone,
      })
    : null;
  const members = await loadMemberFacts(tx, context.programId, [...known]);
  const orderIds = fresh.flatMap(({ event }) => {
    const orderId = event.type.startsWith('order.') ? orderIdOf(event) : null;
    return orderId === null ? [] : [orderId];
  });
  const orders = await loadOrders(tx, context.programId, [...new Set(orderIds)]);
  const storedOrders = new Set(orders.keys());
  const refundedOrderIds = new Set(
    fresh.flatMap(({ event }) => (REFERS_TO_ORDER.has(event.type) ? [orderIdOf(event) ?? ''] : [])),
  );
  const orderLosses = await loadOrderLosses(
    tx,
    context.programId,
    [...orders.values()].filter((order) => refundedOrderIds.has(order.orderId)),
  );

  const planned = new Map<number, PlannedEvent>();
  for (const candidate of fresh) {
    const member = members.get(candidate.event.memberId);
    if (!member) {
      results.set(candidate.index, refusal(memberNotFound(candidate.event)));
      continue;
    }
    const judged = ruleFacts(
      {
        id: candidate.event.id,
        type: candidate.event.type,
        occurredAt: candidate.occurredAt,
        attributes: candidate.event.attributes ?? {},
      },
      member,
      program.timezone,
    );
    // A refund's items are what is returned ({sku, quantity}), not line items rules compute with.
    const facts = REFERS_TO_ORDER.has(candidate.event.type) ? { ...judged, items: [] } : judged;
    planned.set(candidate.index, {
      memberId: candidate.event.memberId,
      facts,
      periods: periodsOf(facts.time),
      orderId: orderIdOf(candidate.event),
      // The member's first event in the batch is the one that created it.
      memberCreated: created.delete(candidate.event.memberId),
      receivedAt: context.now,
    });
  }
  if (planned.size === 0 || !state) {
    if (progress) await saveTierProgress(tx, context.programId, progress, context.now);
    return results;
  }

  const eventTypes = new Set([...planned.values()].map((event) => event.facts.event.type));
  // Tier earn multipliers join the published rules as multiplier rules of their own.
  const judgedBy = [...rules, ...tierBenefitRules(context.programId, tiers, eventTypes)];
  const tracker = await RuleUsageTracker.load(tx, context.programId, judgedBy, {
    memberIds: [...known],
    usageKeys: usageKeys(rules, [...planned.values()]),
    objectKeys: onceObjects(rules, [...planned.values()]),
    eventTypes,
  });
  const draft = new LedgerDraft(state.settings, context.now, state.accounts, state.lots);
  const eventContext: EventContext = {
    draft,
    rules: judgedBy,
    tracker,
    orders,
    orderLosses,
    currency: program.currency,
    source: context.source,
  };
  const rows: { candidate: Candidate; outcome: EventOutcome }[] = [];
  for (const candidate of fresh) {
    const event = planned.get(candidate.index);
    if (!event) continue;
    if (progress)
      event.facts = {
        ...event.facts,
        member: { ...event.facts.member, tier: progress.tierOf(event.memberId) },
      };
    let plan: ReturnType<typeof planEvent>;
    try {
      plan = planEvent(eventContext, event);
    } catch (error) {
      if (!(error instanceof JifenError)) throw error;
      results.set(candidate.index, refusal(error));
      continue;
    }
    try {
      const decidedBefore = draft.entries.length;
      const outcome = applyPlan(eventContext, event, plan);
      progress?.addGrowth(event.memberId, growthOf(draft, decidedBefore, event.memberId));
      rows.push({ candidate, outcome });
      results.set(candidate.index, { status: 201, body: outcome, replayed: false });
    } catch (error) {
      if (error instanceof JifenError) throw new EventRefused(candidate.index, error);
      throw error;
    }
  }
  // A member made for events that were all refused is not kept: bad input leaves nothing behind.
  const used = new Set(rows.map(({ candidate }) => candidate.event.memberId));
  const unused = createdIds.filter((memberId) => !used.has(memberId));
  await deleteNewMembers(tx, context.programId, unused);
  if (progress) await saveTierProgress(tx, context.programId, progress, context.now);
  await persistDraft(tx, context.programId, draft);
  await insertEvents(tx, context, rows);
  const touchedOrders = new Set(
    rows.flatMap(({ outcome }) => (outcome.order ? [outcome.order.orderId] : [])),
  );
  const touched = [...touchedOrders].map((orderId) => orders.get(orderId)!);
  // New orders are inserted, never merged: two members paying one order id at once (they do not
  // share a lock) collide on the key, and the loser's batch is redone and finds the order paid.
  await insertOrders(
    tx,
    context.programId,
    touched.filter((order) => !storedOrders.has(order.orderId)),
    context.now,
  );
  await updateOrders(
    tx,
    context.programId,
    touched.filter((order) => storedOrders.has(order.orderId)),
    context.now,
  );
  await tracker.save(tx, context.programId);
  return results;
}

/** The growth an event's entries (those from `from` on) gave or took from its member. */
function growthOf(draft: LedgerDraft, from: number, memberId: string): number {
  let growth = 0;
  for (const entry of draft.entries.slice(from))
    if (entry.memberId === memberId) growth += entry.delta.growth;
  return growth;
}

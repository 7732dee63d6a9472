import { ReadStatement } from '../db/combined-statements.ts';
import type { Queryable } from '../db/database.ts';
import { catchUpTo } from '../ledger/due-movements.ts';
import { LedgerDraft } from '../ledger/ledger-draft.ts';
import { tryLoadForUpdate } from '../ledger/ledger-store.ts';
import { readMemberFacts } from '../members/member-facts.ts';
import { MemberKeys } from '../members/member-key.ts';
import { deleteNewMembers } from '../members/member-store.ts';
import type { Program } from '../programs/program-types.ts';
import type { CompiledRule } from '../rules/compile-rule.ts';
import { type EventFacts, localMoment, type RuleFacts } from '../rules/rule-facts.ts';
import { JifenError } from '../shared/errors.ts';
import { tierBenefitRules } from '../tiers/tier-benefit-rules.ts';
import { readTierConfigLocked } from '../tiers/tier-store.ts';
import { loadTierProgress, saveTierProgress } from '../tiers/tier-upgrades.ts';
import { BatchWriter } from './batch-writer.ts';
import { applyPlan, planEvent } from './decide-event.ts';
import { answerToStored, EventRefused, memberNotFound, REFERS_TO_ORDER, refusal } from './event-answers.ts';
import { orderIdOf } from './event-input.ts';
import type { EventContext, PlannedEvent } from './event-plan.ts';
import { readStoredEvents } from './event-rows.ts';
import { outcomeView } from './event-views.ts';
import type { Candidate, EventResult, IngestContext } from './intake-types.ts';
import { loadOrderLosses, readOrders } from './order-store.ts';
import { periodsOf, RuleUsageTracker } from './rule-usage.ts';
import { createUnknownMembers } from './unknown-members.ts';
import { onceObjects, type ScopedEvent, usageKeys } from './usage-scope.ts';

/** Events decided between two writes of a large batch (see `BatchWriter`). */
const WRITE_EVERY = 200;

/**
 * The fresh events of a batch, decided in one transaction with a constant number of statements:
 * unknown members created, members locked (which gives their keys, what every row the batch
 * writes refers to), then one read of everything the batch needs
 * under those locks (events stored meanwhile, facts, orders, limits and budgets), each event planned
 * and applied in order over that plain data, and one write of everything decided (the ledger's
 * draft with its outbox rows, the events, orders and limits). Returns each event's answer by its
 * index in the request.
 */
export async function decideFresh(
  tx: Queryable,
  context: IngestContext,
  program: Program,
  rules: readonly CompiledRule[],
  unseen: readonly Candidate[],
  options: { writeEvery?: number; dated?: boolean } = {},
): Promise<Map<number, EventResult>> {
  const { programId } = context;
  const results = new Map<number, EventResult>();
  // A refund or cancellation names an order its member paid: it never creates a member.
  const creating = unseen.filter(({ event }) => !REFERS_TO_ORDER.has(event.type));
  // The lock is sent right behind the insert, without waiting for it (one round trip for both): the
  // connection runs them in order, so the lock finds the members just made. Should the insert
  // fail, its error comes first and is the one thrown.
  const [created, state] = await Promise.all([
    program.autoCreateMembers ? createUnknownMembers(tx, context, creating) : new Set<string>(),
    tryLoadForUpdate(tx, {
      programId,
      memberIds: unseen.map(({ event }) => event.memberId),
      allowMissing: true,
      // Dated intake replays what fell due between events, so it needs every member's lots.
      lots: unseen
        .filter(({ event }) => options.dated || REFERS_TO_ORDER.has(event.type))
        .map(({ event }) => event.memberId),
    }),
  ]);
  const createdIds = [...created];
  const keys = new MemberKeys(state?.accounts ?? []);
  const known = [...new Set(state?.accounts.map((account) => account.memberId))];
  const timed = unseen.map((candidate) => timedEvent(candidate, program.timezone, keys));
  const eventTypes = new Set(unseen.map(({ event }) => event.type));

  const { tiers, late, members, orders, tracker } = await readUnderLocks(tx, programId, rules, {
    unseen,
    known,
    keys,
    timed,
    eventTypes,
  });
  // Tier earn multipliers join the published rules as multiplier rules of their own (without limits).
  const judgedBy = [...rules, ...tierBenefitRules(programId, tiers, eventTypes)];

  // The same event sent twice at once (same member) waited for the first under the members' lock,
  // and the first has committed by now: it is answered as stored. (Different members: the events key decides.)
  const fresh = unseen.filter((candidate) => {
    const stored = late.get(candidate.event.id);
    if (stored) results.set(candidate.index, answerToStored(candidate, stored));
    return !stored;
  });
  // Each member's tier and growth, carried forward event by event: an order that reaches a tier
  // earns the member's next event in this batch that tier's multiplier, as if sent alone.
  const progress = tiers
    ? await loadTierProgress(tx, programId, tiers, keys, { now: context.now, timezone: program.timezone })
    : null;
  const refundedOrderIds = new Set(
    fresh.flatMap(({ event }) => (REFERS_TO_ORDER.has(event.type) ? [orderIdOf(event) ?? ''] : [])),
  );
  const orderLosses = await loadOrderLosses(
    tx,
    programId,
    [...orders.values()].filter((order) => refundedOrderIds.has(order.orderId)),
  );

  const planned = new Map<number, PlannedEvent>();
  for (const [position, candidate] of unseen.entries()) {
    if (late.has(candidate.event.id)) continue;
    const member = members.get(candidate.event.memberId);
    if (!member) {
      results.set(candidate.index, refusal(memberNotFound(candidate.event)));
      continue;
    }
    const { facts: eventFacts, time, periods, orderId } = timed[position]!;
    // A refund's items are what is returned ({sku, quantity}), not line items rules compute with.
    const items =
      REFERS_TO_ORDER.has(candidate.event.type) || !Array.isArray(eventFacts.attributes.items)
        ? []
        : (eventFacts.attributes.items as RuleFacts['items']);
    planned.set(candidate.index, {
      memberId: candidate.event.memberId,
      memberKey: keys.keyOf(candidate.event.memberId),
      facts: { event: eventFacts, member, time, items },
      periods,
      orderId,
      // The member's first event in the batch is the one that created it.
      memberCreated: created.delete(candidate.event.memberId),
      receivedAt: context.now,
    });
  }
  if (planned.size === 0 || !state) {
    if (progress) await saveTierProgress(tx, programId, progress, context.now);
    return results;
  }

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
  const writer = new BatchWriter(
    tx,
    context,
    { draft, tracker, orders, storedOrderIds: orders.keys() },
    options.writeEvery ?? WRITE_EVERY,
  );
  for (const candidate of fresh) {
    const event = planned.get(candidate.index);
    if (!event) continue;
    if (progress)
      event.facts = {
        ...event.facts,
        member: { ...event.facts.member, tier: progress.tierOf(event.memberKey) },
      };
    // Dated intake (imports, the demo): the event's entries count from when it occurred, after
    // what fell due for its member before then.
    if (options.dated) catchUpTo(draft, event.memberId, candidate.occurredAt);
    else draft.dateFrom(null);
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
      progress?.addGrowth(event.memberKey, growthOf(draft, decidedBefore, event.memberId), draft.effectiveAt);
      results.set(candidate.index, { status: 201, body: outcomeView(outcome), replayed: false });
      await writer.add({ candidate, outcome });
    } catch (error) {
      if (error instanceof JifenError) throw new EventRefused(candidate.index, error);
      throw error;
    }
  }
  if (options.dated) {
    // ...and what fell due since the last of them, up to now.
    for (const memberId of new Set(writer.decided.map(({ candidate }) => candidate.event.memberId)))
      catchUpTo(draft, memberId, draft.now);
    draft.dateFrom(null);
  }
  await writer.finish();
  // A member made for events that were all refused is not kept: bad input leaves nothing behind.
  const used = new Set(writer.decided.map(({ candidate }) => candidate.event.memberId));
  await deleteNewMembers(
    tx,
    programId,
    createdIds.filter((memberId) => !used.has(memberId)),
  );
  if (progress) await saveTierProgress(tx, programId, progress, context.now);
  return results;
}

/**
 * Everything else the batch needs, in one statement under the members' locks: the tier
 * configuration (under its shared lock), events stored meanwhile, the members' facts, the orders
 * the events name, and the limits and budgets (locked) the rules can use.
 */
async function readUnderLocks(
  tx: Queryable,
  programId: string,
  rules: readonly CompiledRule[],
  batch: {
    unseen: readonly Candidate[];
    known: readonly string[];
    keys: MemberKeys;
    timed: readonly ReturnType<typeof timedEvent>[];
    eventTypes: ReadonlySet<string>;
  },
) {
  const { unseen, known, keys, timed, eventTypes } = batch;
  const read = new ReadStatement(programId);
  const tiersOf = readTierConfigLocked(read);
  const lateOf = readStoredEvents(
    read,
    unseen.map(({ event }) => event.id),
  );
  const factsOf = readMemberFacts(read, known);
  const ordersOf = readOrders(read, [
    ...new Set(timed.flatMap(({ orderId }) => (orderId === null ? [] : [orderId]))),
  ]);
  const trackerOf = RuleUsageTracker.read(read, rules, {
    memberKeys: keys.memberKeys(),
    usageKeys: usageKeys(rules, timed),
    objectKeys: onceObjects(rules, timed),
    eventTypes,
  });
  await read.run(tx);
  return {
    tracker: await trackerOf(tx),
    tiers: await tiersOf(tx),
    late: lateOf(),
    members: await factsOf(tx),
    orders: ordersOf(),
  };
}

/** An event's facts that do not depend on its member: what limits it may count against are known before the read. */
function timedEvent(
  candidate: Candidate,
  timezone: string,
  keys: MemberKeys,
): ScopedEvent & {
  facts: EventFacts;
  time: RuleFacts['time'];
  orderId: string | null;
} {
  const facts: EventFacts = {
    id: candidate.event.id,
    type: candidate.event.type,
    occurredAt: candidate.occurredAt,
    attributes: candidate.event.attributes ?? {},
  };
  const time = localMoment(candidate.occurredAt, timezone);
  return {
    memberKey: keys.findKey(candidate.event.memberId) ?? null,
    type: facts.type,
    attributes: facts.attributes,
    periods: periodsOf(time),
    facts,
    time,
    orderId: orderIdOf(candidate.event),
  };
}

/** The growth an event's entries (those from `from` on) gave or took from its member. */
function growthOf(draft: LedgerDraft, from: number, memberId: string): number {
  let growth = 0;
  for (const entry of draft.entries.slice(from))
    if (entry.memberId === memberId) growth += entry.delta.growth;
  return growth;
}

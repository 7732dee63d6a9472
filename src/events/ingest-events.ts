import type { Database, Queryable } from '../db/database.ts';
import { requestHash } from '../idempotency/request-hash.ts';
import { inTransactionRetryingRaces } from '../idempotency/run-command.ts';
import { LedgerDraft } from '../ledger/ledger-draft.ts';
import { persistDraft, tryLoadForUpdate } from '../ledger/ledger-store.ts';
import type { EntrySource } from '../ledger/ledger-types.ts';
import { loadMemberFacts } from '../members/member-facts.ts';
import { getProgram } from '../programs/program-store.ts';
import type { Program } from '../programs/program-types.ts';
import type { CompiledRule } from '../rules/compile-rule.ts';
import { compiledPublishedRules } from '../rules/rule-cache.ts';
import { ruleFacts } from '../rules/rule-facts.ts';
import { JifenError } from '../shared/errors.ts';
import { problemBody } from '../shared/problem.ts';
import { tierBenefitRules } from '../tiers/tier-benefit-rules.ts';
import { applyTierChanges, catchUpDueTiers } from '../tiers/tier-upgrades.ts';
import { applyPlan, type EventContext, type PlannedEvent, planEvent } from './decide-event.ts';
import { checkEventAttributes, type EventInput, orderIdOf } from './event-input.ts';
import type { EventOutcome } from './event-outcome.ts';
import { insertOrders, loadOrderLosses, loadOrders, updateOrders } from './orders.ts';
import { onceKeyOf, periodsOf, RuleUsageTracker } from './rule-usage.ts';

/**
 * Event intake (SPEC §3.2): a batch of events — one to a thousand — in one transaction. Each event
 * is stored with its outcome under its id, which is its idempotency key: the same event again gets
 * the stored answer, a different event with a used id is refused. One refused event (unknown order,
 * refund larger than the order, ...) does not sink the others. The members are locked in id order,
 * then the budgets of the rules the batch can trigger; limits are read under those locks, so they
 * hold exactly however many servers take events at once.
 */

export interface IngestContext {
  programId: string;
  now: Date;
  source: EntrySource;
}

export interface EventResult {
  status: number;
  body: unknown;
  replayed: boolean;
}

export interface IngestOptions {
  /** Where each event sits in the request, for error fields (default `body`, or `body/events/N`). */
  at?: (index: number) => string;
  /** Rules to judge by instead of the published ones (tests, replays). */
  rules?: readonly CompiledRule[];
}

const REFERS_TO_ORDER: ReadonlySet<string> = new Set(['order.refunded', 'order.cancelled']);

interface Candidate {
  index: number;
  event: EventInput;
  hash: string;
  occurredAt: Date;
}

/** An event refused after the batch's draft had changed: the batch is redone without it. */
class EventRefused extends Error {
  constructor(
    readonly index: number,
    readonly error: JifenError,
  ) {
    super(error.message);
  }
}

export async function ingestEvents(
  db: Database,
  context: IngestContext,
  events: readonly EventInput[],
  options: IngestOptions = {},
): Promise<EventResult[]> {
  const at = options.at ?? ((index: number) => (events.length === 1 ? 'body' : `body/events/${index}`));
  const program = await getProgram(db, context.programId);
  const rules = options.rules ?? (await compiledPublishedRules(db, context.programId));
  const results: EventResult[] = new Array(events.length);
  const candidates: Candidate[] = [];
  events.forEach((event, index) => {
    const errors = checkEventAttributes(event, at(index));
    if (errors.length > 0) {
      results[index] = refusal(
        new JifenError('validation_failed', {
          detail: errors.map((error) => `${error.field} ${error.message}`).join('; '),
          extensions: { errors },
        }),
      );
      return;
    }
    const occurredAt = event.occurredAt ? new Date(event.occurredAt) : context.now;
    candidates.push({ index, event, hash: eventHash(event), occurredAt });
  });
  if (candidates.length === 0) return results;

  const refused = new Map<number, JifenError>();
  for (;;) {
    try {
      const decided = await inTransactionRetryingRaces(db, (tx) =>
        ingestInTransaction(tx, context, program, rules, candidates, refused),
      );
      for (const [index, result] of decided) results[index] = result;
      return results;
    } catch (error) {
      if (error instanceof EventRefused) {
        refused.set(error.index, error.error);
        continue;
      }
      if (candidates.length === 1) throw error;
      // Something unforeseen failed the shared transaction: each event goes alone, so only the
      // one that causes it fails (the others must not be lost with it).
      for (const candidate of candidates) {
        try {
          const [alone] = await ingestEvents(db, context, [candidate.event], {
            ...options,
            at: () => at(candidate.index),
          });
          results[candidate.index] = alone!;
        } catch {
          results[candidate.index] = refusal(
            new JifenError('internal_error', {
              detail: 'This event could not be processed; the other events of the batch were.',
            }),
          );
        }
      }
      return results;
    }
  }
}

async function ingestInTransaction(
  tx: Queryable,
  context: IngestContext,
  program: Program,
  rules: readonly CompiledRule[],
  candidates: readonly Candidate[],
  refused: ReadonlyMap<number, JifenError>,
): Promise<Map<number, EventResult>> {
  const results = new Map<number, EventResult>();
  const stored = await storedEvents(
    tx,
    context.programId,
    candidates.map((candidate) => candidate.event.id),
  );
  const firstById = new Map<string, Candidate>();
  const repeats: Candidate[] = [];
  const fresh: Candidate[] = [];
  for (const candidate of candidates) {
    const earlier = stored.get(candidate.event.id);
    if (earlier) {
      results.set(candidate.index, answerToStored(candidate, earlier));
    } else if (firstById.has(candidate.event.id)) {
      repeats.push(candidate);
    } else {
      firstById.set(candidate.event.id, candidate);
      const error = refused.get(candidate.index);
      if (error) results.set(candidate.index, refusal(error));
      else fresh.push(candidate);
    }
  }

  if (fresh.length > 0) {
    const outcomes = await decideFresh(tx, context, program, rules, fresh);
    for (const [index, result] of outcomes) results.set(index, result);
  }
  // The same event twice in one batch: the second is a retry of the first.
  for (const candidate of repeats) {
    const first = firstById.get(candidate.event.id)!;
    const answer = results.get(first.index)!;
    results.set(
      candidate.index,
      first.hash !== candidate.hash
        ? refusal(idReused(candidate.event.id))
        : answer.status < 300
          ? { ...answer, replayed: true }
          : answer,
    );
  }
  return results;
}

/** A retry of a stored event gets its answer; another event under a used id is refused. */
function answerToStored(candidate: Candidate, stored: { hash: string; outcome: EventOutcome }): EventResult {
  return candidate.hash === stored.hash
    ? { status: 201, body: stored.outcome, replayed: true }
    : refusal(idReused(candidate.event.id));
}

async function decideFresh(
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
  const tiers = await catchUpDueTiers(tx, context.programId, [...known], context.now, program.timezone);
  const members = await loadMemberFacts(
    tx,
    context.programId,
    [...known],
    context.now,
    tiers?.config.tiers[0]?.code ?? null,
  );
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
  if (planned.size === 0 || !state) return results;

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
    let plan: ReturnType<typeof planEvent>;
    try {
      plan = planEvent(eventContext, event);
    } catch (error) {
      if (!(error instanceof JifenError)) throw error;
      results.set(candidate.index, refusal(error));
      continue;
    }
    try {
      const outcome = applyPlan(eventContext, event, plan);
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
  if (unused.length > 0) {
    await tx.query('delete from members where program_id = $1 and member_id = any($2::text[])', [
      context.programId,
      unused,
    ]);
  }
  await applyTierChanges(tx, context.programId, draft, tiers);
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

/** Creates the members the program has not seen, joined when their first event in the batch happened. */
async function createUnknownMembers(
  tx: Queryable,
  context: IngestContext,
  fresh: readonly Candidate[],
): Promise<Set<string>> {
  const joinedAt = new Map<string, Date>();
  for (const { event, occurredAt } of fresh) {
    const earlier = joinedAt.get(event.memberId);
    if (!earlier || occurredAt < earlier) joinedAt.set(event.memberId, occurredAt);
  }
  const memberIds = [...joinedAt.keys()].sort();
  if (memberIds.length === 0) return new Set();
  const rows = await tx.query<{ member_id: string }>(
    `insert into members (program_id, member_id, joined_at, created_at, updated_at)
     select $1, m.member_id, m.joined_at, $4, $4
       from unnest($2::text[], $3::timestamptz[]) as m (member_id, joined_at)
     on conflict (program_id, member_id) do nothing
     returning member_id`,
    [
      context.programId,
      memberIds,
      memberIds.map((memberId) => joinedAt.get(memberId)!.toISOString()),
      context.now.toISOString(),
    ],
  );
  return new Set(rows.map((row) => row.member_id));
}

function usageKeys(rules: readonly CompiledRule[], events: readonly PlannedEvent[]) {
  const limited = rules.filter((rule) => rule.definition.limits?.perMemberPoints);
  const keys = new Map<string, { memberId: string; ruleId: string; period: string }>();
  for (const event of events) {
    for (const rule of limited) {
      if (rule.definition.trigger !== event.facts.event.type) continue;
      for (const period of Object.values(event.periods)) {
        keys.set(`${event.memberId}\u0000${rule.ruleId}\u0000${period}`, {
          memberId: event.memberId,
          ruleId: rule.ruleId,
          period,
        });
      }
    }
  }
  return [...keys.values()];
}

function onceObjects(rules: readonly CompiledRule[], events: readonly PlannedEvent[]): string[] {
  const names = new Set(rules.flatMap((rule) => rule.definition.limits?.oncePer ?? []));
  const keys = new Set<string>();
  for (const event of events) {
    for (const name of names) {
      const value = event.facts.event.attributes[name];
      if (typeof value === 'string' || typeof value === 'number') keys.add(onceKeyOf(String(value)));
    }
  }
  return [...keys];
}

async function storedEvents(tx: Queryable, programId: string, ids: readonly string[]) {
  const rows = await tx.query<{ id: string; request_hash: string; outcome: EventOutcome }>(
    'select id, request_hash, outcome from events where program_id = $1 and id = any($2::text[])',
    [programId, [...new Set(ids)]],
  );
  return new Map(rows.map((row) => [row.id, { hash: row.request_hash, outcome: row.outcome }]));
}

async function insertEvents(
  tx: Queryable,
  context: IngestContext,
  rows: readonly { candidate: Candidate; outcome: EventOutcome }[],
) {
  if (rows.length === 0) return;
  const column = <T>(get: (row: (typeof rows)[number]) => T) => rows.map(get);
  await tx.query(
    `insert into events (program_id, id, type, member_id, occurred_at, received_at, attributes, order_id,
                         request_hash, points, growth, outcome)
     select $1, e.id, e.type, e.member_id, e.occurred_at, $2, e.attributes::jsonb, e.order_id,
            e.request_hash, e.points, e.growth, e.outcome::json
       from unnest($3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::text[], $8::text[],
                   $9::text[], $10::int8[], $11::int8[], $12::text[])
            as e (id, type, member_id, occurred_at, attributes, order_id, request_hash, points, growth, outcome)`,
    [
      context.programId,
      context.now.toISOString(),
      column(({ candidate }) => candidate.event.id),
      column(({ candidate }) => candidate.event.type),
      column(({ candidate }) => candidate.event.memberId),
      column(({ candidate }) => candidate.occurredAt.toISOString()),
      column(({ candidate }) => JSON.stringify(candidate.event.attributes ?? {})),
      column(({ candidate }) => orderIdOf(candidate.event)),
      column(({ candidate }) => candidate.hash),
      column(({ outcome }) => outcome.points),
      column(({ outcome }) => outcome.growth),
      column(({ outcome }) => JSON.stringify(outcome)),
    ],
  );
}

/** An event's fingerprint over its canonical JSON, so key order and whitespace do not matter. */
function eventHash(event: EventInput): string {
  return requestHash('event', event);
}

function refusal(error: JifenError): EventResult {
  return { status: error.status, body: problemBody(error), replayed: false };
}

function idReused(eventId: string): JifenError {
  return new JifenError('event_id_reused', {
    detail: `The event id "${eventId}" was already used for a different event.`,
    extensions: { eventId },
  });
}

function memberNotFound(event: EventInput): JifenError {
  const why = REFERS_TO_ORDER.has(event.type)
    ? `a ${event.type} event names an order the member paid, so it never creates the member`
    : 'the program does not create members from events (autoCreateMembers is off)';
  return new JifenError('member_not_found', {
    detail: `There is no member "${event.memberId}" in this program, and ${why}.`,
    extensions: { memberId: event.memberId },
  });
}

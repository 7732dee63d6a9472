import { decideLotExpiry } from '../ledger/commands/credit.ts';
import type { LedgerDraft } from '../ledger/ledger-draft.ts';
import type { Reason } from '../ledger/ledger-types.ts';
import { assertWithinBalanceLimit } from '../ledger/movements.ts';
import type { CompiledRule } from '../rules/compile-rule.ts';
import { type Evaluation, evaluateRules } from '../rules/evaluate-rules.ts';
import { JifenError } from '../shared/errors.ts';
import { DAY_MS } from '../shared/time-units.ts';
import { TIER_RULE_PREFIX } from '../tiers/tier-benefit-rules.ts';
import { awardExpiresAt, creditAwards } from './award-credits.ts';
import type { AwardOutcome, EventOutcome, RefundOutcome } from './event-outcome.ts';
import type { EventContext, PlannedEvent, RefundPlan } from './event-plan.ts';
import {
  ALREADY_CANCELLED,
  ALREADY_REFUNDED,
  applyRefund,
  assertRecoverable,
  cancelledUnpaid,
  newOrder,
  orderCancelled,
  orderOutcome,
  refundLots,
} from './order-events.ts';
import { decideRefund, type Order, type RefundRequest } from './orders.ts';

/**
 * One event, decided in two steps. `planEvent` checks everything that can refuse the event (unknown
 * order, refund larger than the order, balance limits, ...) without changing anything, so a refused
 * event leaves the batch's draft untouched; `applyPlan` then records the credits, the refund and the
 * limits used. Refused events are not stored: a retry with the same id is judged afresh.
 */

type Plan =
  | { kind: 'earn'; evaluation: Evaluation; newOrder: boolean }
  | RefundPlan
  | { kind: 'cancel-unpaid'; evaluation: Evaluation }
  | { kind: 'nothing'; evaluation: Evaluation; note: Reason };

const BLOCKED: Reason = { zh: '会员已被封禁,不能获得积分', en: 'the member is blocked and cannot earn' };

export function planEvent(context: EventContext, event: PlannedEvent): Plan {
  const { facts, orderId } = event;
  const { type, attributes } = facts.event;
  const memberId = memberIdOf(event);
  const account = context.draft.account(memberId);
  const evaluation = evaluate(context, event);
  if (account.status === 'blocked') {
    evaluation.misses.unshift(
      ...evaluation.awards.map((award) => ({ ruleId: award.ruleId, version: award.version, why: BLOCKED })),
    );
    evaluation.awards = [];
  }
  dropAwardsDeadOnArrival(context.draft, evaluation);
  const points = evaluation.awards.reduce((sum, award) => sum + award.points, 0);
  const growth = evaluation.awards.reduce((sum, award) => sum + award.growth, 0);
  const { balances } = account;
  assertWithinBalanceLimit(balances.available + balances.pending + balances.held, points);
  assertWithinBalanceLimit(balances.growth, growth);

  const order = orderId === null ? undefined : context.orders.get(orderId);
  if (type === 'order.paid') {
    if (order?.status === 'cancelled') throw orderCancelled(order.orderId);
    if (order) {
      throw new JifenError('order_already_paid', {
        detail: `Order "${order.orderId}" was already paid by event "${order.paidEventId}".`,
        extensions: { orderId: order.orderId, eventId: order.paidEventId },
      });
    }
    return { kind: 'earn', evaluation, newOrder: true };
  }
  if (type === 'order.refunded' || type === 'order.cancelled') {
    if (!order || order.memberKey !== event.memberKey) {
      if (type === 'order.cancelled' && !order) return { kind: 'cancel-unpaid', evaluation };
      throw new JifenError('order_not_found', {
        detail: `Member "${memberId}" has no paid order "${orderId}".`,
        extensions: { orderId, memberId },
      });
    }
    if (order.status === 'cancelled') {
      if (type === 'order.cancelled') return { kind: 'nothing', evaluation, note: ALREADY_CANCELLED };
      throw orderCancelled(order.orderId);
    }
    if (type === 'order.cancelled' && order.status === 'refunded') {
      return { kind: 'nothing', evaluation, note: ALREADY_REFUNDED };
    }
    const request: RefundRequest =
      type === 'order.cancelled'
        ? {}
        : {
            ...(typeof attributes.amountMinor === 'number' ? { amountMinor: attributes.amountMinor } : {}),
            ...(Array.isArray(attributes.items) ? { items: attributes.items as RefundRequest['items'] } : {}),
          };
    const decision = decideRefund(order, request, context.orderLosses.get(order.orderId) ?? 0);
    assertRecoverable(context.draft, memberId, decision.points, refundLots(context.draft, order));
    return {
      kind: 'refund',
      evaluation,
      order,
      decision,
      growth: Math.min(decision.growth, Math.max(balances.growth + growth, 0)),
    };
  }
  return { kind: 'earn', evaluation, newOrder: false };
}

/** Records what the plan decided; the checks were made, so this only fails on a defect. */
export function applyPlan(context: EventContext, event: PlannedEvent, plan: Plan): EventOutcome {
  const memberId = memberIdOf(event);
  const { facts } = event;
  const credited = creditAwards(context, event, plan.evaluation.awards);
  const awards = plan.evaluation.awards.map((award, index): AwardOutcome => {
    context.tracker.record(event.memberKey, event.periods, award, facts.event.id);
    const { expiresInDays, ...rest } = award;
    const { entryIds, lotId } = credited.perAward[index]!;
    return { ...rest, expiresAt: lotId ? iso(context.draft.lot(lotId).expiresAt) : null, entryIds };
  });
  const earned = sum(awards.map((award) => award.points));
  const grown = sum(awards.map((award) => award.growth));
  let refund: RefundOutcome | null = null;
  let order: Order | undefined;
  let note: Reason | null = null;

  if (plan.kind === 'earn' && plan.newOrder) {
    order = newOrder(context, event, credited.lotIds, earned, grown);
    context.orders.set(order.orderId, order);
  } else if (plan.kind === 'refund') {
    order = plan.order;
    refund = applyRefund(context, event, plan);
  } else if (plan.kind === 'cancel-unpaid') {
    order = cancelledUnpaid(event);
    context.orders.set(order.orderId, order);
    note = {
      zh: '订单在付款前取消,无积分变动',
      en: 'The order was cancelled before payment; nothing changes',
    };
  } else if (plan.kind === 'nothing') {
    order = event.orderId === null ? undefined : context.orders.get(event.orderId);
    note = plan.note;
  }
  return {
    eventId: facts.event.id,
    type: facts.event.type,
    memberId,
    occurredAt: facts.event.occurredAt.toISOString(),
    receivedAt: event.receivedAt.toISOString(),
    memberCreated: event.memberCreated,
    points: earned - (refund?.points ?? 0),
    growth: grown - (refund?.growth ?? 0),
    awards,
    misses: plan.evaluation.misses,
    order: order ? orderOutcome(order) : null,
    refund,
    note,
  };
}

/**
 * Points the program's expiry policy would expire before their pending period ends (a fixed date,
 * or a period end inside a return window) are not awarded; the rest of the event goes on.
 */
function dropAwardsDeadOnArrival(draft: LedgerDraft, evaluation: Evaluation): void {
  evaluation.awards = evaluation.awards.filter((award) => {
    if (award.points === 0) return true;
    const availableAt = new Date(draft.effectiveAt.getTime() + award.pendingDays * DAY_MS);
    const explicit = award.expiresInDays !== null ? awardExpiresAt({ draft }, award) : undefined;
    if (decideLotExpiry(draft, availableAt, explicit).ok) return true;
    evaluation.misses.push({
      ruleId: award.ruleId,
      version: award.version,
      why: {
        zh: '积分到账前就会过期,不予发放',
        en: 'the points would expire before they become available',
      },
    });
    return false;
  });
}

function evaluate(context: EventContext, event: PlannedEvent): Evaluation {
  const { facts } = event;
  const evaluation = evaluateRules(context.rules, facts, {
    currency: context.currency,
    usage: context.tracker.usageFor(event.memberKey, event.periods, facts.event.attributes),
  });
  // Rules for other event types are not news: keep the reasons of rules this type could trigger.
  const triggers = triggersOf(context.rules);
  // Tier multipliers are benefits, not operators' rules: a member not in the tier is no news either.
  evaluation.misses = evaluation.misses.filter(
    (miss) => triggers.get(miss.ruleId) === facts.event.type && !miss.ruleId.startsWith(TIER_RULE_PREFIX),
  );
  return evaluation;
}

/** Each rule's trigger by rule id, made once per rule set (a batch judges every event by one). */
const triggersByRules = new WeakMap<readonly CompiledRule[], ReadonlyMap<string, string>>();
function triggersOf(rules: readonly CompiledRule[]): ReadonlyMap<string, string> {
  let triggers = triggersByRules.get(rules);
  if (!triggers) {
    triggers = new Map(rules.map((rule) => [rule.ruleId, rule.definition.trigger]));
    triggersByRules.set(rules, triggers);
  }
  return triggers;
}

function memberIdOf(event: PlannedEvent): string {
  return event.memberId;
}

function iso(at: Date | null): string | null {
  return at ? at.toISOString() : null;
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

import type { EventInput } from '../events/event-input.ts';
import { DAY_MS } from '../shared/time-units.ts';
import type { Conversion } from './demo-money.ts';
import { MEMBER_DAY_WEEKDAY } from './demo-rules.ts';
import { ShiftedClock, weekdayOfEpochDay } from './demo-time.ts';
import { type BadRow, pounds, type RetailRow } from './retail-csv.ts';

/**
 * Rows → events, decided before anything is written (a pure function): each sale is an `order.paid`,
 * each cancellation one or more `order.refunded` of the customer's earlier orders, and some orders
 * get a review (a few twice). Event ids come from invoice numbers, so a second run sends the same
 * events and replays instead of doubling.
 */

export interface ReplayEvent {
  event: EventInput & { occurredAt: string };
  /** The CSV line it comes from (a review: its order's line). */
  line: number;
  kind: 'order' | 'refund' | 'review';
}

export interface ReplayPlan {
  events: ReplayEvent[];
  badRows: BadRow[];
  stats: {
    members: number;
    orders: number;
    /** Cancellation rows turned into refunds, and the refund events (one per order refunded). */
    cancellations: number;
    refunds: number;
    reviews: number;
    duplicateReviews: number;
  };
  /** A member worth looking at: several orders, a refund and a review. */
  showcaseMemberId: string | null;
}

export interface ReplayOptions {
  timezone: string;
  shiftDays: number;
  conversion: Conversion;
}

/** Roughly one order in seven is reviewed, and one review in ten is posted twice. */
const REVIEW_PERCENT = 15;
const DUPLICATE_REVIEW_PERCENT = 10;
const RATINGS = [5, 5, 5, 5, 4, 4, 4, 3, 2, 1];

interface OpenOrder {
  orderId: string;
  amountMinor: number;
  refundedMinor: number;
}

interface MemberTally {
  orders: number;
  refunds: number;
  reviews: number;
  duplicateReview: boolean;
  memberDayOrders: number;
}

export function planReplay(rows: readonly RetailRow[], options: ReplayOptions): ReplayPlan {
  const clock = new ShiftedClock(options.timezone, options.shiftDays);
  const { conversion } = options;
  const timed = rows
    .map((row) => ({ row, at: clock.instant(row.invoicedAt) }))
    .sort((a, b) => a.at.getTime() - b.at.getTime() || a.row.line - b.row.line);
  const end = timed.at(-1)?.at.getTime() ?? 0;

  const events: (ReplayEvent & { atMs: number; sequence: number })[] = [];
  const add = (event: Omit<ReplayEvent, 'event'> & { event: EventInput }, at: Date) =>
    events.push({
      ...event,
      event: { ...event.event, occurredAt: at.toISOString() },
      atMs: at.getTime(),
      sequence: events.length,
    });
  const badRows: BadRow[] = [];
  const openOrders = new Map<string, OpenOrder[]>();
  const tallies = new Map<string, MemberTally>();
  const tally = (memberId: string) => {
    let found = tallies.get(memberId);
    if (!found) {
      found = { orders: 0, refunds: 0, reviews: 0, duplicateReview: false, memberDayOrders: 0 };
      tallies.set(memberId, found);
    }
    return found;
  };
  const stats = { members: 0, orders: 0, cancellations: 0, refunds: 0, reviews: 0, duplicateReviews: 0 };

  for (const { row, at } of timed) {
    const memberId = row.customerId;
    const amountMinor = conversion.fromPence(row.amountPence);
    if (row.kind === 'sale') {
      add(
        {
          line: row.line,
          kind: 'order',
          event: {
            id: `demo-${row.invoiceNo}`,
            type: 'order.paid',
            memberId,
            attributes: {
              orderId: row.invoiceNo,
              amountMinor,
              currency: conversion.currency,
              channel: 'online',
              country: row.country,
              quantity: row.quantity,
              sourceAmountMinor: row.amountPence,
              sourceCurrency: 'GBP',
            },
          },
        },
        at,
      );
      const orders = openOrders.get(memberId) ?? [];
      orders.push({ orderId: row.invoiceNo, amountMinor, refundedMinor: 0 });
      openOrders.set(memberId, orders);
      stats.orders++;
      const member = tally(memberId);
      member.orders++;
      if (weekdayOfEpochDay(clock.localDay(row.invoicedAt)) === MEMBER_DAY_WEEKDAY) member.memberDayOrders++;
      planReviews(row, at, end, add, stats, member);
      continue;
    }
    const taken = refundFromLatest(openOrders.get(memberId) ?? [], amountMinor);
    if (taken.length === 0) {
      badRows.push({
        line: row.line,
        reason: 'refund_without_order',
        detail: `cancellation ${row.invoiceNo} of ${pounds(row.amountPence)}: customer ${memberId} has no earlier order with money left to refund`,
      });
      continue;
    }
    taken.forEach(({ orderId, refundMinor }, index) => {
      add(
        {
          line: row.line,
          kind: 'refund',
          event: {
            id: taken.length === 1 ? `demo-${row.invoiceNo}` : `demo-${row.invoiceNo}-${index + 1}`,
            type: 'order.refunded',
            memberId,
            attributes: { orderId, amountMinor: refundMinor, cancellation: row.invoiceNo },
          },
        },
        at,
      );
    });
    stats.cancellations++;
    stats.refunds += taken.length;
    tally(memberId).refunds++;
    const refunded = taken.reduce((sum, part) => sum + part.refundMinor, 0);
    if (refunded < amountMinor) {
      badRows.push({
        line: row.line,
        reason: 'refund_exceeds_orders',
        detail: `cancellation ${row.invoiceNo}: only ${Math.round((refunded / amountMinor) * 100)}% of ${pounds(row.amountPence)} refunded; customer ${memberId}'s earlier orders had no more left`,
      });
    }
  }
  stats.members = [...tallies.values()].filter((member) => member.orders > 0).length;
  events.sort((a, b) => a.atMs - b.atMs || a.sequence - b.sequence);
  return {
    events: events.map(({ atMs: _atMs, sequence: _sequence, ...event }) => event),
    badRows: badRows.sort((a, b) => a.line - b.line),
    stats,
    showcaseMemberId: showcase(tallies),
  };
}

/**
 * Which orders a cancellation refunds: the customer's most recent orders first, each up to what is
 * left of it, until the cancelled amount is covered or no order has anything left.
 */
export function refundFromLatest(
  orders: OpenOrder[],
  amountMinor: number,
): { orderId: string; refundMinor: number }[] {
  const taken: { orderId: string; refundMinor: number }[] = [];
  let left = amountMinor;
  for (let index = orders.length - 1; index >= 0 && left > 0; index--) {
    const order = orders[index]!;
    const refundMinor = Math.min(left, order.amountMinor - order.refundedMinor);
    if (refundMinor <= 0) continue;
    order.refundedMinor += refundMinor;
    left -= refundMinor;
    taken.push({ orderId: order.orderId, refundMinor });
  }
  return taken;
}

/** Synthetic reviews, decided by a hash of the invoice number: the same ones on every run. */
function planReviews(
  row: RetailRow,
  paidAt: Date,
  endMs: number,
  add: (event: Omit<ReplayEvent, 'event'> & { event: EventInput }, at: Date) => void,
  stats: ReplayPlan['stats'],
  member: MemberTally,
) {
  const hash = fnv1a(row.invoiceNo);
  if (hash % 100 >= REVIEW_PERCENT) return;
  // One to seven days after the order, at a whole minute; none after the data's last invoice.
  const delayMinutes = 24 * 60 + ((hash >>> 8) % (6 * 24 * 60));
  const postedAt = new Date(paidAt.getTime() + delayMinutes * 60_000);
  if (postedAt.getTime() > endMs) return;
  const review = (id: string, at: Date) =>
    add(
      {
        line: row.line,
        kind: 'review',
        event: {
          id,
          type: 'review.posted',
          memberId: row.customerId,
          attributes: { orderId: row.invoiceNo, rating: RATINGS[(hash >>> 16) % RATINGS.length]! },
        },
      },
      at,
    );
  review(`demo-review-${row.invoiceNo}`, postedAt);
  stats.reviews++;
  member.reviews++;
  const againAt = new Date(postedAt.getTime() + DAY_MS);
  if ((hash >>> 24) % 100 < DUPLICATE_REVIEW_PERCENT && againAt.getTime() <= endMs) {
    review(`demo-review-${row.invoiceNo}-2`, againAt);
    stats.duplicateReviews++;
    member.duplicateReview = true;
  }
}

/** A member to look at first: a handful of orders, a refund, a review (twice, ideally), a member day. */
function showcase(tallies: ReadonlyMap<string, MemberTally>): string | null {
  let best: { memberId: string; score: number } | null = null;
  for (const [memberId, member] of [...tallies].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (member.orders === 0) continue;
    const score =
      (member.orders >= 4 && member.orders <= 30 ? 8 : 0) +
      (member.refunds > 0 ? 4 : 0) +
      (member.reviews > 0 ? 2 : 0) +
      (member.duplicateReview ? 2 : 0) +
      (member.memberDayOrders > 0 ? 1 : 0);
    if (!best || score > best.score) best = { memberId, score };
  }
  return best?.memberId ?? null;
}

/** 32-bit FNV-1a: a small, stable hash (the same on every platform and run). */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventOutcome } from '../../src/events/event-outcome.ts';
import { outcomeFromStored, storedOutcome } from '../../src/events/stored-outcome.ts';

/** The compact form of `events.outcome` must give back exactly the outcome that was answered. */

const text = fc.string({ maxLength: 12 });
const reason = fc.record({ zh: text, en: text });
const iso = fc
  .integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) })
  .map((ms) => new Date(ms).toISOString());
const entryId = fc.constantFrom('ent_a', 'ent_b', 'ent_c', 'ent_d');
const award = fc.record({
  ruleId: text,
  version: fc.nat(9),
  points: fc.nat(10_000),
  growth: fc.nat(100),
  reason,
  pendingDays: fc.oneof(fc.constant(0), fc.nat(30)),
  multipliedBy: fc.array(
    fc.record({ ruleId: text, version: fc.nat(9), factor: fc.double({ min: 1, max: 5, noNaN: true }) }),
    {
      maxLength: 2,
    },
  ),
  limitedBy: fc.constantFrom(null, 'day', 'week', 'month', 'lifetime', 'budget'),
  onceKey: fc.option(text, { nil: null }),
  expiresAt: fc.option(iso, { nil: null }),
  entryIds: fc.uniqueArray(entryId, { maxLength: 2 }),
});
const order = fc.record({
  orderId: text,
  status: fc.constantFrom('paid', 'refunded', 'cancelled'),
  amountMinor: fc.nat(1_000_000),
  refundedMinor: fc.nat(1_000_000),
  points: fc.nat(10_000),
  growth: fc.nat(100),
  pointsRefunded: fc.nat(10_000),
  growthRefunded: fc.nat(100),
});
const refund = fc.record({
  amountMinor: fc.nat(1_000_000),
  points: fc.nat(10_000),
  growth: fc.nat(100),
  unrecoveredPoints: fc.nat(100),
  entryIds: fc.array(entryId, { maxLength: 2 }),
});
const outcome: fc.Arbitrary<EventOutcome> = fc.record({
  eventId: text,
  type: fc.constantFrom('order.paid', 'order.refunded', 'sign_in'),
  memberId: text,
  occurredAt: iso,
  receivedAt: iso,
  memberCreated: fc.boolean(),
  points: fc.integer({ min: -10_000, max: 10_000 }),
  growth: fc.integer({ min: -100, max: 100 }),
  awards: fc.array(award, { maxLength: 6 }),
  misses: fc.array(fc.record({ ruleId: text, version: fc.nat(9), why: reason }), { maxLength: 4 }),
  order: fc.option(order, { nil: null }),
  refund: fc.option(refund, { nil: null }),
  note: fc.option(reason, { nil: null }),
}) as fc.Arbitrary<EventOutcome>;

/** The row as PostgreSQL or PGlite hands it back: the stored JSON parsed, the columns beside it. */
function row(answered: EventOutcome, timesAsText: boolean) {
  const stored = JSON.parse(JSON.stringify(storedOutcome(answered)));
  const at = (iso: string) => (timesAsText ? iso.replace('Z', '+00:00') : new Date(iso));
  return {
    id: answered.eventId,
    type: answered.type,
    occurred_at: at(answered.occurredAt),
    received_at: at(answered.receivedAt),
    points: timesAsText ? String(answered.points) : answered.points,
    growth: answered.growth,
    outcome: stored,
  };
}

describe('the stored outcome', () => {
  it('reads back as exactly the outcome answered, whatever it holds', () => {
    fc.assert(
      fc.property(outcome, fc.boolean(), (generated, timesAsText) => {
        // As a plain object, the way an answer is built (fast-check's records have no prototype).
        const answered = JSON.parse(JSON.stringify(generated)) as EventOutcome;
        expect(outcomeFromStored(row(answered, timesAsText))).toStrictEqual(answered);
      }),
      { numRuns: 500 },
    );
  });

  it('writes an entry id several awards share once, and leaves usual values out', () => {
    const answered = {
      eventId: 'e1',
      type: 'order.paid',
      memberId: 'm1',
      occurredAt: '2026-12-07T01:00:00.000Z',
      receivedAt: '2026-12-07T01:00:01.000Z',
      memberCreated: false,
      points: 30,
      growth: 0,
      awards: [1, 2].map((n) => ({
        ruleId: `rul_${n}`,
        version: 1,
        points: 15,
        growth: 0,
        reason: { zh: '消费', en: 'Spent' },
        pendingDays: 0,
        multipliedBy: [],
        limitedBy: null,
        onceKey: null,
        expiresAt: null,
        entryIds: ['ent_x'],
      })),
      misses: [],
      order: null,
      refund: null,
      note: null,
    } satisfies EventOutcome;
    expect(storedOutcome(answered)).toEqual({
      v: 2,
      m: 'm1',
      a: [
        ['rul_1', 1, 15, 0, '消费', 'Spent', [0]],
        ['rul_2', 1, 15, 0, '消费', 'Spent', [0]],
      ],
      e: ['ent_x'],
    });
  });

  it('reads a row written before the compact form (the outcome itself) as it is', () => {
    const answered = fc.sample(outcome, { numRuns: 1, seed: 7 })[0]!;
    const legacy = { ...row(answered, false), outcome: answered };
    expect(outcomeFromStored(legacy)).toBe(answered);
  });
});

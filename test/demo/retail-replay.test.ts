import { describe, expect, test } from 'vitest';
import { conversionTo } from '../../src/demo/demo-money.ts';
import { epochDay } from '../../src/demo/demo-time.ts';
import { weeks } from '../../src/demo/load-demo.ts';
import { parseRetailCsv } from '../../src/demo/retail-csv.ts';
import { planReplay, refundFromLatest } from '../../src/demo/retail-replay.ts';
import { FIXTURE_BAD_ROWS, FIXTURE_CSV } from './demo-fixture.ts';

const HEADER = 'InvoiceNo,InvoiceDate,CustomerID,Country,Quantity,UnitPrice';
const CNY = conversionTo('CNY')!;
/** 2011-12-09 → 2026-03-19. */
const SHIFT_DAYS = epochDay({ year: 2026, month: 3, day: 19 }) - epochDay({ year: 2011, month: 12, day: 9 });

function plan(csv: string, shiftDays = SHIFT_DAYS) {
  return planReplay(parseRetailCsv(csv).rows, { timezone: 'Asia/Shanghai', shiftDays, conversion: CNY });
}

describe('cancellations become refunds of the customer’s earlier orders', () => {
  test('most recent order first, each up to what is left of it, spanning orders when needed', () => {
    const orders = [
      { orderId: 'o1', amountMinor: 1_000, refundedMinor: 0 },
      { orderId: 'o2', amountMinor: 500, refundedMinor: 200 },
      { orderId: 'o3', amountMinor: 300, refundedMinor: 300 },
    ];
    expect(refundFromLatest(orders, 400)).toEqual([
      { orderId: 'o2', refundMinor: 300 },
      { orderId: 'o1', refundMinor: 100 },
    ]);
    expect(orders.map((order) => order.refundedMinor)).toEqual([100, 500, 300]);
    // What is left: 900 of o1; asking for more takes all of it and says so by falling short.
    expect(refundFromLatest(orders, 5_000)).toEqual([{ orderId: 'o1', refundMinor: 900 }]);
    expect(refundFromLatest(orders, 1)).toEqual([]);
  });

  test('one order refunded: one event named after the cancellation; several: numbered', () => {
    const { events, badRows } = plan(
      `${HEADER}
100,6/1/2011 10:00,7,United Kingdom,4,10.00
101,6/2/2011 10:00,7,United Kingdom,2,5.00
C102,6/3/2011 9:00,7,United Kingdom,-1,5.00
C103,6/4/2011 9:00,7,United Kingdom,-3,5.00
`,
    );
    expect(badRows).toEqual([]);
    const refunds = events.filter((event) => event.kind === 'refund').map(({ event, line }) => [event, line]);
    expect(refunds).toEqual([
      // £5 = ¥47.50 of the latest order, 101.
      [
        expect.objectContaining({
          id: 'demo-C102',
          attributes: { orderId: '101', amountMinor: 4_750, cancellation: 'C102' },
        }),
        4,
      ],
      // £15 = ¥142.50: the ¥47.50 left of 101, then ¥95 of 100.
      [
        expect.objectContaining({
          id: 'demo-C103-1',
          attributes: { orderId: '101', amountMinor: 4_750, cancellation: 'C103' },
        }),
        5,
      ],
      [
        expect.objectContaining({
          id: 'demo-C103-2',
          attributes: { orderId: '100', amountMinor: 9_500, cancellation: 'C103' },
        }),
        5,
      ],
    ]);
  });

  test('a cancellation before any order, or larger than what is left, is reported with its line', () => {
    const { events, badRows, stats } = plan(
      `${HEADER}
C200,6/1/2011 9:00,8,United Kingdom,-1,5.00
201,6/1/2011 10:00,8,United Kingdom,1,10.00
C202,6/2/2011 10:00,8,United Kingdom,-1,30.00
C203,6/3/2011 10:00,8,United Kingdom,-1,1.00
C204,6/3/2011 10:00,9,United Kingdom,-1,1.00
`,
    );
    expect(badRows).toEqual([
      {
        line: 2,
        reason: 'refund_without_order',
        detail: 'cancellation C200 of £5.00: customer 8 has no earlier order with money left to refund',
      },
      {
        line: 4,
        reason: 'refund_exceeds_orders',
        detail:
          "cancellation C202: only 33% of £30.00 refunded; customer 8's earlier orders had no more left",
      },
      expect.objectContaining({ line: 5, reason: 'refund_without_order' }),
      expect.objectContaining({ line: 6, reason: 'refund_without_order' }),
    ]);
    expect(events.filter((event) => event.kind === 'refund').map(({ event }) => event.id)).toEqual([
      'demo-C202',
    ]);
    expect(stats).toMatchObject({ orders: 1, cancellations: 1, refunds: 1 });
  });

  test('a refund refers to an earlier order, never a later one', () => {
    const { events, badRows } = plan(
      `${HEADER}
C300,6/1/2011 10:00,5,United Kingdom,-1,5.00
301,6/1/2011 10:01,5,United Kingdom,1,10.00
`,
    );
    expect(badRows.map((row) => row.reason)).toEqual(['refund_without_order']);
    expect(events.map(({ event }) => event.id)).toEqual(['demo-301']);
  });
});

describe('the replay plan of the fixture', () => {
  const replay = plan(FIXTURE_CSV);

  test('dates move so the last day is yesterday, keeping the time of day in the program timezone', () => {
    const last = replay.events.filter((event) => event.kind === 'order').at(-1)!;
    expect(last.event).toMatchObject({ id: 'demo-536503', occurredAt: '2026-03-19T01:00:00.000Z' });
    expect(replay.events[0]!.event).toMatchObject({
      id: 'demo-536504',
      type: 'order.paid',
      memberId: '12346',
      occurredAt: '2025-03-11T00:26:00.000Z',
      attributes: {
        orderId: '536504',
        amountMinor: 9_500,
        currency: 'CNY',
        channel: 'online',
        country: 'United Kingdom',
        quantity: 1,
        sourceAmountMinor: 1_000,
        sourceCurrency: 'GBP',
      },
    });
    const times = replay.events.map(({ event }) => event.occurredAt);
    expect(times).toEqual([...times].sort());
  });

  test('reviews are chosen by the invoice number: the same ones every run, one of them twice', () => {
    const reviews = replay.events.filter((event) => event.kind === 'review');
    expect(reviews.map(({ event }) => [event.id, event.attributes?.orderId])).toEqual([
      ['demo-review-536500', '536500'],
      ['demo-review-536721', '536721'],
      ['demo-review-536721-2', '536721'],
    ]);
    const [first, again] = reviews.slice(1).map(({ event }) => Date.parse(event.occurredAt));
    expect(again! - first!).toBe(86_400_000);
    expect(replay.stats).toEqual({
      members: 6,
      orders: 8,
      cancellations: 2,
      refunds: 3,
      reviews: 2,
      duplicateReviews: 1,
    });
    expect(plan(FIXTURE_CSV)).toEqual(replay);
  });

  test('refund-level bad rows complete the report; the showcase member has a refund and reviews', () => {
    expect(replay.badRows.map(({ line, reason }) => ({ line, reason }))).toEqual(
      FIXTURE_BAD_ROWS.filter((row) => row.reason.startsWith('refund_')),
    );
    expect(replay.showcaseMemberId).toBe('17850');
  });

  test('the replay goes a local week (Monday to Sunday) at a time, in time order', () => {
    const byWeek = [...weeks(replay.events, 'Asia/Shanghai')].map((week) =>
      week.map(({ event }) => event.id),
    );
    expect(byWeek[0]).toEqual(['demo-536504']);
    // 2011-06-02 (536501, 536508) and the rest of that week go together.
    expect(byWeek.some((week) => week.includes('demo-536501') && week.includes('demo-536508'))).toBe(true);
    expect(byWeek.flat()).toEqual(replay.events.map(({ event }) => event.id));
    for (const week of [...weeks(replay.events, 'Asia/Shanghai')]) {
      const spanMs = Date.parse(week.at(-1)!.event.occurredAt) - Date.parse(week[0]!.event.occurredAt);
      expect(spanMs).toBeLessThan(7 * 86_400_000);
    }
  });
});

/**
 * A small invoices file for the demo's tests: a handful of customers whose points can be worked out by
 * hand, and one row of each kind of mess the real file has. At £1 = ¥9.50 and 1 point per ¥1:
 *
 * - 17850: 536500 £40 (380 pending points + 500 first-order bonus); 536501 £10 on a Thursday, which
 *   the shift to "yesterday = 2026-03-19" makes a Wednesday (member day: 95 × 2 = 190); C536502
 *   £14 = ¥133 refunds all of 536501 (¥95, 190 points) and ¥38 of 536500 (10%: 88 points, 38
 *   growth); 536721 £20 (190). The demo's hash reviews 536500 once and 536721 twice (the second
 *   earns nothing). Left: 792 + 190 + 190 − 190 + 200 → 1,182 points, growth 532.
 * - 13047: 536503 £100 on the last day: 950 points still pending, 500 bonus available.
 * - 12346: 536504 £10 on the first day, a year and a week ago: all 595 points have expired.
 * - 14000: invoice 536505 split over two rows a minute apart (merged: £20 → 190 + 500); the same
 *   invoice number for another customer is a bad row.
 * - 16000: first order on the member day: 95 × 2 = 190, and the bonus, capped at 500: 690.
 * - 16100: 536509 £10 (95 + 500), then C536510 cancels £15: the ¥95 is refunded (595 points back)
 *   and the rest is reported.
 * - 15000: a cancellation with no order before it.
 */
export const FIXTURE_CSV = `InvoiceNo,InvoiceDate,CustomerID,Country,Quantity,UnitPrice
536504,12/1/2010 8:26,12346,United Kingdom,1,10.00
536500,6/1/2011 10:00,17850,United Kingdom,4,10.00
536501,6/2/2011 11:00,17850,United Kingdom,2,5.00
536508,6/2/2011 12:00,16000,France,1,10.00
C536502,6/3/2011 9:00,17850,United Kingdom,-7,2.00
536511,6/5/2011 10:00,(blank),United Kingdom,5,1.00
536512,6/5/2011 10:05,17850,United Kingdom,-5,1.00
536513,6/5/2011 10:10,17850,United Kingdom,5,0
536514,6/5/2011 10:15,17850,United Kingdom,80995,2.08
C536515,6/5/2011 10:27,17850,United Kingdom,-80995,2.08
A536516,6/5/2011 10:30,(blank),United Kingdom,1,11062.06
536517,2011-06-05 10:00,17850,United Kingdom,1,1.00
536518,6/5/2011 10:00,17850,1,1.00
536519,6/5/2011 10:00,17850,United Kingdom,1,-1.00
C536520,6/5/2011 10:00,17850,United Kingdom,1,1.00
536505,7/1/2011 10:00,14000,"Korea, Republic of",3,5.00
536505,7/1/2011 10:01,14000,"Korea, Republic of",1,5.00
536505,7/1/2011 10:02,14001,United Kingdom,1,5.00
C536507,7/2/2011 10:00,15000,United Kingdom,-1,3.00
536721,8/1/2011 10:00,17850,United Kingdom,1,20.00
536509,8/1/2011 10:00,16100,United Kingdom,1,10.00
C536510,8/2/2011 10:00,16100,United Kingdom,-1,15.00
536503,12/9/2011 9:00,13047,United Kingdom,10,10.00
`;

/** When the tests run the demo: 10:00 on 2026-03-20 in Shanghai, so "yesterday" is 2026-03-19. */
export const FIXTURE_NOW = '2026-03-20T02:00:00Z';

export const FIXTURE_BAD_ROWS = [
  { line: 7, reason: 'missing_customer' },
  { line: 8, reason: 'negative_quantity' },
  { line: 9, reason: 'zero_amount' },
  { line: 10, reason: 'absurd_amount' },
  { line: 11, reason: 'absurd_amount' },
  { line: 12, reason: 'not_a_sale' },
  { line: 13, reason: 'malformed' },
  { line: 14, reason: 'malformed' },
  { line: 15, reason: 'negative_price' },
  { line: 16, reason: 'positive_cancellation' },
  { line: 19, reason: 'duplicate_invoice' },
  { line: 20, reason: 'refund_without_order' },
  { line: 23, reason: 'refund_exceeds_orders' },
];

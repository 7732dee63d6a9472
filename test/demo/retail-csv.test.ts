import { describe, expect, test } from 'vitest';
import { conversionTo } from '../../src/demo/demo-money.ts';
import { parseRetailCsv, RetailCsvError, splitCsvLine } from '../../src/demo/retail-csv.ts';
import { FIXTURE_BAD_ROWS, FIXTURE_CSV } from './demo-fixture.ts';

const HEADER = 'InvoiceNo,InvoiceDate,CustomerID,Country,Quantity,UnitPrice';

describe('parsing the invoices file', () => {
  test('a sale and a cancellation become typed rows, amounts exact in pence', () => {
    const { rows, badRows } = parseRetailCsv(
      `${HEADER}\n536367,12/1/2010 8:34,13047,United Kingdom,83,4.8533\r\nC536379,12/1/2010 9:41,14527,United Kingdom,-1,27.5\n`,
    );
    expect(badRows).toEqual([]);
    expect(rows).toEqual([
      {
        line: 2,
        invoiceNo: '536367',
        kind: 'sale',
        invoicedAt: { year: 2010, month: 12, day: 1, hour: 8, minute: 34 },
        customerId: '13047',
        country: 'United Kingdom',
        quantity: 83,
        // 83 × £4.8533 = £402.8239, rounded half up to the penny.
        amountPence: 40_282,
      },
      expect.objectContaining({ line: 3, kind: 'cancellation', quantity: -1, amountPence: 2_750 }),
    ]);
  });

  test('columns are found by name, in any order; quoted fields may hold commas', () => {
    const { rows } = parseRetailCsv(
      'Country,UnitPrice,Quantity,CustomerID,InvoiceDate,InvoiceNo\n"Korea, Republic of",0.5,3,12583,1/2/2011 10:05,540001\n',
    );
    expect(rows).toMatchObject([
      { invoiceNo: '540001', country: 'Korea, Republic of', amountPence: 150, customerId: '12583' },
    ]);
    expect(splitCsvLine('a,"b ""c"", d",e')).toEqual(['a', 'b "c", d', 'e']);
  });

  test('a file without the columns is refused as a whole, naming what is missing', () => {
    expect(() => parseRetailCsv('Invoice,Date\n1,2\n')).toThrow(RetailCsvError);
    expect(() => parseRetailCsv('InvoiceNo,InvoiceDate,CustomerID,Country,Quantity\n')).toThrow(
      /missing UnitPrice/,
    );
  });

  test('every kind of bad row is reported with its line and why; the good rows still load', () => {
    const { rows, badRows, mergedRows } = parseRetailCsv(FIXTURE_CSV);
    // Refund problems are found later, when cancellations meet orders (retail-replay).
    const parseLevel = FIXTURE_BAD_ROWS.filter((row) => !row.reason.startsWith('refund_'));
    expect(badRows.map(({ line, reason }) => ({ line, reason }))).toEqual(parseLevel);
    expect(rows.map((row) => row.invoiceNo)).toEqual([
      '536504',
      '536500',
      '536501',
      '536508',
      'C536502',
      '536505',
      'C536507',
      '536721',
      '536509',
      'C536510',
      '536503',
    ]);
    expect(mergedRows).toBe(1);
    const details = Object.fromEntries(badRows.map((row) => [row.line, row.detail]));
    expect(details[7]).toBe('invoice 536511 has no customer ("(blank)")');
    expect(details[10]).toBe('invoice 536514 comes to £168,469.60 (80995 × £2.08), above £100,000.00');
    expect(details[13]).toBe('InvoiceDate "2011-06-05 10:00" is not M/D/YYYY H:MM');
    expect(details[14]).toBe('5 fields where the header has 6');
    expect(details[19]).toBe('invoice 536505 is already on line 17, for customer 14000');
  });

  test('an invoice split over two rows a minute apart is one order, dated when it began', () => {
    const { rows, mergedRows } = parseRetailCsv(
      `${HEADER}\n536591,12/1/2010 16:58,14606,United Kingdom,12,3.89\n536591,12/1/2010 16:57,14606,United Kingdom,81,2.7826\n`,
    );
    expect(mergedRows).toBe(1);
    // £46.68 + £225.3906 → 4,668 + 22,539 pence.
    expect(rows).toMatchObject([
      { line: 2, quantity: 93, amountPence: 27_207, invoicedAt: { hour: 16, minute: 57 } },
    ]);
  });

  test('impossible dates and non-numbers are malformed, not guessed at', () => {
    const { badRows } = parseRetailCsv(
      `${HEADER}\n1,2/30/2011 10:00,1,UK,1,1\n2,2/3/2011 24:00,1,UK,1,1\n3,2/3/2011 10:00,1,UK,1.5,1\n4,2/3/2011 10:00,1,UK,1,1.23456\n`,
    );
    expect(badRows.map((row) => [row.line, row.reason])).toEqual([
      [2, 'malformed'],
      [3, 'malformed'],
      [4, 'malformed'],
      [5, 'malformed'],
    ]);
  });
});

describe('pounds in the program currency', () => {
  test('fixed rates, rounded half up to the minor unit', () => {
    expect(conversionTo('CNY')!.fromPence(4_000)).toBe(38_000);
    // £0.01 = ¥0.095 → 10 fen (half up).
    expect(conversionTo('CNY')!.fromPence(1)).toBe(10);
    expect(conversionTo('GBP')!.fromPence(12_345)).toBe(12_345);
    // JPY has no minor unit: £10 = ¥2,000.
    expect(conversionTo('JPY')!.fromPence(1_000)).toBe(2_000);
    expect(conversionTo('XYZ')).toBeNull();
  });
});

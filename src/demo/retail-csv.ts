/**
 * The demo's data: invoices of a UK online gift retailer (`../shared/data/README.md`), one row per
 * invoice with InvoiceNo, InvoiceDate (M/D/YYYY H:MM), CustomerID, Country, Quantity and UnitPrice
 * (GBP). Parsing turns each line into a typed row or a bad-row report naming the line and why: real
 * data is messy, and a bad row is reported, never fatal.
 */

/**
 * Above this an invoice is taken for a data-entry mistake, not a sale: no genuine invoice in the data
 * comes near it (the largest are about £65,000 of wholesale goods). The one above, 80,995 units of
 * one item for £168,469.60, was cancelled 12 minutes later, and its cancellation goes with it.
 */
export const MAX_INVOICE_PENCE = 10_000_000;

export const REQUIRED_COLUMNS = [
  'InvoiceNo',
  'InvoiceDate',
  'CustomerID',
  'Country',
  'Quantity',
  'UnitPrice',
] as const;

export type BadRowReason =
  | 'malformed'
  | 'duplicate_invoice'
  | 'not_a_sale'
  | 'missing_customer'
  | 'negative_quantity'
  | 'positive_cancellation'
  | 'negative_price'
  | 'zero_amount'
  | 'absurd_amount'
  | 'refund_without_order'
  | 'refund_exceeds_orders'
  | 'event_refused';

export interface BadRow {
  line: number;
  reason: BadRowReason;
  detail: string;
}

/** The local wall-clock time an invoice was made, as written (no timezone in the data). */
export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

export interface RetailRow {
  /** Line in the file, 1 = the header. */
  line: number;
  invoiceNo: string;
  kind: 'sale' | 'cancellation';
  invoicedAt: LocalDateTime;
  customerId: string;
  country: string;
  quantity: number;
  /** |quantity × unit price| in pence, rounded half up. */
  amountPence: number;
}

export interface ParsedRetailCsv {
  rows: RetailRow[];
  badRows: BadRow[];
  /** Rows that continue an invoice begun on an earlier row (the data splits a few across minutes). */
  mergedRows: number;
}

/** The file itself is not the invoices file (no header, or columns missing). */
export class RetailCsvError extends Error {}

export function parseRetailCsv(text: string): ParsedRetailCsv {
  const lines = text.split(/\r?\n/);
  const header = splitCsvLine(lines[0] ?? '').map((name) => name.trim());
  const missing = REQUIRED_COLUMNS.filter((name) => !header.includes(name));
  if (missing.length > 0) {
    throw new RetailCsvError(
      `the first line must name the columns ${REQUIRED_COLUMNS.join(', ')}; missing ${missing.join(', ')}`,
    );
  }
  const column = Object.fromEntries(REQUIRED_COLUMNS.map((name) => [name, header.indexOf(name)])) as Record<
    (typeof REQUIRED_COLUMNS)[number],
    number
  >;
  const rows: RetailRow[] = [];
  const badRows: BadRow[] = [];
  const seen = new Map<string, RetailRow>();
  let mergedRows = 0;
  lines.forEach((text, index) => {
    if (index === 0 || text.trim() === '') return;
    const line = index + 1;
    const fields = splitCsvLine(text);
    if (fields.length !== header.length) {
      badRows.push({
        line,
        reason: 'malformed',
        detail: `${fields.length} fields where the header has ${header.length}`,
      });
      return;
    }
    const field = (name: (typeof REQUIRED_COLUMNS)[number]) => fields[column[name]]!.trim();
    const result = parseRow(line, {
      invoiceNo: field('InvoiceNo'),
      invoiceDate: field('InvoiceDate'),
      customerId: field('CustomerID'),
      country: field('Country'),
      quantity: field('Quantity'),
      unitPrice: field('UnitPrice'),
    });
    if ('reason' in result) {
      badRows.push(result);
      return;
    }
    const earlier = seen.get(result.invoiceNo);
    if (earlier === undefined) {
      seen.set(result.invoiceNo, result);
      rows.push(result);
      return;
    }
    const problem = continuationProblem(earlier, result);
    if (problem) {
      badRows.push({ line, reason: problem.reason, detail: problem.detail });
      return;
    }
    // The same invoice a minute apart: one order, dated when it began.
    if (minutesOf(result.invoicedAt) < minutesOf(earlier.invoicedAt)) earlier.invoicedAt = result.invoicedAt;
    earlier.quantity += result.quantity;
    earlier.amountPence += result.amountPence;
    mergedRows++;
  });
  return { rows, badRows, mergedRows };
}

/** Why a second row of an invoice cannot be part of the first, or null when it can. */
function continuationProblem(first: RetailRow, next: RetailRow): Omit<BadRow, 'line'> | null {
  if (first.customerId !== next.customerId) {
    return {
      reason: 'duplicate_invoice',
      detail: `invoice ${next.invoiceNo} is already on line ${first.line}, for customer ${first.customerId}`,
    };
  }
  if (first.amountPence + next.amountPence > MAX_INVOICE_PENCE) {
    return {
      reason: 'absurd_amount',
      detail: `invoice ${next.invoiceNo} with line ${first.line} comes to ${pounds(first.amountPence + next.amountPence)}, above ${pounds(MAX_INVOICE_PENCE)}`,
    };
  }
  return null;
}

interface RawRow {
  invoiceNo: string;
  invoiceDate: string;
  customerId: string;
  country: string;
  quantity: string;
  unitPrice: string;
}

/** One row's checks, in the order a reader would name the problem. */
export function parseRow(line: number, raw: RawRow): RetailRow | BadRow {
  const bad = (reason: BadRowReason, detail: string): BadRow => ({ line, reason, detail });
  const invoicedAt = parseInvoiceDate(raw.invoiceDate);
  if (!invoicedAt) return bad('malformed', `InvoiceDate "${raw.invoiceDate}" is not M/D/YYYY H:MM`);
  if (!/^-?\d+$/.test(raw.quantity))
    return bad('malformed', `Quantity "${raw.quantity}" is not a whole number`);
  const priceE4 = parseDecimalE4(raw.unitPrice);
  if (priceE4 === null) return bad('malformed', `UnitPrice "${raw.unitPrice}" is not a decimal number`);
  const match = /^(C?)(\d+)$/.exec(raw.invoiceNo);
  if (!match) {
    return bad('not_a_sale', `invoice "${raw.invoiceNo}" is neither a sale nor a cancellation (C...)`);
  }
  if (raw.customerId === '' || !/^[A-Za-z0-9_-]+$/.test(raw.customerId)) {
    return bad('missing_customer', `invoice ${raw.invoiceNo} has no customer ("${raw.customerId}")`);
  }
  const kind = match[1] === 'C' ? 'cancellation' : 'sale';
  const quantity = Number(raw.quantity);
  if (kind === 'sale' && quantity < 0) {
    return bad('negative_quantity', `sale ${raw.invoiceNo} has quantity ${quantity}`);
  }
  if (kind === 'cancellation' && quantity > 0) {
    return bad('positive_cancellation', `cancellation ${raw.invoiceNo} has quantity ${quantity}`);
  }
  if (priceE4 < 0) return bad('negative_price', `invoice ${raw.invoiceNo} has unit price ${raw.unitPrice}`);
  // Pence = quantity × price in ten-thousandths of a pound / 100, rounded half up, in integers.
  const amountPence = Math.floor((Math.abs(quantity) * priceE4 + 50) / 100);
  if (amountPence === 0) {
    return bad('zero_amount', `invoice ${raw.invoiceNo} comes to £0.00 (${quantity} × £${raw.unitPrice})`);
  }
  if (amountPence > MAX_INVOICE_PENCE) {
    return bad(
      'absurd_amount',
      `invoice ${raw.invoiceNo} comes to ${pounds(amountPence)} (${quantity} × £${raw.unitPrice}), above ${pounds(MAX_INVOICE_PENCE)}`,
    );
  }
  return {
    line,
    invoiceNo: raw.invoiceNo,
    kind,
    invoicedAt,
    customerId: raw.customerId,
    country: raw.country,
    quantity,
    amountPence,
  };
}

export function pounds(pence: number): string {
  return `£${(pence / 100).toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

function minutesOf(at: LocalDateTime): number {
  return Date.UTC(at.year, at.month - 1, at.day, at.hour, at.minute) / 60_000;
}

function parseInvoiceDate(text: string): LocalDateTime | null {
  const match = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2})$/.exec(text);
  if (!match) return null;
  const [month, day, year, hour, minute] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59)
    return null;
  return { year, month, day, hour, minute };
}

/** "4.8533" → 48533: a price in ten-thousandths, exactly (no binary float on the way). */
function parseDecimalE4(text: string): number | null {
  const match = /^(-?)(\d+)(?:\.(\d{1,4}))?$/.exec(text);
  if (!match) return null;
  const value = Number(match[2]) * 10_000 + Number((match[3] ?? '').padEnd(4, '0'));
  return match[1] === '-' ? -value : value;
}

/** One CSV line: commas, and double quotes around fields that hold commas or quotes ("" = "). */
export function splitCsvLine(text: string): string[] {
  if (!text.includes('"')) return text.split(',');
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        field += '"';
        index++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      fields.push(field);
      field = '';
    } else field += char;
  }
  fields.push(field);
  return fields;
}

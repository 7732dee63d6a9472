// The generated load, drawn from the real retail invoices in ../shared/data beside the repository (or --csv):
// member ids are the retail customer ids (replicated with a suffix for more members), credit amounts
// are the invoice amounts (Quantity × UnitPrice, 1 point per GBP, rounded, at least 1).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export type Distribution = 'uniform' | 'zipfian' | 'retail';

export const DEFAULT_CSV_CANDIDATES = [
  // The repository's sibling shared/ folder (as laid out for development and CI).
  fileURLToPath(new URL('../../shared/data/uci-online-retail-invoices.csv', import.meta.url)),
];

export interface Invoice {
  invoiceNo: string;
  /** Index into RetailData.customers. */
  customer: number;
  points: number;
  /** The amount in pence (Quantity × UnitPrice, rounded). */
  amountMinor: number;
  /** InvoiceDate (M/D/YYYY H:MM, read as UTC) in ISO form. */
  at: string;
}

export interface RetailData {
  path: string;
  /** Distinct customer ids, in order of first appearance. */
  customers: string[];
  /** Positive invoices of known customers (cancellations, guest orders, non-positive amounts skipped), in file (time) order. */
  invoices: Invoice[];
  skipped: number;
}

export function findRetailCsv(explicit?: string): string {
  const candidates = explicit ? [explicit] : DEFAULT_CSV_CANDIDATES;
  const found = candidates.find((path) => existsSync(path));
  if (!found) throw new Error(`retail CSV not found (tried ${candidates.join(', ')}); pass --csv PATH`);
  return found;
}

export function loadRetail(path: string): RetailData {
  const lines = readFileSync(path, 'utf8').split(/\r?\n/);
  const header = lines[0]?.split(',') ?? [];
  const col = (name: string) => {
    const index = header.indexOf(name);
    if (index < 0) throw new Error(`${path}: no column ${name}`);
    return index;
  };
  const [iNo, iDate, iCustomer, iQuantity, iPrice] = [
    col('InvoiceNo'),
    col('InvoiceDate'),
    col('CustomerID'),
    col('Quantity'),
    col('UnitPrice'),
  ];
  const customerIndex = new Map<string, number>();
  const customers: string[] = [];
  const invoices: Invoice[] = [];
  let skipped = 0;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (!line) continue;
    const fields = line.split(',');
    const invoiceNo = fields[iNo] ?? '';
    const customerId = (fields[iCustomer] ?? '').trim();
    const amount = Number(fields[iQuantity]) * Number(fields[iPrice]);
    // Guest orders have CustomerID "(blank)": no member to credit.
    const guest = !/^[A-Za-z0-9_.:@+-]+$/.test(customerId);
    if (guest || invoiceNo.startsWith('C') || !Number.isFinite(amount) || amount <= 0) {
      skipped++;
      continue;
    }
    let customer = customerIndex.get(customerId);
    if (customer === undefined) {
      customer = customers.length;
      customers.push(customerId);
      customerIndex.set(customerId, customer);
    }
    invoices.push({
      invoiceNo,
      customer,
      points: Math.max(1, Math.round(amount)),
      amountMinor: Math.max(1, Math.round(amount * 100)),
      at: isoOf(fields[iDate] ?? ''),
    });
  }
  if (invoices.length === 0) throw new Error(`${path}: no usable invoices`);
  return { path, customers, invoices, skipped };
}

/** "12/1/2010 8:26" → "2010-12-01T08:26:00.000Z" (an unreadable date becomes the epoch). */
function isoOf(text: string): string {
  const match = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2})$/.exec(text.trim());
  if (!match) return new Date(0).toISOString();
  const [, month, day, year, hour, minute] = match.map(Number) as number[];
  return new Date(Date.UTC(year!, month! - 1, day!, hour!, minute!)).toISOString();
}

/** Member k: the k-th retail customer, replicated as `c<id>.r<n>` beyond the real customer count. */
export function memberIdOf(data: RetailData, k: number): string {
  const count = data.customers.length;
  const base = `c${data.customers[k % count]}`;
  return k < count ? base : `${base}.r${Math.floor(k / count)}`;
}

/** mulberry32: a small, fast, seedable PRNG, so every run draws the same load. */
export function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Zipfian over [0, n): rank 0 is the hottest. Exponent 0.99, as YCSB. */
function zipfSampler(n: number, random: () => number, exponent = 0.99): () => number {
  const cdf = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    total += 1 / (i + 1) ** exponent;
    cdf[i] = total;
  }
  return () => {
    const target = random() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid]! < target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

export interface WorkloadOptions {
  members: number;
  distribution: Distribution;
  /** Share of operations sent to the hot members (0..1), TigerBeetle's transfer_hot_percent. */
  hotShare: number;
  /** The hot members are members 0..hotMembers-1. */
  hotMembers: number;
  seed: number;
}

export interface Draw {
  member: number;
  points: number;
  amountMinor: number;
  invoiceNo: string;
}

/** An endless, deterministic stream of (member, points) draws. Single-threaded: no locking needed. */
export class Workload {
  private readonly random: () => number;
  private readonly pickAll: () => number;
  private readonly pickHot: () => number;
  private cursor: number;

  constructor(
    readonly data: RetailData,
    readonly options: WorkloadOptions,
  ) {
    this.random = rng(options.seed);
    const n = options.members;
    const hot = Math.max(1, Math.min(options.hotMembers, n));
    const uniform = (size: number) => () => Math.floor(this.random() * size);
    if (options.distribution === 'zipfian') {
      this.pickAll = zipfSampler(n, this.random);
      this.pickHot = zipfSampler(hot, this.random);
    } else {
      this.pickAll = uniform(n);
      this.pickHot = uniform(hot);
    }
    this.cursor = Math.floor(this.random() * data.invoices.length);
  }

  /** A uniform draw in [0, 1) from the same seeded stream. */
  roll(): number {
    return this.random();
  }

  memberId(k: number): string {
    return memberIdOf(this.data, k);
  }

  next(): Draw {
    const { data, options } = this;
    const invoice = data.invoices[this.cursor++ % data.invoices.length]!;
    let member: number;
    if (options.hotShare > 0 && this.random() < options.hotShare) member = this.pickHot();
    else if (options.distribution === 'retail') {
      // The invoice's own customer; a replica of it chosen uniformly when there are more members.
      const count = data.customers.length;
      const replicas = Math.max(1, Math.ceil((options.members - invoice.customer) / count));
      member = invoice.customer + count * Math.floor(this.random() * replicas);
      if (member >= options.members) member = this.pickAll();
    } else member = this.pickAll();
    return { member, points: invoice.points, amountMinor: invoice.amountMinor, invoiceNo: invoice.invoiceNo };
  }
}

import type { Queryable } from '../db/database.ts';
import { type ColumnSums, journalSums } from '../ledger/journal-queries.ts';
import type { ContraAccount } from '../ledger/ledger-types.ts';
import type { JournalRange } from './journal-export.ts';

/**
 * What each account of the journal held before a range, what moved within it and what it held at
 * its end (docs/metrics.md, "Trial balance" has the definitions and the sign convention).
 *
 * Amounts keep the journal's sign: a posting adds to its account. A member account grows with
 * points given to members, so it normally has a positive balance: a credit balance, what the
 * program owes (its liability). The system accounts are the other side of every entry. Credits are
 * the positive postings, debits the negative ones (as a positive figure); closing = opening +
 * credits − debits. Per unit (points, growth value) the accounts' balances sum to zero and debits
 * equal credits: every entry's postings do.
 */
export interface AccountTotal {
  account: string;
  unit: 'points' | 'growth';
  opening: number;
  debits: number;
  credits: number;
  closing: number;
}

export interface JournalTotals {
  from: string;
  to: string;
  /** Entries that count from within [from, to): the lines of the export of the same range. */
  entries: number;
  accounts: AccountTotal[];
  /** Per unit, the sums over its accounts: opening and closing are zero, debits equal credits. */
  units: AccountTotal[];
  /** The members' debt (a memo inside `member:available`, not an account of its own). */
  debtMemo: { opening: number; increases: number; decreases: number; closing: number };
}

/** The accounts always shown (with zeros when nothing moved), in this order; others follow. */
const KNOWN_ACCOUNTS: readonly (readonly [string, 'points' | 'growth'])[] = [
  ['member:available', 'points'],
  ['member:pending', 'points'],
  ['member:held', 'points'],
  ['member:growth', 'growth'],
  ...(
    ['issued', 'redeemed', 'expired', 'adjusted', 'transfers', 'holds', 'pending'] satisfies ContraAccount[]
  ).map((name) => [`system:${name}`, 'points'] as const),
  ['system:growth_issued', 'growth'],
];

export async function journalTotals(
  db: Queryable,
  programId: string,
  range: JournalRange,
): Promise<JournalTotals> {
  const { entries, sums } = await journalSums(db, programId, range);
  return { from: range.from.toISOString(), to: range.to.toISOString(), entries, ...totalsOf(sums) };
}

/** The accounts' totals from the journal's column sums (pure). */
export function totalsOf(sums: readonly ColumnSums[]): Omit<JournalTotals, 'from' | 'to' | 'entries'> {
  const byAccount = new Map<string, AccountTotal>();
  const accountOf = (account: string, unit: 'points' | 'growth') => {
    const key = `${account} ${unit}`;
    let total = byAccount.get(key);
    if (!total) {
      total = { account, unit, opening: 0, debits: 0, credits: 0, closing: 0 };
      byAccount.set(key, total);
    }
    return total;
  };
  for (const [account, unit] of KNOWN_ACCOUNTS) accountOf(account, unit);
  const debtMemo = { opening: 0, increases: 0, decreases: 0, closing: 0 };
  for (const sum of sums) {
    if (sum.column === 'debt') {
      debtMemo.opening += sum.opening;
      debtMemo.increases += sum.increases;
      debtMemo.decreases += sum.decreases;
      continue;
    }
    if (sum.opening === 0 && sum.increases === 0 && sum.decreases === 0) continue;
    const total = accountOf(
      sum.column === 'contra' ? `system:${sum.contraAccount}` : `member:${sum.column}`,
      sum.unit,
    );
    total.opening += sum.opening;
    total.credits += sum.increases;
    total.debits += sum.decreases;
  }
  debtMemo.closing = debtMemo.opening + debtMemo.increases - debtMemo.decreases;
  const accounts = [...byAccount.values()];
  for (const total of accounts) total.closing = total.opening + total.credits - total.debits;
  const units = (['points', 'growth'] as const).map((unit) => {
    const sum: AccountTotal = {
      account: `total:${unit}`,
      unit,
      opening: 0,
      debits: 0,
      credits: 0,
      closing: 0,
    };
    for (const total of accounts.filter((account) => account.unit === unit)) {
      sum.opening += total.opening;
      sum.debits += total.debits;
      sum.credits += total.credits;
      sum.closing += total.closing;
    }
    return sum;
  });
  return { accounts, units, debtMemo };
}

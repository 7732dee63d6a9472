import type { Queryable } from '../db/database.ts';
import { memberIdOfKeySql } from '../members/member-store.ts';
import type { ContraAccount, EntrySource, EntryType } from './ledger-types.ts';

/**
 * The program's journal for finance (`finance/`): entries in effective-date order, a page at a
 * time, and the sums of their postings over a range. Both read `entries` by
 * `entries_by_effective_date` (migration 036): an entry counts from `effective_at`, or from
 * `created_at` when it was written before dated history (022) existed.
 */

const EFFECTIVE = 'coalesce(effective_at, created_at)';

/** One entry as the journal export shows it: its member-side deltas and its system account's. */
export interface JournalEntry {
  id: string;
  txnId: string;
  effectiveAt: Date;
  createdAt: Date;
  type: EntryType;
  /** The member's id as it is now (a pseudonym after an erasure that forgot it). */
  memberId: string;
  available: number;
  pending: number;
  held: number;
  growth: number;
  /** Memo: the change of the member's debt (already inside `available`, never a posting). */
  debt: number;
  contraAccount: ContraAccount;
  contraAmount: number;
  unrecoveredPoints: number;
  holdId: string | null;
  reversesEntryId: string | null;
  counterpartyMemberId: string | null;
  source: EntrySource;
  reasonZh: string;
  reasonEn: string;
  operator: string | null;
}

/** Where the next page starts: after this entry (its effective date and id). */
export interface JournalKey {
  effectiveAt: Date;
  id: string;
}

interface JournalRow {
  id: string;
  txn_id: string;
  effective_at: Date;
  created_at: Date;
  type: EntryType;
  member_id: string;
  available_delta: number;
  pending_delta: number;
  held_delta: number;
  growth_delta: number;
  debt_delta: number;
  contra_account: ContraAccount;
  contra_delta: number;
  unrecovered_points: number;
  hold_id: string | null;
  reverses_entry_id: string | null;
  counterparty_member_id: string | null;
  source: EntrySource;
  reason_zh: string;
  reason_en: string;
  operator: string | null;
}

/**
 * Up to `limit` entries of the program that count from within [from, to), after `after`, in
 * effective-date then id order (a keyset page: each page is one index range scan, whatever the
 * page's depth). Timestamps are stored in milliseconds (the application's clock), so a key read
 * back as a Date is exact.
 */
export async function journalPage(
  db: Queryable,
  programId: string,
  range: { from: Date; to: Date },
  after: JournalKey | null,
  limit: number,
): Promise<JournalEntry[]> {
  const rows = await db.query<JournalRow>(
    `select id, txn_id, ${EFFECTIVE} as effective_at, created_at, type,
            ${memberIdOfKeySql('entries.member_key', 'entries.program_id')} as member_id,
            available_delta, pending_delta, held_delta, growth_delta, debt_delta, contra_account, contra_delta,
            unrecovered_points, hold_id, reverses_entry_id,
            ${memberIdOfKeySql('entries.counterparty_member_key', 'entries.program_id')} as counterparty_member_id,
            source, reason_zh, reason_en, operator
       from entries
      where program_id = $1 and ${EFFECTIVE} >= $2 and ${EFFECTIVE} < $3
        and ($4::timestamptz is null or (${EFFECTIVE}, id) > ($4::timestamptz, $5::text))
      order by ${EFFECTIVE}, id
      limit $6`,
    [
      programId,
      range.from.toISOString(),
      range.to.toISOString(),
      after?.effectiveAt.toISOString() ?? null,
      after?.id ?? null,
      limit,
    ],
  );
  return rows.map(toJournalEntry);
}

function toJournalEntry(row: JournalRow): JournalEntry {
  return {
    id: row.id,
    txnId: row.txn_id,
    effectiveAt: new Date(row.effective_at),
    createdAt: new Date(row.created_at),
    type: row.type,
    memberId: row.member_id,
    available: Number(row.available_delta),
    pending: Number(row.pending_delta),
    held: Number(row.held_delta),
    growth: Number(row.growth_delta),
    debt: Number(row.debt_delta),
    contraAccount: row.contra_account,
    contraAmount: Number(row.contra_delta),
    unrecoveredPoints: Number(row.unrecovered_points),
    holdId: row.hold_id,
    reversesEntryId: row.reverses_entry_id,
    counterpartyMemberId: row.counterparty_member_id,
    source: row.source,
    reasonZh: row.reason_zh,
    reasonEn: row.reason_en,
    operator: row.operator,
  };
}

/** A column of `entries` that is a posting (or, for debt, a memo beside them). */
export type JournalColumn = 'available' | 'pending' | 'held' | 'growth' | 'debt' | 'contra';

/** Sums of one column's positive and negative amounts, before `from` and within [from, to). */
export interface ColumnSums {
  column: JournalColumn;
  /** The system account, for the `contra` column (else null: the member side). */
  contraAccount: ContraAccount | null;
  unit: 'points' | 'growth';
  /** Net sum of everything that counts from before `from`. */
  opening: number;
  /** Sum of the positive amounts within the range. */
  increases: number;
  /** Sum of the negative amounts within the range, as a positive number. */
  decreases: number;
}

const SUMMED: readonly Exclude<JournalColumn, 'contra'>[] = [
  'available',
  'pending',
  'held',
  'growth',
  'debt',
];

/**
 * The program's postings summed per column (and per system account) over everything that counts
 * from before `to`, and the number of entries within [from, to): one pass over the journal's index
 * range, grouped by the few system accounts.
 */
export async function journalSums(
  db: Queryable,
  programId: string,
  range: { from: Date; to: Date },
): Promise<{ entries: number; sums: ColumnSums[] }> {
  const columns = [
    ...SUMMED.map((name) => [name, `${name}_delta`] as const),
    ['contra', 'contra_delta'] as const,
  ];
  const sums = columns.flatMap(([name, column]) => [
    `coalesce(sum(${column}) filter (where not in_range), 0)::int8 as ${name}_opening`,
    `coalesce(sum(${column}) filter (where in_range and ${column} > 0), 0)::int8 as ${name}_increases`,
    `coalesce(-sum(${column}) filter (where in_range and ${column} < 0), 0)::int8 as ${name}_decreases`,
  ]);
  const rows = await db.query<Record<string, unknown> & { contra_account: ContraAccount; growth: boolean }>(
    `select contra_account, growth, count(*) filter (where in_range)::int8 as entries, ${sums.join(', ')}
       from (select *, ${EFFECTIVE} >= $2 as in_range, growth_delta <> 0 as growth
               from entries where program_id = $1 and ${EFFECTIVE} < $3) e
      group by contra_account, growth`,
    [programId, range.from.toISOString(), range.to.toISOString()],
  );
  const sumsOfRows = rows.flatMap((row) =>
    columns.map(([name]) => ({
      column: name,
      contraAccount: name === 'contra' ? row.contra_account : null,
      unit:
        name === 'growth' || (name === 'contra' && row.growth) ? ('growth' as const) : ('points' as const),
      opening: Number(row[`${name}_opening`]),
      increases: Number(row[`${name}_increases`]),
      decreases: Number(row[`${name}_decreases`]),
    })),
  );
  return { entries: rows.reduce((count, row) => count + Number(row.entries), 0), sums: sumsOfRows };
}

import type { Queryable } from '../db/database.ts';
import { memberIdOfKeySql } from '../members/member-store.ts';
import type { ContraAccount, EntryType } from './ledger-types.ts';

/**
 * The program's journal for finance (`finance/`): entries in effective-date order, a page at a
 * time, and the sums of their postings over a range. Both read `entries` by
 * `entries_by_effective_date` (migration 036): an entry counts from `effective_at`, or from
 * `created_at` when it was written before dated history (022) existed.
 */

const EFFECTIVE = 'coalesce(effective_at, created_at)';

/** An instant as the API writes it (`toISOString`), made by the database: no Date parsed per row. */
const iso = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** One entry as the journal export shows it: its member-side deltas and its system account's. */
export interface JournalEntry {
  id: string;
  txnId: string;
  /** ISO 8601 in UTC with milliseconds, as `Date.toISOString()` writes it. */
  effectiveAt: string;
  createdAt: string;
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
  /** The entry's source as JSON text (passed on as stored, never parsed). */
  sourceJson: string;
  reasonZh: string;
  reasonEn: string;
  operator: string | null;
}

/** Where the next page starts: after this entry (its effective date and id). */
export interface JournalKey {
  effectiveAt: string;
  id: string;
}

/**
 * Up to `limit` entries of the program that count from within [from, to), after `after`, in
 * effective-date then id order (a keyset page: each page is one index range scan, whatever the
 * page's depth). Timestamps are stored in milliseconds (the application's clock), so a key read
 * back in milliseconds is exact.
 */
export async function journalPage(
  db: Queryable,
  programId: string,
  range: { from: Date; to: Date },
  after: JournalKey | null,
  limit: number,
): Promise<JournalEntry[]> {
  // Two statements, not one with "$n is null or": an OR around the row comparison would make it
  // a filter instead of the index scan's start, and every page would scan from `from` again.
  const start = after
    ? `(${EFFECTIVE}, id) > ($2::timestamptz, $3::text)`
    : `${EFFECTIVE} >= $2::timestamptz and $3::text is null`;
  // Named as JournalEntry's fields, so each row is the entry as it comes (no second object per row:
  // an export of millions of entries is mostly allocation).
  return db.query<JournalEntry>(
    `select id, txn_id as "txnId", ${iso(EFFECTIVE)} as "effectiveAt", ${iso('created_at')} as "createdAt", type,
            ${memberIdOfKeySql('entries.member_key', 'entries.program_id')} as "memberId",
            available_delta as available, pending_delta as pending, held_delta as held, growth_delta as growth,
            debt_delta as debt, contra_account as "contraAccount", contra_delta as "contraAmount",
            unrecovered_points as "unrecoveredPoints", hold_id as "holdId", reverses_entry_id as "reversesEntryId",
            case when counterparty_member_key is not null
                 then ${memberIdOfKeySql('entries.counterparty_member_key', 'entries.program_id')} end
              as "counterpartyMemberId",
            source::text as "sourceJson", reason_zh as "reasonZh", reason_en as "reasonEn", operator
       from entries
      where program_id = $1 and ${start} and ${EFFECTIVE} < $4
      order by ${EFFECTIVE}, id
      limit $5`,
    [
      programId,
      after?.effectiveAt ?? range.from.toISOString(),
      after?.id ?? null,
      range.to.toISOString(),
      limit,
    ],
  );
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

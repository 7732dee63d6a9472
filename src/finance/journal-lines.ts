import { csvField } from '../audit/audit-csv.ts';
import type { JournalEntry } from '../ledger/journal-queries.ts';

/**
 * One journal entry as a line of the export, CSV or JSON lines (docs/metrics.md, "Journal export").
 * A line is an entry with its postings: the member's buckets (available, pending, held, growth)
 * and the system account on the other side, which sum to zero; `debt` is a memo (the member's debt
 * is already inside `available`), never a posting.
 */
export type JournalFormat = 'csv' | 'jsonl';

/** `format` wins; else JSON lines when the client accepts them (and not CSV), else CSV. */
export function journalFormatOf(
  format: JournalFormat | undefined,
  accept: string | undefined,
): JournalFormat {
  if (format) return format;
  return /application\/(x-ndjson|jsonl)/.test(accept ?? '') && !/text\/csv/.test(accept ?? '')
    ? 'jsonl'
    : 'csv';
}

export const JOURNAL_CSV_COLUMNS = [
  'entry_id',
  'txn_id',
  'effective_at',
  'created_at',
  'type',
  'member_id',
  'unit',
  'available',
  'pending',
  'held',
  'growth',
  'system_account',
  'system_amount',
  'debt_memo',
  'unrecovered_points',
  'hold_id',
  'reverses_entry_id',
  'counterparty_member_id',
  'source',
  'operator',
  'reason_en',
  'reason_zh',
] as const;

/** The unit an entry moves: points, or growth value (an entry never moves both). */
export function unitOf(entry: JournalEntry): 'points' | 'growth' {
  return entry.growth !== 0 ? 'growth' : 'points';
}

export function journalCsvHeader(): string {
  return `${JOURNAL_CSV_COLUMNS.join(',')}\r\n`;
}

/**
 * RFC 4180 (CRLF lines). Text that may come from people (member ids, reasons, the operator, the
 * source) goes through `csvField` (quoted, quotes doubled, and a leading =, +, -, @, tab or CR
 * guarded against CSV injection); what Jifen makes (ids, instants, types, account names) is only
 * quoted, as it holds no quote and starts with none of those; amounts are written bare, so a
 * spreadsheet reads `-120` as a number (an integer Jifen wrote cannot be a formula).
 */
export function journalCsvLine(entry: JournalEntry): string {
  return (
    `"${entry.id}","${entry.txnId}","${entry.effectiveAt}","${entry.createdAt}","${entry.type}",` +
    `${csvField(entry.memberId)},"${unitOf(entry)}",${entry.available},${entry.pending},${entry.held},` +
    `${entry.growth},"system:${entry.contraAccount}",${entry.contraAmount},${entry.debt},${entry.unrecoveredPoints},` +
    `${made(entry.holdId)},${made(entry.reversesEntryId)},${csvField(entry.counterpartyMemberId)},` +
    `${csvField(entry.sourceJson)},${csvField(entry.operator)},${csvField(entry.reasonEn)},${csvField(entry.reasonZh)}\r\n`
  );
}

/** An id Jifen made, or an empty field. */
const made = (id: string | null) => (id === null ? '""' : `"${id}"`);

/** The postings of an entry, as the `postings` view names them: non-zero amounts only. */
export function postingsOf(entry: JournalEntry): { account: string; amount: number }[] {
  const postings = [
    { account: 'member:available', amount: entry.available },
    { account: 'member:pending', amount: entry.pending },
    { account: 'member:held', amount: entry.held },
    { account: 'member:growth', amount: entry.growth },
    { account: `system:${entry.contraAccount}`, amount: entry.contraAmount },
  ];
  return postings.filter((posting) => posting.amount !== 0);
}

const text = (value: string | null) => (value === null ? 'null' : JSON.stringify(value));

/** One JSON object (its keys in this order) on one line; the source is embedded as stored. */
export function journalJsonLine(entry: JournalEntry): string {
  return (
    `{"entryId":${text(entry.id)},"txnId":${text(entry.txnId)},"effectiveAt":"${entry.effectiveAt}",` +
    `"createdAt":"${entry.createdAt}","type":"${entry.type}","memberId":${text(entry.memberId)},` +
    `"unit":"${unitOf(entry)}","postings":${JSON.stringify(postingsOf(entry))},"debtMemo":${entry.debt},` +
    `"unrecoveredPoints":${entry.unrecoveredPoints},"holdId":${text(entry.holdId)},` +
    `"reversesEntryId":${text(entry.reversesEntryId)},"counterpartyMemberId":${text(entry.counterpartyMemberId)},` +
    `"source":${entry.sourceJson},"operator":${text(entry.operator)},` +
    `"reason":{"zh-CN":${text(entry.reasonZh)},"en":${text(entry.reasonEn)}}}\n`
  );
}

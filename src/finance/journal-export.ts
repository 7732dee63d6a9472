import type { Queryable } from '../db/database.ts';
import { type JournalKey, journalPage } from '../ledger/journal-queries.ts';
import { JifenError } from '../shared/errors.ts';
import { type JournalFormat, journalCsvHeader, journalCsvLine, journalJsonLine } from './journal-lines.ts';

/** Entries read per statement: about half a megabyte of CSV, whatever the export's size. */
export const JOURNAL_PAGE_SIZE = 2000;
/** Lines per chunk written: about 50 KB of CSV. */
const LINES_PER_CHUNK = 200;

export interface JournalRange {
  from: Date;
  to: Date;
}

/**
 * The program's journal within [from, to) of effective dates, as text chunks: the CSV header,
 * then the lines of each keyset page (effective date, then id). Memory stays two pages whatever the
 * range: a consumer that pulls (a stream piped to a response or a file) gets the page after next
 * read only when it wants more. Each page is its own statement, so no transaction is held for the export's
 * length (on PGlite, whose one connection every request shares, that would stop all other work).
 */
export async function* journalChunks(
  db: Queryable,
  programId: string,
  range: JournalRange,
  format: JournalFormat,
  options: { pageSize?: number; onPage?: (entries: number) => void } = {},
): AsyncGenerator<string> {
  const pageSize = options.pageSize ?? JOURNAL_PAGE_SIZE;
  if (format === 'csv') yield journalCsvHeader();
  const line = format === 'csv' ? journalCsvLine : journalJsonLine;
  const read = (after: JournalKey | null) => journalPage(db, programId, range, after, pageSize);
  let page = read(null);
  for (;;) {
    const entries = await page;
    options.onPage?.(entries.length);
    const last = entries.at(-1);
    const more = entries.length === pageSize && last !== undefined;
    // The next page is read while this one is written out (the database works while Node formats);
    // at most two pages are in memory.
    if (more) {
      page = read({ effectiveAt: last.effectiveAt, id: last.id });
      // Awaited below; a consumer that stops first (a client gone) leaves it unawaited: not a crash.
      page.catch(() => {});
    }
    // Chunks of a few dozen KB, not one string per page: short-lived small strings are collected
    // young, where a page's megabytes would pile up in the large-object space until a full
    // collection (the server's memory, not its speed, is what grew).
    for (let start = 0; start < entries.length; start += LINES_PER_CHUNK) {
      let chunk = '';
      const end = Math.min(start + LINES_PER_CHUNK, entries.length);
      for (let index = start; index < end; index++) chunk += line(entries[index]!);
      yield chunk;
    }
    if (!more) return;
  }
}

/** The export's and totals' range from the query: `from` must be before `to` (400 otherwise). */
export function journalRangeOf(query: { from: string; to: string }): JournalRange {
  const from = new Date(query.from);
  const to = new Date(query.to);
  if (!(from.getTime() < to.getTime())) {
    throw new JifenError('validation_failed', {
      detail: 'querystring/to must be after querystring/from',
      extensions: { errors: [{ field: 'querystring/to', message: 'must be after `from`' }] },
    });
  }
  return { from, to };
}

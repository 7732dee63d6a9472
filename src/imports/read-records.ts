import { Readable } from 'node:stream';
import { type CsvError, parse } from 'csv-parse';
import { type ColumnMapping, mapHeader } from './column-mapping.ts';
import { decodeText, fileInvalid, type ImportEncoding } from './decode-text.ts';
import type { RowError, SourceRecord } from './import-types.ts';

/** How a file is laid out: CSV with a header row, or JSON lines (one object per line). */
export type ImportFormat = 'csv' | 'jsonl';

export interface ReadOptions {
  format: ImportFormat;
  encoding: ImportEncoding;
  mapping: ColumnMapping;
  /** Called with the (mapped) header of a CSV file before its first row; throws to refuse the file. */
  onHeader?: (columns: readonly string[]) => void;
}

/**
 * The file's rows, streamed: a chunk of bytes is decoded and parsed at a time, so a file of a
 * million rows never sits in memory. Yields each row's values by column (empty CSV cells left
 * out), or the error that made a row unreadable (a CSV row with the wrong number of fields or a
 * broken quote, a JSON line that is no object) — the other rows go on.
 */
export async function* readRecords(
  chunks: AsyncIterable<Uint8Array>,
  options: ReadOptions,
): AsyncGenerator<SourceRecord | RowError> {
  const text = decodeText(chunks, options.encoding);
  if (options.format === 'jsonl') yield* jsonLines(text, options.mapping);
  else yield* csvRows(text, options);
}

async function* csvRows(
  text: AsyncIterable<string>,
  options: ReadOptions,
): AsyncGenerator<SourceRecord | RowError> {
  const skipped: RowError[] = [];
  const parser = parse({
    info: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    on_skip: (error: CsvError | undefined) => {
      if (error) skipped.push({ line: Number(error.lines ?? 0), column: null, message: csvMessage(error) });
      return undefined;
    },
  });
  // A file that cannot be decoded fails the parse (and so the loop below) with the decoder's error.
  const source = Readable.from(text);
  source.on('error', (error) => parser.destroy(error));
  source.pipe(parser);
  let header: string[] | null = null;
  for await (const { record, info } of parser as AsyncIterable<{
    record: string[];
    info: { lines: number };
  }>) {
    yield* skipped.splice(0);
    if (header === null) {
      header = mapHeader(record, options.mapping);
      checkHeader(header);
      options.onHeader?.(header);
      continue;
    }
    if (record.length !== header.length) {
      yield {
        line: info.lines,
        column: null,
        message: `has ${record.length} fields where the header has ${header.length}: quote values that contain commas`,
      };
      continue;
    }
    const values: Record<string, unknown> = {};
    record.forEach((value, index) => {
      const trimmed = value.trim();
      if (trimmed !== '') values[header![index]!] = trimmed;
    });
    yield { line: info.lines, values };
  }
  yield* skipped.splice(0);
  if (header === null) throw fileInvalid('the file is empty: it has no header row and no data');
}

function checkHeader(header: readonly string[]): void {
  const seen = new Set<string>();
  for (const [index, name] of header.entries()) {
    if (name === '') throw fileInvalid(`column ${index + 1} of the header has no name`);
    if (seen.has(name)) throw fileInvalid(`the header names the column "${name}" twice`);
    seen.add(name);
  }
}

function csvMessage(error: CsvError): string {
  if (error.code === 'CSV_QUOTE_NOT_CLOSED') return 'a quoted value is never closed: check the quotes (")';
  if (error.code === 'CSV_INVALID_CLOSING_QUOTE')
    return 'a quote (") closes a value in its middle: double quotes inside a quoted value ("")';
  return `is not valid CSV (${error.code}): ${error.message}`;
}

async function* jsonLines(
  text: AsyncIterable<string>,
  mapping: ColumnMapping,
): AsyncGenerator<SourceRecord | RowError> {
  let line = 0;
  let rest = '';
  const one = (raw: string): SourceRecord | RowError | null => {
    line += 1;
    const trimmed = raw.trim();
    if (trimmed === '') return null;
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      return { line, column: null, message: 'is not valid JSON: each line must be one JSON object' };
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      return { line, column: null, message: 'is not a JSON object: each line must be one object of fields' };
    }
    const values: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(parsed)) {
      if (value !== null && value !== '') values[mapping.get(key) ?? key] = value;
    }
    return { line, values };
  };
  for await (const chunk of text) {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop()!;
    for (const raw of lines) {
      const record = one(raw);
      if (record) yield record;
    }
  }
  const last = one(rest);
  if (last) yield last;
}

export function isRowError(item: SourceRecord | RowError): item is RowError {
  return 'message' in item;
}

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { journalChunks } from '../finance/journal-export.ts';
import type { JournalFormat } from '../finance/journal-lines.ts';
import { isStorableDate, NOT_A_STORABLE_DATE_TIME } from '../shared/storable-dates.ts';
import { programFor, withDatabase } from './cli-database.ts';
import { DATABASE_FLAGS, parse, UsageError } from './options.ts';

const EXPORT_FLAGS = {
  ...DATABASE_FLAGS,
  from: { type: 'string' },
  to: { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string' },
  program: { type: 'string' },
} as const;

export const EXPORT_USAGE =
  'usage: jifen export journal --from ISO --to ISO [--format csv|jsonl] [--out FILE] [--program prg_...]';

/** An instant with its offset, as the API takes it (a date alone would leave the timezone to guess). */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * `jifen export journal`: the program's journal of a range of effective dates, as the API's export
 * (`GET /v1/finance/journal`) writes it, to standard output or a file, a page at a time. The count
 * of entries goes to standard error, so standard output is the export alone.
 */
export async function exportCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, EXPORT_FLAGS);
  const [what, ...extra] = positionals;
  if (what !== 'journal') throw new UsageError(`say what to export (only "journal" so far). ${EXPORT_USAGE}`);
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}. ${EXPORT_USAGE}`);
  const from = instantFlag('from', values.from);
  const to = instantFlag('to', values.to);
  if (!(from < to)) throw new UsageError(`--to (${values.to}) must be after --from (${values.from})`);
  const format = formatFlag(values.format, values.out);
  return withDatabase(values, async (db) => {
    const programId = await programFor(db, values.program);
    const path = values.out === undefined ? null : resolve(values.out);
    const out: Writable = path === null ? process.stdout : createWriteStream(path);
    let entries = 0;
    try {
      const chunks = journalChunks(db, programId, { from, to }, format, {
        onPage: (count) => {
          entries += count;
        },
      });
      for await (const chunk of chunks) {
        if (!out.write(chunk)) await once(out, 'drain');
      }
      if (path !== null) {
        out.end();
        await once(out, 'finish');
      }
    } catch (error) {
      // A half-written file would pass for an export: remove it.
      if (path !== null) {
        out.destroy();
        await rm(path, { force: true });
      }
      throw error;
    }
    console.error(
      `jifen export: ${entries} entries of ${programId} (${from.toISOString()} to ${to.toISOString()}, ${format})` +
        (path === null ? '' : ` written to ${path}`),
    );
    return 0;
  });
}

function instantFlag(name: 'from' | 'to', value: string | undefined): Date {
  if (value === undefined) throw new UsageError(`--${name} is required. ${EXPORT_USAGE}`);
  if (!INSTANT.test(value) || !isStorableDate(value)) {
    throw new UsageError(`--${name} "${value}" ${NOT_A_STORABLE_DATE_TIME}`);
  }
  return new Date(value);
}

/** --format wins; else the file's extension (.jsonl, .ndjson), else CSV. */
function formatFlag(value: string | undefined, out: string | undefined): JournalFormat {
  if (value === 'csv' || value === 'jsonl') return value;
  if (value !== undefined) throw new UsageError(`--format must be csv or jsonl, got "${value}"`);
  const extension = out === undefined ? '' : extname(out).toLowerCase();
  return extension === '.jsonl' || extension === '.ndjson' ? 'jsonl' : 'csv';
}

import { createReadStream, existsSync, statSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { parseMapping } from '../imports/column-mapping.ts';
import { commitImport } from '../imports/commit-import.ts';
import { encodingOf } from '../imports/decode-text.ts';
import { IMPORT_KINDS, type ImportKind, type ImportRecord } from '../imports/import-types.ts';
import type { ImportFormat } from '../imports/read-records.ts';
import { stageImport } from '../imports/stage-import.ts';
import { undoImport } from '../imports/undo-import.ts';
import { systemClock } from '../shared/clock.ts';
import { JifenError } from '../shared/errors.ts';
import { programFor, withDatabase } from './cli-database.ts';
import { DATABASE_FLAGS, parse, UsageError } from './options.ts';
import { progressBar } from './progress-bar.ts';

const IMPORT_FLAGS = {
  ...DATABASE_FLAGS,
  commit: { type: 'boolean' },
  'skip-errors': { type: 'boolean' },
  mapping: { type: 'string' },
  encoding: { type: 'string' },
  format: { type: 'string' },
  program: { type: 'string' },
} as const;

/** Errors printed by line; the import keeps more (GET /v1/imports/{id}). */
const ERRORS_SHOWN = 20;

/**
 * `jifen import KIND FILE`: a dry run unless --commit (counts, the first errors by line and column,
 * the points it would create), streamed from the file; `jifen import undo IMPORT_ID`.
 */
export async function importCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, IMPORT_FLAGS);
  const [what, target, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
  if (what === 'undo') {
    if (!target) throw new UsageError('say which import to undo: jifen import undo imp_...');
    return withDatabase(values, async (db) => {
      const programId = await programFor(db, values.program);
      const done = await undoImport(db, {
        programId,
        importId: target,
        now: systemClock.now(),
        source: { kind: 'operator', ref: 'jifen import undo' },
      });
      console.log(`import ${done.id} undone: its ${done.entriesMade} entries reversed by new entries`);
      return 0;
    });
  }
  if (!what || !(IMPORT_KINDS as readonly string[]).includes(what)) {
    throw new UsageError(
      `say what the file holds: jifen import ${IMPORT_KINDS.join('|')} FILE (or undo IMPORT_ID)`,
    );
  }
  if (!target) throw new UsageError(`say which file: jifen import ${what} FILE.csv`);
  const path = resolve(target);
  if (!existsSync(path) || !statSync(path).isFile()) throw new UsageError(`there is no file at ${path}`);
  const kind = what as ImportKind;
  const format = formatOf(values.format, path);
  const encoding = usage(() => encodingOf(values.encoding));
  const mapping = usage(() => parseMapping(values.mapping));
  if (values['skip-errors'] && !values.commit) throw new UsageError('--skip-errors goes with --commit');

  return withDatabase(values, async (db) => {
    const programId = await programFor(db, values.program);
    const size = statSync(path).size;
    let bytesRead = 0;
    const checking = progressBar('checking', 'bytes');
    // Counted as the import reads them (a 'data' listener would start the flow before it reads).
    async function* counted(): AsyncGenerator<Uint8Array> {
      for await (const chunk of createReadStream(path, { highWaterMark: 256 * 1024 })) {
        bytesRead += (chunk as Buffer).length;
        yield chunk as Buffer;
      }
    }
    const staged = await stageImport(db, {
      programId,
      kind,
      fileName: basename(path),
      chunks: counted(),
      format,
      encoding,
      mapping,
      now: systemClock.now(),
      onProgress: () => checking(bytesRead, size),
    });
    checking(size, size);
    printReport(staged, values.commit === true);
    if (!values.commit) {
      console.log(
        staged.rowsInvalid > 0
          ? `dry run: nothing applied. Fix the rows above, or apply the ${staged.rowsValid} valid ones with --commit --skip-errors.`
          : `dry run: nothing applied. Run again with --commit to apply the ${staged.rowsValid} rows.`,
      );
      return staged.rowsInvalid > 0 ? 1 : 0;
    }
    if (staged.rowsInvalid > 0 && !values['skip-errors']) {
      console.error(
        `nothing applied: ${staged.rowsInvalid} rows have errors. Fix them, or pass --skip-errors to apply the ${staged.rowsValid} valid rows.`,
      );
      return 1;
    }
    const applying = progressBar('applying', 'rows');
    const done = await commitImport(db, {
      programId,
      importId: staged.id,
      skipErrors: values['skip-errors'] === true,
      now: systemClock.now(),
      clock: systemClock,
      source: { kind: 'operator', ref: `jifen import ${kind}` },
      onProgress: applying,
    });
    applying(staged.rowsValid, staged.rowsValid);
    console.log(
      `import ${done.id} committed: ${done.rowsApplied} rows applied, ${done.rowsSkipped} already imported (skipped)` +
        (done.membersCreated > 0 ? `, ${done.membersCreated} members created` : '') +
        (done.entriesMade > 0 ? `, ${done.entriesMade} entries` : '') +
        (kind === 'events' ? `, ${done.points} points from the rules` : '') +
        `. Undo it with: jifen import undo ${done.id}`,
    );
    const refused = done.rowsInvalid - staged.rowsInvalid;
    if (refused > 0) {
      console.error(`${refused} rows were refused while applying:`);
      for (const error of done.errors.slice(staged.errors.length, staged.errors.length + ERRORS_SHOWN))
        console.error(`  line ${error.line}${error.column ? `, ${error.column}` : ''}: ${error.message}`);
      return 1;
    }
    return 0;
  }).catch((error: unknown) => {
    if (error instanceof JifenError && error.code === 'import_file_invalid')
      throw new UsageError(error.detail);
    throw error;
  });
}

function printReport(report: ImportRecord, committing: boolean): void {
  console.log(
    `import ${report.id} (${report.kind}, ${committing ? 'checked' : 'dry run'}): ${report.rowsRead} rows read, ` +
      `${report.rowsValid} valid, ${report.rowsInvalid} with errors` +
      (report.kind === 'balances' ? `; ${report.points} points in the valid rows` : ''),
  );
  if (report.rowsInvalid === 0) return;
  for (const error of report.errors.slice(0, ERRORS_SHOWN))
    console.log(`  line ${error.line}${error.column ? `, ${error.column}` : ''}: ${error.message}`);
  if (report.rowsInvalid > ERRORS_SHOWN) console.log(`  ... and ${report.rowsInvalid - ERRORS_SHOWN} more`);
}

function formatOf(flag: string | undefined, path: string): ImportFormat {
  if (flag === 'csv' || flag === 'jsonl') return flag;
  if (flag !== undefined) throw new UsageError(`--format must be csv or jsonl, not "${flag}"`);
  return ['.jsonl', '.ndjson'].includes(extname(path).toLowerCase()) ? 'jsonl' : 'csv';
}

function usage<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof JifenError) throw new UsageError(error.detail);
    throw error;
  }
}

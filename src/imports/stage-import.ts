import type { Database } from '../db/database.ts';
import { getProgram } from '../programs/program-store.ts';
import { JifenError } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import { currentTierConfig } from '../tiers/tier-store.ts';
import type { ColumnMapping } from './column-mapping.ts';
import { fileInvalid, type ImportEncoding } from './decode-text.ts';
import { KINDS, type KindContext } from './import-kinds.ts';
import { addToImport, discardImport, getImport, insertImport, stageRows } from './import-store.ts';
import {
  type ImportKind,
  type ImportRecord,
  MAX_KEPT_ERRORS,
  type RowError,
  type StagedRow,
} from './import-types.ts';
import { type ImportFormat, isRowError, readRecords } from './read-records.ts';
import { RowFields } from './row-fields.ts';

export interface StageInput {
  programId: string;
  kind: ImportKind;
  fileName: string | null;
  /** The file's bytes, a chunk at a time (a file stream, a request body). */
  chunks: AsyncIterable<Uint8Array>;
  format: ImportFormat;
  encoding: ImportEncoding;
  mapping: ColumnMapping;
  now: Date;
  /** Rows read so far, every chunk (the CLI's progress bar). */
  onProgress?: (rowsRead: number) => void;
}

/** Rows checked and staged per statement. */
const CHUNK_ROWS = 1_000;

/**
 * A dry run: reads the whole file as a stream, checks every row (each problem with its line and
 * column and what to fix), stages the valid rows, and answers the import with its counts. Nothing
 * is applied. A bad row never stops the good ones; a file that cannot be read as this kind at all
 * (empty, unknown or missing columns, wrong encoding) is refused whole with `import_file_invalid`
 * and leaves nothing behind.
 */
export async function stageImport(db: Database, input: StageInput): Promise<ImportRecord> {
  const { programId, kind } = input;
  const spec = KINDS[kind];
  const program = await getProgram(db, programId);
  const tiers = kind === 'tiers' ? await currentTierConfig(db, programId) : null;
  const context: KindContext = {
    timezone: program.timezone,
    now: input.now,
    tierCodes: tiers?.config.tiers.map((tier) => tier.code) ?? [],
  };
  const known = new Set(spec.columns.map((column) => column.name));
  const importId = newId('imp', input.now.getTime());
  await insertImport(db, { id: importId, programId, kind, fileName: input.fileName, createdAt: input.now });

  let staged: StagedRow[] = [];
  let errors: RowError[] = [];
  let read = 0;
  let invalid = 0;
  let points = 0;
  const flush = async () => {
    const duplicates = await stageRows(db, programId, importId, staged);
    for (const [line, first] of duplicates) {
      errors.push({
        line,
        column: spec.idColumn,
        message: `repeats the ${spec.idColumn} of line ${first}: each row needs its own ${spec.idColumn}`,
      });
    }
    const valid = staged.filter((row) => !duplicates.has(row.line));
    points += valid.reduce((sum, row) => sum + Number(row.payload.points ?? 0), 0);
    errors.sort((a, b) => a.line - b.line);
    const rowsInvalid = invalid + duplicates.size;
    await addToImport(
      db,
      programId,
      importId,
      { rowsRead: read, rowsValid: valid.length, rowsInvalid, points },
      errors,
      MAX_KEPT_ERRORS,
    );
    input.onProgress?.(read);
    staged = [];
    errors = [];
    read = 0;
    invalid = 0;
    points = 0;
  };

  let rowsSeen = 0;
  try {
    const records = readRecords(input.chunks, {
      format: input.format,
      encoding: input.encoding,
      mapping: input.mapping,
      onHeader: (columns) => checkColumns(kind, columns, known, spec.columns),
    });
    for await (const item of records) {
      read += 1;
      rowsSeen += 1;
      if (isRowError(item)) {
        invalid += 1;
        errors.push(item);
      } else {
        const fields = new RowFields(item.values, context);
        for (const column of Object.keys(item.values)) {
          if (!known.has(column)) fields.problem(column, unknownColumn(kind, known));
        }
        const row = spec.stage(fields, item.line, context);
        if (row && fields.problems.length === 0) staged.push(row);
        else {
          invalid += 1;
          for (const problem of fields.problems) errors.push({ line: item.line, ...problem });
        }
      }
      if (staged.length + invalid >= CHUNK_ROWS) await flush();
    }
    if (rowsSeen === 0) {
      throw fileInvalid(
        input.format === 'csv'
          ? 'the file has a header but no data rows'
          : 'the file is empty: it has no JSON lines',
      );
    }
    await flush();
  } catch (error) {
    if (error instanceof JifenError) await discardImport(db, programId, importId);
    throw error;
  }
  return getImport(db, programId, importId);
}

function checkColumns(
  kind: ImportKind,
  columns: readonly string[],
  known: ReadonlySet<string>,
  spec: readonly { name: string; required: boolean }[],
): void {
  const unknown = columns.filter((column) => !known.has(column));
  if (unknown.length > 0) {
    throw fileInvalid(
      `the header names columns a ${kind} file does not have: ${unknown.join(', ')}. The columns are ${[...known].join(', ')}; rename yours with a mapping (--mapping ${unknown[0]}=${[...known][0]})`,
      { unknownColumns: unknown, columns: [...known] },
    );
  }
  const missing = spec
    .filter((column) => column.required && !columns.includes(column.name))
    .map((c) => c.name);
  if (missing.length > 0) {
    throw fileInvalid(`the header lacks the required columns ${missing.join(', ')} of a ${kind} file`, {
      missingColumns: missing,
    });
  }
}

function unknownColumn(kind: ImportKind, known: ReadonlySet<string>): string {
  return `is not a field of a ${kind} row (the fields are ${[...known].join(', ')}); rename it with a mapping`;
}

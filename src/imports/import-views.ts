import type { Queryable } from '../db/database.ts';
import { cursorKey, toPage } from '../shared/pages.ts';
import { countAlreadyApplied, listImports } from './import-store.ts';
import type { ImportRecord } from './import-types.ts';

/** An import as the API shows it: state, counts, progress and errors by line and column. */
export async function importView(db: Queryable, record: ImportRecord) {
  const alreadyImported =
    record.state === 'dry_run'
      ? await countAlreadyApplied(db, record.programId, record.id, record.kind)
      : record.rowsSkipped;
  return importViewOf(record, alreadyImported);
}

export function importViewOf(record: ImportRecord, alreadyImported = record.rowsSkipped) {
  return {
    id: record.id,
    kind: record.kind,
    state: record.state,
    fileName: record.fileName,
    counts: {
      read: record.rowsRead,
      valid: record.rowsValid,
      invalid: record.rowsInvalid,
      applied: record.rowsApplied,
      skipped: record.rowsSkipped,
      alreadyImported,
    },
    progress: { done: progressDone(record), total: record.rowsValid },
    failure: record.failure,
    points: record.points,
    membersCreated: record.membersCreated,
    entriesMade: record.entriesMade,
    errors: record.errors,
    createdAt: record.createdAt.toISOString(),
    committedAt: record.committedAt?.toISOString() ?? null,
    undoneAt: record.undoneAt?.toISOString() ?? null,
  };
}

/** Imports committed before progress was counted as such (migration 024) count as done. */
function progressDone(record: ImportRecord): number {
  const finished = record.state === 'committed' || record.state === 'undone';
  return finished ? Math.max(record.rowsDone, record.rowsValid) : record.rowsDone;
}

/** The program's imports, newest first, a page at a time (`shared/pages.ts`). */
export async function listImportPage(
  db: Queryable,
  programId: string,
  query: { limit: number; cursor?: string | undefined },
) {
  const rows = await listImports(db, programId, { limit: query.limit, after: cursorKey(query.cursor) });
  return toPage(rows, query.limit, (record) => importViewOf(record));
}

import type { Database, Queryable } from '../db/database.ts';
import type { EntrySource } from '../ledger/ledger-types.ts';
import { JifenError } from '../shared/errors.ts';
import { applyBalances } from './apply-balances.ts';
import type { ApplyChunk, ChunkResult } from './apply-chunk.ts';
import { applyEvents } from './apply-events.ts';
import { applyMembers } from './apply-members.ts';
import { applyTiers } from './apply-tiers.ts';
import {
  addToImport,
  appliedHashes,
  getImport,
  markApplied,
  readStagedRows,
  type StoredRow,
  setImportState,
} from './import-store.ts';
import { type ImportKind, type ImportRecord, MAX_KEPT_ERRORS } from './import-types.ts';

const APPLY: Record<ImportKind, ApplyChunk> = {
  members: applyMembers,
  balances: applyBalances,
  events: applyEvents,
  tiers: applyTiers,
};

/** Staged rows applied per transaction. */
const CHUNK_ROWS = 1_000;

/**
 * Members and tiers are states: a row applies again when it says something new. Balances and
 * events are facts: an id applied once is never credited twice, even if the row changed.
 */
const REAPPLIES_CHANGED: Record<ImportKind, boolean> = {
  members: true,
  tiers: true,
  balances: false,
  events: false,
};

/** Kinds whose rows count from an instant, applied in its order (members and tiers: file order). */
const BY_TIME: Record<ImportKind, boolean> = { members: false, tiers: false, balances: true, events: true };

export interface CommitInput {
  programId: string;
  importId: string;
  skipErrors: boolean;
  now: Date;
  source: EntrySource;
  /** Rows done (applied or skipped) so far and the rows to do (the CLI's progress bar). */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Applies a dry run's staged rows, a chunk per transaction, in the order they count from. A file
 * with errors applies nothing unless `skipErrors`. Rows whose id an earlier import applied are
 * skipped, so a corrected file credits only what is new. The import's progress is kept as it goes:
 * a commit cut short stays `committing` and is committed again from where it stopped.
 */
export async function commitImport(db: Database, input: CommitInput): Promise<ImportRecord> {
  const { programId, importId } = input;
  const started = await db.transaction(async (tx) => {
    const record = await getImport(tx, programId, importId, true);
    if (record.state !== 'dry_run' && record.state !== 'committing') {
      throw new JifenError('import_state_conflict', {
        detail: `Import "${importId}" is ${record.state}: only a dry run is committed (to import the file again, send it again).`,
        extensions: { importId, state: record.state },
      });
    }
    if (record.state === 'dry_run' && record.rowsInvalid > 0 && !input.skipErrors) {
      throw new JifenError('import_has_errors', {
        detail: `${record.rowsInvalid} of the ${record.rowsRead} rows have errors (the first: line ${record.errors[0]?.line}, ${record.errors[0]?.message}); nothing was applied. Fix them, or commit with skipErrors to apply the ${record.rowsValid} valid rows.`,
        extensions: { importId, rowsInvalid: record.rowsInvalid, errors: record.errors.slice(0, 10) },
      });
    }
    await setImportState(
      tx,
      programId,
      importId,
      'committing',
      input.now,
      input.skipErrors || record.skipErrors,
    );
    return record;
  });
  const apply = APPLY[started.kind];
  let done = 0;
  let after: StoredRow | null = null;
  for (;;) {
    const rows = await readStagedRows(db, programId, importId, after, CHUNK_ROWS, BY_TIME[started.kind]);
    if (rows.length === 0) break;
    after = rows.at(-1)!;
    const fresh = await freshRows(db, started, rows);
    const skipped = rows.length - fresh.length;
    const record = (tx: Queryable, result: ChunkResult) => recordChunk(tx, started, result, skipped);
    if (fresh.length > 0)
      await apply({ db, programId, importId, now: input.now, source: input.source }, fresh, record);
    else await record(db, { applied: [], errors: [], points: 0, membersCreated: 0, entriesMade: 0 });
    done += rows.length;
    input.onProgress?.(done, started.rowsValid);
  }
  await setImportState(db, programId, importId, 'committed', input.now);
  return getImport(db, programId, importId);
}

/** The rows of a chunk not in force already (from an earlier import, or this one cut short). */
async function freshRows(
  db: Database,
  record: ImportRecord,
  rows: readonly StoredRow[],
): Promise<StoredRow[]> {
  const applied = await appliedHashes(
    db,
    record.programId,
    record.kind,
    rows.map((row) => row.externalId),
  );
  return rows.filter((row) => {
    const hash = applied.get(row.externalId);
    return hash === undefined || (REAPPLIES_CHANGED[record.kind] && hash !== row.rowHash);
  });
}

async function recordChunk(tx: Queryable, record: ImportRecord, result: ChunkResult, skipped: number) {
  await markApplied(tx, record.programId, record.id, record.kind, result.applied);
  await addToImport(
    tx,
    record.programId,
    record.id,
    {
      rowsApplied: result.applied.length,
      rowsSkipped: skipped,
      rowsInvalid: result.errors.length,
      // A dry run counts a balance file's points; an events file's are what the rules gave.
      points: record.kind === 'events' ? result.points : 0,
      membersCreated: result.membersCreated,
      entriesMade: result.entriesMade,
    },
    result.errors,
    MAX_KEPT_ERRORS,
  );
}

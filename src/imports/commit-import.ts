import { randomUUID } from 'node:crypto';
import type { Database, Queryable } from '../db/database.ts';
import type { EntrySource } from '../ledger/ledger-types.ts';
import { recordAsHistory } from '../notifications/outbox/history-scope.ts';
import type { Clock } from '../shared/clock.ts';
import { JifenError } from '../shared/errors.ts';
import { applyBalances } from './apply-balances.ts';
import type { ApplyChunk, ChunkResult } from './apply-chunk.ts';
import { applyEvents } from './apply-events.ts';
import { applyMembers } from './apply-members.ts';
import { applyTiers } from './apply-tiers.ts';
import {
  COMMIT_LEASE_MS,
  claimCommit,
  failCommit,
  finishCommit,
  releaseCommitLease,
  renewCommitLease,
} from './commit-lease.ts';
import { recordImportFinished } from './import-messages.ts';
import {
  addToImport,
  advanceCommit,
  appliedHashes,
  getImport,
  markApplied,
  readStagedRows,
  type StoredRow,
} from './import-store.ts';
import { type CommitFailure, type ImportKind, type ImportRecord, MAX_KEPT_ERRORS } from './import-types.ts';

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
  /** When the commit starts: its entries are recorded then (they count from their own dates). */
  now: Date;
  source: EntrySource;
  /** Rows done (applied, skipped or refused) so far and the rows to do (the CLI's progress bar). */
  onProgress?: (done: number, total: number) => void;
  /** Stops the commit between two chunks (shutting down): it stays `committing`, to be resumed. */
  signal?: AbortSignal;
  /** Staged rows per chunk (default 1,000; tests make it small). */
  chunkRows?: number;
  /** Awaited before each chunk (tests hold a commit mid-way with it). */
  beforeChunk?: () => Promise<void>;
  /** Lease length (default `COMMIT_LEASE_MS`). */
  leaseMs?: number;
  /** What leases and the end of the commit are dated by (default: `now`, moving with real time). */
  clock?: Clock;
}

/** A commit begun (validated, its lease taken), not yet run. */
export interface CommitRun {
  record: ImportRecord;
  runner: string;
}

/**
 * Applies a dry run's staged rows, a chunk per transaction, in the order they count from. A file
 * with errors applies nothing unless `skipErrors`. Rows whose id an earlier import applied are
 * skipped, so a corrected file credits only what is new. The import's progress is kept as it goes:
 * a commit cut short stays `committing` and is resumed from the last chunk done.
 */
export async function commitImport(db: Database, input: CommitInput): Promise<ImportRecord> {
  return runCommit(db, await beginCommit(db, input), input);
}

/**
 * The synchronous part of a commit: checks the import may be committed (`import_has_errors`,
 * `import_state_conflict`, `import_commit_running` when another process runs it) and takes its
 * lease. Nothing is applied yet: `runCommit` does that, in the request or in the background.
 */
export async function beginCommit(db: Database, input: CommitInput): Promise<CommitRun> {
  const { programId, importId } = input;
  const runner = randomUUID();
  const leaseClock = clockOf(input);
  const record = await db.transaction(async (tx) => {
    const record = await getImport(tx, programId, importId, true);
    if (record.state !== 'dry_run' && record.state !== 'committing' && record.state !== 'failed') {
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
    const now = leaseClock();
    const claimed = await claimCommit(
      tx,
      {
        programId,
        importId,
        runner,
        now,
        leaseUntil: new Date(now.getTime() + (input.leaseMs ?? COMMIT_LEASE_MS)),
      },
      { source: input.source, skipErrors: input.skipErrors },
    );
    if (!claimed) {
      throw new JifenError('import_commit_running', {
        detail: `Import "${importId}" is being committed (${record.rowsDone} of ${record.rowsValid} rows done): follow it with GET /v1/imports/${importId}.`,
        extensions: { importId, state: record.state },
      });
    }
    return getImport(tx, programId, importId);
  });
  return { record, runner };
}

/**
 * Applies the rows of a begun commit from where it stopped, renewing its lease as it goes, and
 * marks it `committed` (with its `import.committed` message) at the end. Stopped by `signal`, or
 * when another process took its lease over, it answers the import as it stands (`committing`). A
 * problem marks it `failed` with that problem (what was applied stays) and is thrown.
 */
export async function runCommit(db: Database, run: CommitRun, input: CommitInput): Promise<ImportRecord> {
  const { programId, id: importId } = run.record;
  const leaseMs = input.leaseMs ?? COMMIT_LEASE_MS;
  const leaseClock = clockOf(input);
  let leaseHeld = true;
  const renew = async () => {
    leaseHeld &&= await renewCommitLease(
      db,
      programId,
      importId,
      run.runner,
      new Date(leaseClock().getTime() + leaseMs),
    );
  };
  // Renewed after each chunk, and by a timer while one chunk takes long.
  const heartbeat = setInterval(() => void renew().catch(() => {}), leaseMs / 3);
  heartbeat.unref();
  try {
    const applied = await recordAsHistory(() => applyRows(db, run, input, () => leaseHeld, renew));
    if (!applied) return await getImport(db, programId, importId);
    return await db.transaction(async (tx) => {
      const record = await getImport(tx, programId, importId, true);
      const now = leaseClock();
      if (await finishCommit(tx, programId, importId, run.runner, now))
        await recordImportFinished(tx, record, 'committed', now);
      return getImport(tx, programId, importId);
    });
  } catch (error) {
    // Another process took the commit over (this one seemed dead): it goes on from there.
    if (error instanceof CommitLeaseLost) return getImport(db, programId, importId);
    await failCommit(db, programId, importId, run.runner, failureOf(error, importId)).catch(() => {});
    throw error;
  } finally {
    clearInterval(heartbeat);
  }
}

/** The chunks still to do; false when the commit stopped before its end (shutdown, lease lost). */
async function applyRows(
  db: Database,
  run: CommitRun,
  input: CommitInput,
  leaseHeld: () => boolean,
  renew: () => Promise<void>,
): Promise<boolean> {
  const started = run.record;
  const { programId, id: importId } = started;
  const apply = APPLY[started.kind];
  const source = started.commitSource ?? input.source;
  let done = started.rowsDone;
  let after: { sortAt: Date | null; line: number } | null = started.commitAfter;
  for (;;) {
    if (input.signal?.aborted) {
      await releaseCommitLease(db, programId, importId, run.runner);
      return false;
    }
    if (!leaseHeld()) return false;
    const rows = await readStagedRows(
      db,
      programId,
      importId,
      after,
      input.chunkRows ?? CHUNK_ROWS,
      BY_TIME[started.kind],
    );
    if (rows.length === 0) return true;
    await input.beforeChunk?.();
    after = rows.at(-1)!;
    const fresh = await freshRows(db, started, rows);
    const skipped = rows.length - fresh.length;
    const last = after;
    const record = (tx: Queryable, result: ChunkResult) =>
      recordChunk(tx, run, result, skipped, rows.length, last);
    if (fresh.length > 0) await apply({ db, programId, importId, now: input.now, source }, fresh, record);
    else await record(db, { applied: [], errors: [], points: 0, membersCreated: 0, entriesMade: 0 });
    done += rows.length;
    input.onProgress?.(done, started.rowsValid);
    await renew();
  }
}

/** Thrown in a chunk's transaction when its runner lost the lease: the chunk is rolled back. */
class CommitLeaseLost extends Error {
  constructor() {
    super('another process took over the commit');
  }
}

/** A problem the import shows while `failed`: its own code, or one that says to commit again. */
function failureOf(error: unknown, importId: string): CommitFailure {
  const resume = `What was applied stays; commit the import again (POST /v1/imports/${importId}/commit) to resume from where it stopped.`;
  if (error instanceof JifenError) return { code: error.code, detail: `${error.detail} ${resume}` };
  return {
    code: 'import_commit_failed',
    detail: `The commit stopped: ${(error as Error)?.message ?? String(error)}. ${resume}`,
  };
}

/** Now for leases and the commit's end: the clock given, or `now` moving with real time. */
function clockOf(input: CommitInput): () => Date {
  const { clock } = input;
  if (clock) return () => clock.now();
  const startedAt = Date.now();
  return () => new Date(input.now.getTime() + (Date.now() - startedAt));
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

/**
 * Records what a chunk did, in its transaction: refused (the chunk rolled back) when this runner no
 * longer holds the lease, so a chunk two runners both applied is counted once.
 */
async function recordChunk(
  tx: Queryable,
  { record, runner }: CommitRun,
  result: ChunkResult,
  skipped: number,
  rowsDone: number,
  last: { sortAt: Date | null; line: number },
) {
  if (!(await advanceCommit(tx, record.programId, record.id, runner, rowsDone, last))) {
    throw new CommitLeaseLost();
  }
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

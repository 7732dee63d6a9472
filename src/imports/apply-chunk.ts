import type { Database } from '../db/database.ts';
import type { EntrySource } from '../ledger/ledger-types.ts';
import type { AppliedRow, StoredRow } from './import-store.ts';
import type { RowError } from './import-types.ts';

/** What every kind's apply step gets: the rows of one chunk, new to the program, in the order they apply. */
export interface ApplyContext {
  db: Database;
  programId: string;
  importId: string;
  /** When the import is committed: what entries are recorded at (they count from their own dates). */
  now: Date;
  source: EntrySource;
}

/**
 * What applying a chunk did: the rows applied (recorded with `markApplied` in the transaction `write`
 * gives, so a chunk is applied and recorded together where the kind allows), the rows refused
 * while applying (a balance for a member that does not exist), and the totals.
 */
export interface ChunkResult {
  applied: AppliedRow[];
  errors: RowError[];
  points: number;
  membersCreated: number;
  entriesMade: number;
}

export type ApplyChunk = (
  context: ApplyContext,
  rows: readonly StoredRow[],
  record: (tx: import('../db/database.ts').Queryable, result: ChunkResult) => Promise<void>,
) => Promise<ChunkResult>;

export function emptyResult(): ChunkResult {
  return { applied: [], errors: [], points: 0, membersCreated: 0, entriesMade: 0 };
}

/** The words of imports (docs/imports.md): what a file holds, how far an import went, what was wrong. */

export const IMPORT_KINDS = ['members', 'balances', 'events', 'tiers'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

/**
 * `dry_run`: checked and staged, nothing applied. `committing`: being applied, a chunk at a time
 * (a commit cut short stays here and is resumed). `failed`: a problem stopped the commit (what was
 * applied stays; committing again resumes it). `committed`, then maybe `undone`.
 */
export type ImportState = 'dry_run' | 'committing' | 'failed' | 'committed' | 'undone';

/** Why a commit stopped: a problem as the API answers one (its stable code and what to do). */
export interface CommitFailure {
  code: string;
  detail: string;
}

/** One problem of one row: where (the file's line and column) and what to fix. */
export interface RowError {
  line: number;
  column: string | null;
  message: string;
}

/** A row as read from the file: its line and its values by column (after the mapping). */
export interface SourceRecord {
  line: number;
  values: Record<string, unknown>;
}

/** A valid row, ready to stage: its own id, the instant it counts from, and its typed payload. */
export interface StagedRow {
  line: number;
  externalId: string;
  sortAt: Date | null;
  payload: Record<string, unknown>;
}

export interface ImportRecord {
  id: string;
  programId: string;
  kind: ImportKind;
  state: ImportState;
  fileName: string | null;
  rowsRead: number;
  rowsValid: number;
  rowsInvalid: number;
  rowsApplied: number;
  rowsSkipped: number;
  /** Staged rows the commit has been through (applied, skipped or refused), in the order they apply. */
  rowsDone: number;
  /** The last row done, so a resumed commit starts after it (null before the first chunk). */
  commitAfter: { sortAt: Date | null; line: number } | null;
  /** Who records the entries: the API key or operator that asked for the commit. */
  commitSource: import('../ledger/ledger-types.ts').EntrySource | null;
  /** The process running the commit and until when its lease holds (null: nobody runs it). */
  commitRunner: string | null;
  commitLeaseUntil: Date | null;
  failure: CommitFailure | null;
  points: number;
  membersCreated: number;
  entriesMade: number;
  skipErrors: boolean;
  errors: RowError[];
  createdAt: Date;
  committedAt: Date | null;
  undoneAt: Date | null;
}

/** How many errors an import keeps by line and column (the count keeps counting). */
export const MAX_KEPT_ERRORS = 1_000;

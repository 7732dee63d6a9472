/**
 * The one interface every store talks to. Two engines implement it: PostgreSQL (production) and
 * PGlite (embedded). Both speak the same SQL dialect, so no query is written twice.
 */
export interface Queryable {
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Database extends Queryable {
  readonly engine: 'postgres' | 'pglite';
  /** Runs `work` in one READ COMMITTED transaction; commits when it resolves, rolls back when it throws. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * The same database for background work (sweeps, dispatcher, reminders): on PGlite its operations
   * wait behind the API's and let the event loop run first; on PostgreSQL it is the same pool.
   */
  background(): Database;
  /** Connections right now, for metrics: a pool's (PostgreSQL) or the one connection's (PGlite). */
  poolUsage(): PoolUsage;
  close(): Promise<void>;
  /**
   * The embedded engine only: its whole data directory as a gzipped tarball, taken between two
   * transactions, so it is consistent. PostgreSQL is backed up with its own tools (pg_dump).
   */
  snapshotDataDir?(): Promise<Uint8Array>;
}

export interface PoolUsage {
  /** Connections open (PGlite: always 1). */
  total: number;
  /** Open connections doing nothing. */
  idle: number;
  /** Callers waiting for a connection (PGlite: operations queued behind the one in progress). */
  waiting: number;
}

/** PostgreSQL error codes that mean "run the whole transaction again". */
const RETRYABLE_SQLSTATES = new Set(['40001', '40P01']);

export function sqlState(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

export function constraintName(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'constraint' in error) {
    const name = (error as { constraint: unknown }).constraint;
    return typeof name === 'string' ? name : undefined;
  }
  return undefined;
}

export function isRetryable(error: unknown): boolean {
  const state = sqlState(error);
  return state !== undefined && RETRYABLE_SQLSTATES.has(state);
}

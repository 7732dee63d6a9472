import { AsyncLocalStorage } from 'node:async_hooks';
import type { Database, Queryable } from '../db/database.ts';

/**
 * One audited request = one transaction: the change and its audit record commit together or not
 * at all. Routes keep calling `deps.db` and the stores they always called; while an audited
 * request runs, `deps.db` (`scopedDatabase`) sends every statement and every `transaction()` of
 * it into the request's one transaction, begun on its first statement, and the record is
 * appended to that transaction before it commits (`finish`). A command run by `deps.send` before
 * the request touched the database keeps its own transaction (and its retries of races) and
 * appends the record there instead (`claimForCommand`).
 *
 * Nested `transaction()` calls join the request's transaction (no savepoint): a store that
 * catches a failed statement and goes on would find the transaction aborted. None does.
 */

export type AuditOutcome =
  /** Append the record (status < 400) or not, then commit. */
  | { kind: 'commit'; record: ((tx: Queryable) => Promise<void>) | null }
  /** The handler failed: roll back what it did. */
  | { kind: 'rollback' };

const ROLLED_BACK = Symbol('audit scope rolled back');

export class AuditScope {
  private tx: Promise<Queryable> | null = null;
  private outcome: ((outcome: AuditOutcome) => void) | null = null;
  private done: Promise<unknown> | null = null;
  /** True once the request's transaction ended (committed or rolled back). */
  closed = false;
  recordedByCommand = false;
  /** The body the handler sent (a create's id is its target). */
  answer: unknown;

  constructor(private readonly db: Database) {}

  get live(): boolean {
    return !this.closed && !this.recordedByCommand;
  }

  get opened(): boolean {
    return this.tx !== null;
  }

  /** The request's transaction, begun on first use. */
  open(): Promise<Queryable> {
    if (this.tx) return this.tx;
    this.tx = new Promise<Queryable>((give, refuse) => {
      const decided = new Promise<AuditOutcome>((resolve) => {
        this.outcome = resolve;
      });
      this.done = this.db.transaction(async (tx) => {
        give(tx);
        const outcome = await decided;
        if (outcome.kind === 'rollback') throw ROLLED_BACK;
        if (outcome.record) await outcome.record(tx);
      });
      this.done.catch(refuse);
    });
    return this.tx;
  }

  /** A command is about to run in its own transaction and write the record there. */
  claimForCommand(): boolean {
    if (!this.live || this.opened) return false;
    this.recordedByCommand = true;
    return true;
  }

  /** Ends the request's transaction (if it began): commits with the record, or rolls back. */
  async finish(outcome: AuditOutcome): Promise<void> {
    this.closed = true;
    if (!this.tx) {
      if (outcome.kind === 'commit' && outcome.record) await this.db.transaction(outcome.record);
      return;
    }
    this.outcome!(outcome);
    try {
      await this.done;
    } catch (error) {
      if (error !== ROLLED_BACK) throw error;
    }
  }
}

const storage = new AsyncLocalStorage<AuditScope>();

let running = 0;

/**
 * Runs a request's handler in its scope. On Node 20 an AsyncLocalStorage in use slows every
 * promise of the process (its async hooks: 2-4x per await in a micro-benchmark, and a bench run
 * without it showed no cost of the log),
 * so it is turned off whenever no such request is running: the ledger's hot paths (integration
 * traffic, and staff writes declared `viaCommand`) never pay for it.
 */
export async function runInAuditScope<T>(scope: AuditScope, work: () => Promise<T>): Promise<T> {
  running += 1;
  try {
    return await storage.run(scope, work);
  } finally {
    running -= 1;
    if (running === 0) storage.disable();
  }
}

/** The audited request this code runs for, while its transaction may still be joined. */
export function liveAuditScope(): AuditScope | undefined {
  const scope = storage.getStore();
  return scope?.live ? scope : undefined;
}

/** `deps.db`: the database, or the audited request's transaction while one runs (see above). */
export function scopedDatabase(db: Database): Database {
  const scoped: Database = {
    get engine() {
      return db.engine;
    },
    async query<Row>(sql: string, params?: readonly unknown[]) {
      const scope = liveAuditScope();
      return scope ? (await scope.open()).query<Row>(sql, params) : db.query<Row>(sql, params);
    },
    async exec(sql: string) {
      const scope = liveAuditScope();
      return scope ? (await scope.open()).exec(sql) : db.exec(sql);
    },
    async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
      const scope = liveAuditScope();
      return scope ? work(await scope.open()) : db.transaction(work);
    },
    background: () => db.background(),
    poolUsage: () => db.poolUsage(),
    close: () => db.close(),
  };
  if (db.snapshotDataDir) scoped.snapshotDataDir = () => db.snapshotDataDir!();
  unscoped.set(scoped, db);
  return scoped;
}

const unscoped = new WeakMap<Database, Database>();

/**
 * The database behind `deps.db`, which never joins an audited request's transaction: for reads
 * that outlive the request's handler (a streamed export reads its pages after its audit record
 * committed, as the response is written).
 */
export function unscopedDatabase(db: Database): Database {
  return unscoped.get(db) ?? db;
}

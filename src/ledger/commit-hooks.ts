import type { Queryable } from '../db/database.ts';
import type { SqlParam } from '../db/sql-params.ts';
import type { LedgerDraft } from './ledger-draft.ts';
import type { Entry } from './ledger-types.ts';

export type { SqlParam };

/**
 * What higher areas add to the commit of every ledger draft. The ledger knows nothing of tiers or
 * notifications: the composition root (`src/wiring.ts`, run by the app and the CLI) registers
 * these once at start-up, and every draft is then written with them.
 */
export interface DraftCommitHooks {
  /** A name, so registering the same hooks twice is harmless. */
  name: string;
  /**
   * Runs in the draft's transaction before any statement with the draft's writes is built
   * (`prepareDraftCommit`): fetches what `writtenAlongside` needs and cannot fetch itself, as it
   * builds SQL synchronously (e.g. the key the outbox rows are sealed with). Cheap when there is
   * nothing to fetch: it runs before every part of a batch.
   */
  prepare?: (tx: Queryable, programId: string) => Promise<void>;
  /**
   * Runs before the rest of a draft is written, under its members' locks, in the same transaction:
   * e.g. the tier changes the draft's growth causes (one decision at a time, `draft.decisions()`).
   * A large batch writes its draft in parts as it decides (`DraftWriter`), so some of the draft's
   * entries may already be in the tables: what the hook reads from them must leave
   * `draft.entries` out.
   */
  beforeWrite?: (tx: Queryable, programId: string, draft: LedgerDraft) => Promise<void>;
  /**
   * SQL written in the draft's own statement, one more CTE each (so it costs no round trip): e.g.
   * the outbox rows of the movements. `entries` are the ones this statement writes (a batch may
   * write its draft in parts); `$1` is the program id; `tx` is the transaction (as `prepare` saw it).
   */
  writtenAlongside?: (
    tx: Queryable,
    programId: string,
    draft: LedgerDraft,
    entries: readonly Entry[],
    param: SqlParam,
  ) => string[];
}

const registered = new Map<string, DraftCommitHooks>();

export function registerDraftCommitHooks(hooks: DraftCommitHooks): void {
  registered.set(hooks.name, hooks);
}

/** Runs every hook's `prepare` (see DraftCommitHooks): before building a statement with `addDraftWrites`. */
export async function prepareDraftCommit(tx: Queryable, programId: string): Promise<void> {
  for (const hooks of draftCommitHooks()) await hooks.prepare?.(tx, programId);
}

/** The registered hooks; refuses to write a draft in a process that never wired them. */
export function draftCommitHooks(): DraftCommitHooks[] {
  if (registered.size === 0) {
    throw new Error('ledger commit hooks are not wired: call wireAreas() (src/wiring.ts) at start-up');
  }
  return [...registered.values()];
}

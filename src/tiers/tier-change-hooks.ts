import type { Queryable } from '../db/database.ts';
import type { SqlParam } from '../ledger/commit-hooks.ts';
import type { TierChange, TierConfigVersion } from './tier-types.ts';

/** Tier changes as they are recorded: the changes, the configuration that made them, when. */
export interface RecordedTierChanges {
  changes: readonly TierChange[];
  /** The configuration that made the changes (its tier names). */
  current: Pick<TierConfigVersion, 'config'>;
  now: Date;
}

/**
 * What higher areas write with every tier history insert, in its one statement (more CTEs; `$1` is
 * the program id): the notifications' `tier.changed` messages. Registered by the composition root
 * (`src/wiring.ts`), so tiers never import notifications nor write their tables.
 */
export interface TierChangeHooks {
  name: string;
  /** Fetches what `writtenAlongside` needs before the statement is built (the outbox's sealing key). */
  prepare?: (tx: Queryable, programId: string) => Promise<void>;
  writtenAlongside: (
    tx: Queryable,
    programId: string,
    recorded: RecordedTierChanges,
    param: SqlParam,
  ) => string[];
}

const registered = new Map<string, TierChangeHooks>();

export function registerTierChangeHooks(hooks: TierChangeHooks): void {
  registered.set(hooks.name, hooks);
}

/** The registered hooks; refuses to record tier changes in a process that never wired them. */
export function tierChangeHooks(): TierChangeHooks[] {
  if (registered.size === 0) {
    throw new Error('tier change hooks are not wired: call wireAreas() (src/wiring.ts) at start-up');
  }
  return [...registered.values()];
}

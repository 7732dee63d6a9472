import type { Database, Queryable } from '../db/database.ts';

/**
 * Personal data written before the vault existed sits in plain text; each area that owns such a
 * column registers how to seal its rows (the composition root, src/wiring.ts), and `jifen serve`
 * runs them all once the vault is unlocked, before it serves. A sealer seals only values without
 * the `enc:v1:` prefix, in batches, each in its own transaction, so a start interrupted half-way
 * seals the rest on the next one, and it costs one query per column once nothing is left.
 */
export interface LegacySealer {
  /** The column(s) it seals, for the start-up line: `member_notification_preferences.phone`. */
  name: string;
  /** Seals what is still plain; answers how many values it sealed. */
  seal(db: Database): Promise<number>;
}

const sealers = new Map<string, LegacySealer>();

export function registerLegacySealer(sealer: LegacySealer): void {
  sealers.set(sealer.name, sealer);
}

/** Runs every registered sealer; answers what each sealed (only those that sealed something). */
export async function sealLegacyPlaintext(db: Database): Promise<{ name: string; sealed: number }[]> {
  const done: { name: string; sealed: number }[] = [];
  for (const sealer of sealers.values()) {
    const sealed = await sealer.seal(db);
    if (sealed > 0) done.push({ name: sealer.name, sealed });
  }
  return done;
}

/** Rows a legacy sealer reads and seals per transaction. */
export const LEGACY_BATCH = 500;

/**
 * The loop every legacy sealer runs: `batch` in a transaction of its own, again and again, until
 * it read fewer than LEGACY_BATCH rows. A batch answers the rows it read and the values it sealed
 * (a number: both). Answers the values sealed.
 */
export async function sealInBatches(
  db: Database,
  batch: (tx: Queryable) => Promise<number | { rows: number; sealed: number }>,
): Promise<number> {
  let sealed = 0;
  for (;;) {
    const done = await db.transaction(batch);
    const { rows, sealed: now } = typeof done === 'number' ? { rows: done, sealed: done } : done;
    sealed += now;
    if (rows < LEGACY_BATCH) return sealed;
  }
}

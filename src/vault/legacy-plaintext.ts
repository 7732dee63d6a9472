import type { Database } from '../db/database.ts';

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

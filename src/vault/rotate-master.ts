import type { Database } from '../db/database.ts';
import type { MasterKey } from './master-key.ts';
import { VaultError } from './vault-error.ts';
import { type DataKeyRow, unwrapDataKey, wrapDataKey } from './vault-keys.ts';

export interface RotationReport {
  /** Data keys re-wrapped now. */
  rewrapped: number;
  /** Data keys already wrapped by the new key (an earlier, interrupted run did them). */
  already: number;
}

/**
 * Re-wraps every data key with `to`, opening each with whichever of `from` wrapped it. Each key is
 * one statement of its own, guarded by the fingerprint it was read with: a run stopped half-way
 * leaves every key wrapped by one of the two, and running it again finishes it. Nothing encrypted
 * with a data key changes, so servers keep serving throughout (they hold the data keys, not the
 * master key, in memory) and the rotation takes a moment however much personal data there is.
 */
export async function rotateMasterKey(
  db: Database,
  from: readonly MasterKey[],
  to: MasterKey,
): Promise<RotationReport> {
  const rows = await db.query<DataKeyRow>(
    'select id, program_id, purpose, wrapped, master_fingerprint from vault_data_keys order by id',
  );
  let rewrapped = 0;
  let already = 0;
  for (const row of rows) {
    if (row.master_fingerprint === to.fingerprint) {
      already += 1;
      continue;
    }
    const master = from.find((key) => key.fingerprint === row.master_fingerprint);
    if (!master) {
      throw new VaultError(
        `The data key ${row.id} is wrapped by master key ${row.master_fingerprint}, which is not among the keys given (${from.map((key) => `${key.fingerprint} from ${key.origin}`).join(', ') || 'none'}): give it as JIFEN_PREVIOUS_MASTER_KEY.`,
      );
    }
    const key = unwrapDataKey(master, row);
    if (!key)
      throw new VaultError(`The data key ${row.id} does not open with master key ${master.fingerprint}.`);
    const updated = await db.query(
      `update vault_data_keys set wrapped = $2, master_fingerprint = $3, rewrapped_at = now()
        where id = $1 and master_fingerprint = $4 returning id`,
      [row.id, wrapDataKey(to, row.id, row.program_id, row.purpose, key), to.fingerprint, master.fingerprint],
    );
    if (updated.length > 0) rewrapped += 1;
    else already += 1;
  }
  return { rewrapped, already };
}

/** How many data keys each master key wraps (`jifen vault status`). */
export async function wrappedBy(db: Database): Promise<{ fingerprint: string; dataKeys: number }[]> {
  const rows = await db.query<{ master_fingerprint: string; count: number }>(
    `select master_fingerprint, count(*)::int as count from vault_data_keys
      group by master_fingerprint order by master_fingerprint`,
  );
  return rows.map((row) => ({ fingerprint: row.master_fingerprint, dataKeys: row.count }));
}

import { constraintName, type Database, isRetryable, type Queryable, sqlState } from './database.ts';

const MAX_ATTEMPTS = 8;

/** Constraint violations that mean "a concurrent transaction got there first": retry and re-read. */
const RACE_CONSTRAINTS = new Set([
  'idempotency_keys_pkey',
  'entries_reversed_once',
  'members_pkey',
  // One member id created (or given to a member by a change of id) by two transactions at once.
  'members_member_id_key',
  // One event id, or one order id, sent for different members at once: the members' locks do not
  // order them, the key does; the retry finds the winner's row.
  'events_pkey',
  'orders_pkey',
]);

function isRace(error: unknown): boolean {
  if (isRetryable(error)) return true;
  return sqlState(error) === '23505' && RACE_CONSTRAINTS.has(constraintName(error) ?? '');
}

/** Runs `work` in a transaction, again from the start when it lost a race (see RACE_CONSTRAINTS). */
export async function inTransactionRetryingRaces<T>(
  db: Database,
  work: (tx: Queryable) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction(work);
    } catch (error) {
      if (attempt < MAX_ATTEMPTS && isRace(error)) continue;
      throw error;
    }
  }
}

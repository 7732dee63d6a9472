import type { Database } from '../../src/db/database.ts';

/**
 * Holds these members' row locks in a transaction of `db` (a second connection) until `release`,
 * as a long command would: for tests of what background work does around busy members.
 */
export async function holdMemberLocks(
  db: Database,
  memberIds: readonly string[],
): Promise<{ release: () => Promise<void> }> {
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let locked = () => {};
  const lockTaken = new Promise<void>((resolve) => {
    locked = resolve;
  });
  const command = db.transaction(async (tx) => {
    await tx.query('select 1 from members where member_id = any($1::text[]) order by member_key for update', [
      memberIds,
    ]);
    locked();
    await released;
  });
  await lockTaken;
  return {
    release: async () => {
      release();
      await command;
    },
  };
}

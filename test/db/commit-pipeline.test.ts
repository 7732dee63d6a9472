import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { afterCommit } from '../../src/db/after-commit.ts';
import { awaitAtCommit } from '../../src/db/commit-pipeline.ts';
import { type Database, sqlState } from '../../src/db/database.ts';
import { inTransactionRetryingRaces } from '../../src/db/retrying-races.ts';
import { ENGINES, openTestDatabase } from '../support/test-database.ts';

// A transaction's last write is awaited at commit (COMMIT follows it on the wire on PostgreSQL):
// whatever the engine, a failed write fails the transaction with its own error and keeps nothing.
describe.each(ENGINES)('writes awaited at commit on %s', (engine) => {
  let db: Database;
  beforeAll(async () => {
    db = await openTestDatabase(engine, { migrate: false });
    await db.exec('create table pipeline_probe (id text primary key, note text not null)');
  });
  afterAll(async () => {
    await db.exec('drop table pipeline_probe');
    await db.close();
  });
  const rows = () => db.query<{ id: string }>('select id from pipeline_probe order by id');

  it('commits the write and runs the after-commit work', async () => {
    let ran = false;
    await db.transaction(async (tx) => {
      await tx.query(`insert into pipeline_probe values ('a', 'first')`);
      await awaitAtCommit(tx, tx.query(`insert into pipeline_probe values ('b', 'last')`));
      afterCommit(tx, () => {
        ran = true;
      });
    });
    expect(await rows()).toEqual([{ id: 'a' }, { id: 'b' }]);
    expect(ran).toBe(true);
  });

  it('fails with the write’s own error, keeps nothing and skips the after-commit work', async () => {
    let ran = false;
    const attempt = db.transaction(async (tx) => {
      await tx.query(`insert into pipeline_probe values ('c', 'kept only if all is')`);
      await awaitAtCommit(tx, tx.query(`insert into pipeline_probe values ('a', 'duplicate')`));
      afterCommit(tx, () => {
        ran = true;
      });
    });
    await expect(attempt).rejects.toSatisfy((error) => sqlState(error) === '23505');
    expect(await rows()).toEqual([{ id: 'a' }, { id: 'b' }]);
    expect(ran).toBe(false);
  });

  it('reports the failed write, not the statements that ran after it in the aborted transaction', async () => {
    const attempt = db.transaction(async (tx) => {
      await awaitAtCommit(tx, tx.query(`insert into pipeline_probe values ('a', 'duplicate')`));
      await tx.query(`insert into pipeline_probe values ('d', 'after the failure')`);
    });
    await expect(attempt).rejects.toSatisfy((error) => sqlState(error) === '23505');
    expect(await rows()).toEqual([{ id: 'a' }, { id: 'b' }]);
  });

  it('leaves the connection usable for the next transaction', async () => {
    for (let round = 0; round < 3; round++) {
      await expect(
        db.transaction((tx) =>
          awaitAtCommit(tx, tx.query(`insert into pipeline_probe values ('a', 'again')`)),
        ),
      ).rejects.toBeDefined();
    }
    await db.transaction((tx) =>
      awaitAtCommit(tx, tx.query(`insert into pipeline_probe values ('e', 'fine')`)),
    );
    expect(await rows()).toEqual([{ id: 'a' }, { id: 'b' }, { id: 'e' }]);
  });

  it('lets a race on a key be retried as a whole (the error a retry looks for is the write’s)', async () => {
    let attempts = 0;
    const noted = await inTransactionRetryingRaces(db, async (tx) => {
      attempts += 1;
      const id = attempts === 1 ? 'a' : 'f';
      await awaitAtCommit(tx, tx.query(`insert into pipeline_probe values ($1, 'race')`, [id]));
      return id;
    }).catch((error: unknown) => error);
    // Only races on the constraints the retry knows are retried; this table's key is not one of
    // them, so the first attempt's own unique violation is what comes back, unwrapped.
    expect(sqlState(noted)).toBe('23505');
    expect(attempts).toBe(1);
  });
});

import { PGlite } from '@electric-sql/pglite';
import { expect, test } from 'vitest';
import { openPglite } from '../../src/db/pglite-database.ts';
import { decodeBackup, encodeBackup } from '../../src/ops/backup-file.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('an embedded snapshot holds every commit before it and each transaction whole or not at all', async () => {
  const db = await openPglite();
  await db.exec('create table t (tx int not null, part int not null)');
  await db.query('insert into t values (0, 1), (0, 2)');
  // Transactions that pause between their statements while the snapshot is asked for.
  const writer = (tx: number) =>
    db.transaction(async (inner) => {
      await inner.query('insert into t values ($1, 1)', [tx]);
      await sleep(150);
      await inner.query('insert into t values ($1, 2)', [tx]);
    });
  const first = writer(1);
  await sleep(30); // the first transaction is open, halfway
  const snapshot = db.snapshotDataDir!();
  const second = writer(2);
  const [tarball] = await Promise.all([snapshot, first, second]);
  await db.close();

  // Through the backup file format and back, as `jifen restore` reads it.
  const { data } = decodeBackup(encodeBackup(new Date(), 0, tarball));
  const copy = new PGlite({ loadDataDir: new File([data], 'pgdata.tar.gz') });
  const { rows } = await copy.query<{ tx: number; parts: number }>(
    'select tx, count(*)::int as parts from t group by tx order by tx',
  );
  await copy.close();
  // What was committed before it was asked for is there; the transactions open or started
  // meanwhile are each there whole or not at all.
  expect(rows[0]).toEqual({ tx: 0, parts: 2 });
  expect(rows.filter((row) => row.parts !== 2)).toEqual([]);
});

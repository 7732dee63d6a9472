import { describe, expect, test } from 'vitest';
import { openPglite } from '../../src/db/pglite-database.ts';
import { vacuumEmbedded } from '../../src/db/vacuum.ts';

/**
 * PGlite has no autovacuum: a table whose rows are updated grows by a copy of them per update
 * unless something vacuums it (the demo's directory was 600 MB). `vacuumEmbedded` is what serve
 * and the demo run; with it, updated rows reuse the space of their dead copies.
 */
describe('vacuuming the embedded database', () => {
  test('rows updated again and again keep their table near its size only when vacuumed', async () => {
    const db = await openPglite();
    try {
      const sizeAfterUpdates = async (table: string, vacuum: boolean) => {
        await db.exec(`create table ${table} (id int primary key, payload text not null)`);
        await db.exec(`insert into ${table} select n, repeat('x', 200) from generate_series(1, 5000) n`);
        for (let round = 0; round < 6; round++) {
          await db.exec(`update ${table} set payload = repeat('y', 200)`);
          if (vacuum) await vacuumEmbedded(db);
        }
        const [row] = await db.query<{ bytes: number }>(`select pg_relation_size('${table}')::int as bytes`);
        return row!.bytes;
      };
      const left = await sizeAfterUpdates('left_alone', false);
      const vacuumed = await sizeAfterUpdates('vacuumed', true);
      // 5,000 rows of ~230 bytes are about 1.2 MB: unvacuumed, six updates leave seven copies.
      expect(left).toBeGreaterThan(6 * 1_000_000);
      expect(vacuumed).toBeLessThan(left / 2.5);
    } finally {
      await db.close();
    }
  });
});

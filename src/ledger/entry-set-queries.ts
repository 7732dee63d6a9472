import type { Queryable } from '../db/database.ts';
import { ENTRY_COLUMNS, type EntryRow, toEntry } from './ledger-rows.ts';
import type { Entry } from './ledger-types.ts';

/**
 * Reads over a set of entries another area keeps the ids of (an import's): the entries themselves,
 * and whether the points they gave have been spent since.
 */

/** The entries as stored (those that exist), with whether each has been reversed already. */
export async function entriesByIds(
  db: Queryable,
  programId: string,
  entryIds: readonly string[],
): Promise<{ entry: Entry; reversed: boolean }[]> {
  if (entryIds.length === 0) return [];
  const rows = await db.query<EntryRow & { reversed: boolean }>(
    `select ${ENTRY_COLUMNS},
            exists (select 1 from entries r where r.program_id = entries.program_id and r.reverses_entry_id = entries.id)
              as reversed
       from unnest($2::text[]) as wanted (entry_id)
       cross join lateral (select * from entries where program_id = $1 and id = wanted.entry_id offset 0) entries`,
    [programId, entryIds],
  );
  return rows.map((row) => ({ entry: toEntry(row), reversed: row.reversed }));
}

/**
 * The members (by id, at most `limit`) whose points from the lots these entries created were taken
 * by an entry outside the set other than expiry — spent, held, transferred, clawed back by someone
 * else: reversing the set would take points they no longer have from elsewhere.
 */
export async function membersWhoSpentFrom(
  db: Queryable,
  programId: string,
  entryIds: readonly string[],
  limit = 10,
): Promise<string[]> {
  if (entryIds.length === 0) return [];
  const rows = await db.query<{ member_id: string }>(
    `with made as (
       select e.member_key, t.touch->>'lotId' as lot_id
         from unnest($2::text[]) as wanted (entry_id)
         cross join lateral (select * from entries where program_id = $1 and id = wanted.entry_id offset 0) e
         cross join lateral jsonb_array_elements(e.lots) as t (touch)
        where (t.touch->>'points')::int8 > 0 and e.type in ('earn', 'adjust')
     ),
     spent as (
       select distinct e.member_key
         from entries e cross join lateral jsonb_array_elements(e.lots) as t (touch)
        where e.program_id = $1 and e.member_key in (select member_key from made)
          and (t.touch->>'points')::int8 < 0 and t.touch->>'lotId' in (select lot_id from made)
          and e.type <> 'expire' and e.id <> all($2::text[])
          and not exists (select 1 from entries r where r.program_id = e.program_id and r.reverses_entry_id = e.id)
     )
     select m.member_id from spent s join members m on m.program_id = $1 and m.member_key = s.member_key
      order by m.member_id limit $3`,
    [programId, entryIds, limit],
  );
  return rows.map((row) => row.member_id);
}

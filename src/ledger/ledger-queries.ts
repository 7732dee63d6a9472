import type { Queryable } from '../db/database.ts';
import { asMemberKey, type MemberKey } from '../members/member-key.ts';
import { memberKeyOf, memberNotFound } from '../members/member-store.ts';
import { JifenError } from '../shared/errors.ts';
import {
  type ActivityScope,
  inAnyWindow,
  inScope,
  type WindowRef,
  withinWindow,
} from '../shared/member-activity-sql.ts';
import { cursorKey, toPage } from '../shared/pages.ts';
import {
  ENTRY_COLUMNS,
  type EntryRow,
  HOLD_COLUMNS,
  type HoldRow,
  LOT_COLUMNS,
  type LotRow,
  toEntry,
  toHold,
  toLot,
} from './ledger-rows.ts';
import type { Entry, Hold } from './ledger-types.ts';
import { entryView, holdView, lotView } from './ledger-views.ts';

/** Read side of the ledger: lists and single rows, always scoped by program. */

/** Newest first; the cursor is the last id of the previous page (ids sort by creation time). */
export async function listEntries(
  db: Queryable,
  programId: string,
  memberId: string,
  options: { limit: number; cursor?: string | undefined; type?: string | undefined },
) {
  const memberKey = await memberKeyOf(db, programId, memberId);
  const rows = await db.query<EntryRow>(
    `select ${ENTRY_COLUMNS} from entries
      where program_id = $1 and member_key = $2 and ($3::text is null or id < $3) and ($4::text is null or type = $4)
      order by id desc limit $5`,
    [programId, memberKey, cursorKey(options.cursor) ?? null, options.type ?? null, options.limit + 1],
  );
  return toPage(rows, options.limit, (row) => entryView(toEntry(row)));
}

/** Oldest first (lot ids sort by creation time). */
export async function listLots(
  db: Queryable,
  programId: string,
  memberId: string,
  now: Date,
  options: { limit: number; cursor?: string | undefined; includeEmpty: boolean },
) {
  const memberKey = await memberKeyOf(db, programId, memberId);
  const rows = await db.query<LotRow>(
    `select ${LOT_COLUMNS} from lots
      where program_id = $1 and member_key = $2 and ($3 or remaining > 0) and ($4::text is null or id > $4)
      order by id limit $5`,
    [programId, memberKey, options.includeEmpty, cursorKey(options.cursor) ?? null, options.limit + 1],
  );
  return toPage(rows, options.limit, (row) => lotView(toLot(row, memberId), now));
}

export async function getEntry(db: Queryable, programId: string, entryId: string) {
  const [row] = await db.query<EntryRow>(
    `select ${ENTRY_COLUMNS} from entries where program_id = $1 and id = $2`,
    [programId, entryId],
  );
  if (!row) throw new JifenError('entry_not_found', { extensions: { entryId } });
  return entryView(toEntry(row));
}

export async function getHold(db: Queryable, programId: string, holdId: string) {
  const [row] = await db.query<HoldRow>(
    `select ${HOLD_COLUMNS} from holds where program_id = $1 and id = $2`,
    [programId, holdId],
  );
  if (!row) throw new JifenError('hold_not_found', { extensions: { holdId } });
  return holdView(toHold(row));
}

/**
 * What a member can spend now: the available balance less the points past their expiry that the
 * sweep has not removed yet (the balance a quote may offer). member_not_found for an unknown member.
 */
export async function spendablePointsOf(
  db: Queryable,
  programId: string,
  memberId: string,
  now: Date,
): Promise<number> {
  const [row] = await db.query<{ available_points: number; member_key: string }>(
    'select available_points, member_key from members where program_id = $1 and member_id = $2',
    [programId, memberId],
  );
  if (!row) throw memberNotFound(memberId);
  const memberKey = asMemberKey(row.member_key);
  return Number(row.available_points) - (await expiredUnsweptPoints(db, programId, memberKey, now));
}

/**
 * Points of the member's available lots already past their expiry that the expiry sweep has not
 * removed yet: never spendable, so a balance read subtracts them from `available`.
 */
export async function expiredUnsweptPoints(
  db: Queryable,
  programId: string,
  memberKey: MemberKey,
  now: Date,
): Promise<number> {
  const [row] = await db.query<{ points: string | number }>(
    `select coalesce(sum(remaining), 0)::int8 as points from lots
      where program_id = $1 and member_key = $2 and remaining > 0 and status = 'available' and expires_at <= $3`,
    [programId, memberKey, now.toISOString()],
  );
  return Number(row?.points ?? 0);
}

/**
 * `expiredUnsweptPoints` of several members in one statement (a page of a member listing): the
 * members with none are left out of the map.
 */
export async function expiredUnsweptPointsOf(
  db: Queryable,
  programId: string,
  memberKeys: readonly MemberKey[],
  now: Date,
): Promise<Map<MemberKey, number>> {
  if (memberKeys.length === 0) return new Map();
  const rows = await db.query<{ member_key: string; points: string | number }>(
    `select member_key, sum(remaining)::int8 as points from lots
      where program_id = $1 and member_key = any($2::text[]) and remaining > 0 and status = 'available'
        and expires_at <= $3
      group by member_key`,
    [programId, memberKeys, now.toISOString()],
  );
  return new Map(rows.map((row) => [asMemberKey(row.member_key), Number(row.points)]));
}

/** One entry as stored, or null: for areas that keep an entry's id (a redemption's spend). */
export async function findEntry(db: Queryable, programId: string, entryId: string): Promise<Entry | null> {
  const [row] = await db.query<EntryRow>(
    `select ${ENTRY_COLUMNS} from entries where program_id = $1 and id = $2`,
    [programId, entryId],
  );
  return row ? toEntry(row) : null;
}

/** The id of the entry that reversed this one, or null (an entry is reversed at most once). */
export async function reversalOf(db: Queryable, programId: string, entryId: string): Promise<string | null> {
  const [row] = await db.query<{ id: string }>(
    'select id from entries where program_id = $1 and reverses_entry_id = $2 limit 1',
    [programId, entryId],
  );
  return row?.id ?? null;
}

/** Holds as stored, by id: for areas that keep a hold's id (checkout payments). */
export async function holdsByIds(
  db: Queryable,
  programId: string,
  holdIds: readonly string[],
): Promise<Map<string, Hold>> {
  if (holdIds.length === 0) return new Map();
  const rows = await db.query<HoldRow>(
    `select ${HOLD_COLUMNS} from holds where program_id = $1 and id = any($2::text[])`,
    [programId, [...new Set(holdIds)]],
  );
  return new Map(rows.map((row) => [row.id, toHold(row)]));
}

/** The capture entry of a member's hold, with the entry that reversed it if one did; null if none. */
export async function captureOfHold(
  db: Queryable,
  programId: string,
  memberKey: MemberKey,
  holdId: string,
): Promise<{ id: string; reversalId: string | null } | null> {
  const [row] = await db.query<{ id: string; reversal_id: string | null }>(
    `select c.id, (select r.id from entries r where r.program_id = c.program_id and r.reverses_entry_id = c.id)
              as reversal_id
       from entries c where c.program_id = $1 and c.member_key = $2 and c.hold_id = $3 and c.type = 'capture'`,
    [programId, memberKey, holdId],
  );
  return row ? { id: row.id, reversalId: row.reversal_id } : null;
}

/** Growth each member earned (net of what refunds took back) in [from, to) of when it counts (`effectiveAt`), from the journal. */
export async function growthInWindow(
  db: Queryable,
  programId: string,
  memberKeys: readonly MemberKey[],
  from: Date,
  to: Date,
  /** Entries not to count: a draft's own, when part of it may already be written. */
  excludingEntryIds: readonly string[] = [],
): Promise<Map<MemberKey, number>> {
  const growth = new Map<MemberKey, number>(memberKeys.map((memberKey) => [memberKey, 0]));
  if (memberKeys.length === 0) return growth;
  const rows = await db.query<{ member_key: string; growth: string }>(
    `select member_key, sum(growth_delta)::int8 as growth from entries
      where program_id = $1 and member_key = any($2::text[]) and growth_delta <> 0
        and coalesce(effective_at, created_at) >= $3 and coalesce(effective_at, created_at) < $4
        and id <> all($5::text[])
      group by member_key`,
    [programId, memberKeys, from.toISOString(), to.toISOString(), excludingEntryIds],
  );
  for (const row of rows) growth.set(asMemberKey(row.member_key), Number(row.growth));
  return growth;
}

/**
 * Points of these lots their member has lost other than by being spent, summed per `key` (e.g. an
 * order and the lots it earned): what expiry swept from them (unless the expiry was reversed), and
 * what reversals of the entries that created them took back. Read under the members' lock.
 */
export async function pointsLostFromLots(
  db: Queryable,
  programId: string,
  lots: readonly { key: string; memberKey: MemberKey; lotId: string }[],
): Promise<Map<string, number>> {
  if (lots.length === 0) return new Map();
  const rows = await db.query<{ key: string; lost: string }>(
    `with keyed_lots (key, member_key, lot_id) as (
       select * from unnest($2::text[], $3::text[], $4::text[])
     ),
     expired as (
       select kl.key, -(t.touch->>'points')::int8 as points
         from keyed_lots kl
         join entries e on e.program_id = $1 and e.member_key = kl.member_key and e.type = 'expire'
         cross join lateral jsonb_array_elements(e.lots) as t (touch)
        where t.touch->>'lotId' = kl.lot_id
          and not exists (select 1 from entries r where r.program_id = $1 and r.reverses_entry_id = e.id)
     ),
     reversed as (
       select kl.key, -(r.available_delta + r.pending_delta) + r.unrecovered_points as points
         from keyed_lots kl
         join lots l on l.program_id = $1 and l.id = kl.lot_id
         join entries r on r.program_id = $1 and r.reverses_entry_id = l.entry_id
     )
     select key, sum(points)::int8 as lost from (select * from expired union all select * from reversed) x
      group by key`,
    [programId, lots.map((lot) => lot.key), lots.map((lot) => lot.memberKey), lots.map((lot) => lot.lotId)],
  );
  return new Map(rows.map((row) => [row.key, Number(row.lost)]));
}

/**
 * The store an entry's source records (`source.store`): the entry by id, or the hold entry of a
 * hold; undefined when there is none or it names no store.
 */
export async function storeOfEntry(
  db: Queryable,
  programId: string,
  memberKey: string,
  entry: { entryId: string } | { holdId: string },
): Promise<string | undefined> {
  const [row] = await db.query<{ store: string | null }>(
    'holdId' in entry
      ? `select source->>'store' as store from entries
          where program_id = $1 and member_key = $2 and hold_id = $3 and type = 'hold'`
      : `select source->>'store' as store from entries
          where program_id = $1 and member_key = $2 and id = $3`,
    [programId, memberKey, 'holdId' in entry ? entry.holdId : entry.entryId],
  );
  return row?.store ?? undefined;
}

/**
 * Members' points for segments (shared/member-activity-sql.ts), per window: `earned_<i>`, the
 * points earned (entries of type `earn`, pending or available), and `spent_<i>`, the points
 * redeemed net of what came back (the `redeemed` account).
 */
export function pointsActivitySql(scope: ActivityScope, windows: readonly WindowRef[]): string {
  const columns = windows.flatMap((days, i) => [
    `coalesce(sum(e.available_delta + e.pending_delta) filter (where e.type = 'earn' and ${withinWindow('e.created_at', days)}), 0) as earned_${i}`,
    `coalesce(sum(e.contra_delta) filter (where e.contra_account = 'redeemed' and ${withinWindow('e.created_at', days)}), 0) as spent_${i}`,
  ]);
  return `select e.member_key, ${columns.join(', ')}
            from entries e
           where e.program_id = $1 and ${inScope(scope, 'e.member_key')}
             and (e.type = 'earn' or e.contra_account = 'redeemed') and ${inAnyWindow('e.created_at', windows)}
           group by e.member_key`;
}

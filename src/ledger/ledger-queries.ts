import type { Queryable } from '../db/database.ts';
import { memberNotFound } from '../members/member-store.ts';
import { JifenError } from '../shared/errors.ts';
import { toPage } from '../shared/pages.ts';
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
import { entryView, holdView, lotView } from './ledger-views.ts';

/** Read side of the ledger: lists and single rows, always scoped by program. */

async function assertMemberExists(db: Queryable, programId: string, memberId: string): Promise<void> {
  const [row] = await db.query('select 1 from members where program_id = $1 and member_id = $2', [
    programId,
    memberId,
  ]);
  if (!row) throw memberNotFound(memberId);
}

/** Newest first; the cursor is the last id of the previous page (ids sort by creation time). */
export async function listEntries(
  db: Queryable,
  programId: string,
  memberId: string,
  options: { limit: number; cursor?: string | undefined; type?: string | undefined },
) {
  await assertMemberExists(db, programId, memberId);
  const rows = await db.query<EntryRow>(
    `select ${ENTRY_COLUMNS} from entries
      where program_id = $1 and member_id = $2 and ($3::text is null or id < $3) and ($4::text is null or type = $4)
      order by id desc limit $5`,
    [programId, memberId, options.cursor ?? null, options.type ?? null, options.limit + 1],
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
  await assertMemberExists(db, programId, memberId);
  const rows = await db.query<LotRow>(
    `select ${LOT_COLUMNS} from lots
      where program_id = $1 and member_id = $2 and ($3 or remaining > 0) and ($4::text is null or id > $4)
      order by id limit $5`,
    [programId, memberId, options.includeEmpty, options.cursor ?? null, options.limit + 1],
  );
  return toPage(rows, options.limit, (row) => lotView(toLot(row), now));
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

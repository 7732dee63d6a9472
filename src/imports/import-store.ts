import { createHash } from 'node:crypto';
import type { Queryable } from '../db/database.ts';
import type { EntrySource } from '../ledger/ledger-types.ts';
import { JifenError } from '../shared/errors.ts';
import { blindIndex, openText, sealText } from '../vault/field-cipher.ts';
import type {
  CommitFailure,
  ImportKind,
  ImportRecord,
  ImportState,
  RowError,
  StagedRow,
} from './import-types.ts';

/** The imports area's tables: `imports`, `import_rows` (staged rows) and `import_applied` (ids in force). */

interface ImportRow {
  program_id: string;
  id: string;
  kind: ImportKind;
  state: ImportState;
  file_name: string | null;
  rows_read: string | number;
  rows_valid: string | number;
  rows_invalid: string | number;
  rows_applied: string | number;
  rows_skipped: string | number;
  rows_done: string | number;
  commit_after_sort_at: Date | null;
  commit_after_line: string | number | null;
  commit_source: EntrySource | null;
  commit_runner: string | null;
  commit_lease_until: Date | null;
  failure: CommitFailure | null;
  points: string | number;
  members_created: string | number;
  entries_made: string | number;
  skip_errors: boolean;
  errors: RowError[];
  created_at: Date;
  committed_at: Date | null;
  undone_at: Date | null;
}

function toRecord(row: ImportRow): ImportRecord {
  const date = (value: Date | null) => (value === null ? null : new Date(value));
  return {
    id: row.id,
    programId: row.program_id,
    kind: row.kind,
    state: row.state,
    fileName: row.file_name,
    rowsRead: Number(row.rows_read),
    rowsValid: Number(row.rows_valid),
    rowsInvalid: Number(row.rows_invalid),
    rowsApplied: Number(row.rows_applied),
    rowsSkipped: Number(row.rows_skipped),
    rowsDone: Number(row.rows_done),
    commitAfter:
      row.commit_after_line === null
        ? null
        : { sortAt: date(row.commit_after_sort_at), line: Number(row.commit_after_line) },
    commitSource: row.commit_source,
    commitRunner: row.commit_runner,
    commitLeaseUntil: date(row.commit_lease_until),
    failure: row.failure,
    points: Number(row.points),
    membersCreated: Number(row.members_created),
    entriesMade: Number(row.entries_made),
    skipErrors: row.skip_errors,
    errors: row.errors,
    createdAt: new Date(row.created_at),
    committedAt: date(row.committed_at),
    undoneAt: date(row.undone_at),
  };
}

export async function insertImport(
  db: Queryable,
  record: Pick<ImportRecord, 'id' | 'programId' | 'kind' | 'fileName' | 'createdAt'>,
): Promise<void> {
  await db.query(
    `insert into imports (program_id, id, kind, state, file_name, created_at) values ($1, $2, $3, 'dry_run', $4, $5)`,
    [record.programId, record.id, record.kind, record.fileName, record.createdAt.toISOString()],
  );
}

export async function getImport(
  db: Queryable,
  programId: string,
  importId: string,
  lock = false,
): Promise<ImportRecord> {
  const [row] = await db.query<ImportRow>(
    `select * from imports where program_id = $1 and id = $2${lock ? ' for update' : ''}`,
    [programId, importId],
  );
  if (!row) {
    throw new JifenError('import_not_found', {
      detail: `There is no import "${importId}" in this program.`,
      extensions: { importId },
    });
  }
  return toRecord(row);
}

/** Newest first, `limit + 1` rows after the cursor's id (see `shared/pages.ts`). */
export async function listImports(
  db: Queryable,
  programId: string,
  options: { limit: number; after?: string | undefined },
): Promise<ImportRecord[]> {
  const rows = await db.query<ImportRow>(
    `select * from imports where program_id = $1 and ($2::text is null or id < $2) order by id desc limit $3`,
    [programId, options.after ?? null, options.limit + 1],
  );
  return rows.map(toRecord);
}

/** Adds to an import's counters (and its kept errors, up to `keepErrors` in all). */
export async function addToImport(
  db: Queryable,
  programId: string,
  importId: string,
  counts: Partial<
    Record<
      | 'rowsRead'
      | 'rowsValid'
      | 'rowsInvalid'
      | 'rowsApplied'
      | 'rowsSkipped'
      | 'points'
      | 'membersCreated'
      | 'entriesMade',
      number
    >
  >,
  errors: readonly RowError[] = [],
  keepErrors = 0,
): Promise<void> {
  await db.query(
    `update imports set rows_read = rows_read + $3, rows_valid = rows_valid + $4, rows_invalid = rows_invalid + $5,
            rows_applied = rows_applied + $6, rows_skipped = rows_skipped + $7, points = points + $8,
            members_created = members_created + $9, entries_made = entries_made + $10,
            errors = case when jsonb_array_length(errors) >= $12 then errors
                          else errors || (select coalesce(jsonb_agg(e), '[]') from
                                           (select e from jsonb_array_elements($11::jsonb) with ordinality as x (e, n)
                                             order by n limit greatest($12 - jsonb_array_length(errors), 0)) kept) end
      where program_id = $1 and id = $2`,
    [
      programId,
      importId,
      counts.rowsRead ?? 0,
      counts.rowsValid ?? 0,
      counts.rowsInvalid ?? 0,
      counts.rowsApplied ?? 0,
      counts.rowsSkipped ?? 0,
      counts.points ?? 0,
      counts.membersCreated ?? 0,
      counts.entriesMade ?? 0,
      JSON.stringify(errors.map(storableError)),
      keepErrors,
    ],
  );
}

/** A file's column names and values reach messages: what PostgreSQL cannot store in JSON is replaced. */
function storableError(error: RowError): RowError {
  const clean = (text: string) =>
    text
      .replaceAll(String.fromCharCode(0), '\uFFFD')
      .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
  return {
    line: error.line,
    column: error.column === null ? null : clean(error.column),
    message: clean(error.message),
  };
}

/**
 * A chunk done: the rows it went through, and the last of them (a resumed commit starts after it).
 * Recorded only while `runner` holds the commit's lease; false when it lost it (another process
 * took the commit over), and the caller's transaction must then be rolled back.
 */
export async function advanceCommit(
  tx: Queryable,
  programId: string,
  importId: string,
  runner: string,
  rowsDone: number,
  last: { sortAt: Date | null; line: number },
): Promise<boolean> {
  const rows = await tx.query(
    `update imports set rows_done = rows_done + $4, commit_after_sort_at = $5, commit_after_line = $6
      where program_id = $1 and id = $2 and commit_runner = $3 and state = 'committing' returning id`,
    [programId, importId, runner, rowsDone, last.sortAt?.toISOString() ?? null, last.line],
  );
  return rows.length === 1;
}

export async function setImportState(
  db: Queryable,
  programId: string,
  importId: string,
  state: ImportState,
  at: Date,
  skipErrors?: boolean,
): Promise<void> {
  await db.query(
    `update imports set state = $3,
            committed_at = case when $3 = 'committed' then $4::timestamptz else committed_at end,
            undone_at = case when $3 = 'undone' then $4::timestamptz else undone_at end,
            skip_errors = coalesce($5, skip_errors)
      where program_id = $1 and id = $2`,
    [programId, importId, state, at.toISOString(), skipErrors ?? null],
  );
}

export function rowHash(payload: unknown): string {
  return createHash('sha256').update(JSON.stringify(payload)).digest('base64url');
}

/**
 * A members row carries the member's birthday and attributes (personal data, sealed in the
 * members table): staged, they are sealed too, as `profile.sealed` (JSON of both), and its hash is
 * keyed (HMAC under the program's index key), as a plain hash of a row would let anyone holding
 * the member id try every birthday. `readStagedRows` opens them.
 */
const PROFILE_FIELD = 'import_rows.payload.profile';
const PERSONAL_PROFILE_KEYS = ['birthday', 'attributes'] as const;

async function storedForm(
  db: Queryable,
  programId: string,
  payload: Record<string, unknown>,
): Promise<{ payload: Record<string, unknown>; hash: string }> {
  const profile = payload.profile as Record<string, unknown> | undefined;
  const personal = profile && PERSONAL_PROFILE_KEYS.filter((key) => profile[key] !== undefined);
  if (!profile || !personal || personal.length === 0) return { payload, hash: rowHash(payload) };
  const rest = { ...profile };
  for (const key of PERSONAL_PROFILE_KEYS) delete rest[key];
  const sealed = await sealText(
    db,
    programId,
    PROFILE_FIELD,
    JSON.stringify(Object.fromEntries(personal.map((key) => [key, profile[key]]))),
  );
  return {
    payload: { ...payload, profile: { ...rest, sealed } },
    hash: await blindIndex(db, programId, 'import_rows.row_hash', JSON.stringify(payload)),
  };
}

async function openedPayload(
  db: Queryable,
  programId: string,
  payload: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const profile = payload.profile as Record<string, unknown> | undefined;
  if (!profile || typeof profile.sealed !== 'string') return payload;
  const { sealed, ...rest } = profile;
  const personal: unknown = JSON.parse(await openText(db, programId, PROFILE_FIELD, sealed));
  return { ...payload, profile: { ...rest, ...(personal as object) } };
}

/**
 * Stages valid rows; answers, for each row whose id an earlier row of the file already has, that
 * earlier row's line (the row is not staged).
 */
export async function stageRows(
  db: Queryable,
  programId: string,
  importId: string,
  rows: readonly StagedRow[],
): Promise<Map<number, number>> {
  const duplicates = new Map<number, number>();
  if (rows.length === 0) return duplicates;
  // Within the chunk: the first row with an id is staged, the later ones are duplicates.
  const firstLine = new Map<string, number>();
  const unique: StagedRow[] = [];
  for (const row of rows) {
    const first = firstLine.get(row.externalId);
    if (first !== undefined) duplicates.set(row.line, first);
    else {
      firstLine.set(row.externalId, row.line);
      unique.push(row);
    }
  }
  const stored = await Promise.all(unique.map((row) => storedForm(db, programId, row.payload)));
  const inserted = await db.query<{ line: string | number }>(
    `insert into import_rows (program_id, import_id, line, external_id, sort_at, payload, row_hash)
     select $1, $2, r.line, r.external_id, r.sort_at, r.payload, r.row_hash
       from json_to_recordset($3::json) as r (line int8, external_id text, sort_at timestamptz, payload jsonb, row_hash text)
     on conflict (program_id, import_id, external_id) do nothing
     returning line`,
    [
      programId,
      importId,
      JSON.stringify(
        unique.map((row, index) => ({
          line: row.line,
          external_id: row.externalId,
          sort_at: row.sortAt?.toISOString() ?? null,
          payload: stored[index]!.payload,
          row_hash: stored[index]!.hash,
        })),
      ),
    ],
  );
  const staged = new Set(inserted.map((row) => Number(row.line)));
  const clashing = unique.filter((row) => !staged.has(row.line));
  if (clashing.length > 0) {
    const earlier = await db.query<{ external_id: string; line: string | number }>(
      'select external_id, line from import_rows where program_id = $1 and import_id = $2 and external_id = any($3::text[])',
      [programId, importId, clashing.map((row) => row.externalId)],
    );
    const lineOf = new Map(earlier.map((row) => [row.external_id, Number(row.line)]));
    for (const row of clashing) duplicates.set(row.line, lineOf.get(row.externalId) ?? 0);
  }
  return duplicates;
}

export interface StoredRow {
  line: number;
  externalId: string;
  sortAt: Date | null;
  payload: Record<string, unknown>;
  rowHash: string;
}

/**
 * Staged rows in the order they apply, a page at a time: rows that count from an instant (balances,
 * events) by it, then by line; the others (members, tiers) by line. Each page starts after the
 * last row of the one before, by an index, so paging a million rows stays linear.
 */
export async function readStagedRows(
  db: Queryable,
  programId: string,
  importId: string,
  after: { sortAt: Date | null; line: number } | null,
  limit: number,
  byTime: boolean,
): Promise<StoredRow[]> {
  const rows = await db.query<{
    line: string | number;
    external_id: string;
    sort_at: Date | null;
    payload: Record<string, unknown>;
    row_hash: string;
  }>(
    byTime
      ? `select line, external_id, sort_at, payload, row_hash from import_rows
          where program_id = $1 and import_id = $2 and ($3::timestamptz is null or (sort_at, line) > ($3, $4::int8))
          order by sort_at, line limit $5`
      : `select line, external_id, sort_at, payload, row_hash from import_rows
          where program_id = $1 and import_id = $2 and line > $4::int8 and $3::timestamptz is null
          order by line limit $5`,
    [programId, importId, byTime ? (after?.sortAt?.toISOString() ?? null) : null, after?.line ?? 0, limit],
  );
  return Promise.all(
    rows.map(async (row) => ({
      line: Number(row.line),
      externalId: row.external_id,
      sortAt: row.sort_at === null ? null : new Date(row.sort_at),
      payload: await openedPayload(db, programId, row.payload),
      rowHash: row.row_hash,
    })),
  );
}

/** The row hash in force for each of these ids of a kind (applied by a committed import, not undone). */
export async function appliedHashes(
  db: Queryable,
  programId: string,
  kind: ImportKind,
  externalIds: readonly string[],
): Promise<Map<string, string>> {
  if (externalIds.length === 0) return new Map();
  const rows = await db.query<{ external_id: string; row_hash: string }>(
    // One index look-up per id (`offset 0` keeps the planner from flattening it into a scan of the
    // program's rows, which it did while the table had no statistics: every chunk read them all).
    `select u.id as external_id, a.row_hash from unnest($3::text[]) as u (id)
       cross join lateral (select row_hash from import_applied a
                            where a.program_id = $1 and a.external_id = u.id and a.kind = $2 offset 0) a`,
    [programId, kind, externalIds],
  );
  return new Map(rows.map((row) => [row.external_id, row.row_hash]));
}

/** How many staged rows of an import an earlier import applied already, as they are (a dry run's "already imported"). */
export async function countAlreadyApplied(
  db: Queryable,
  programId: string,
  importId: string,
  kind: ImportKind,
): Promise<number> {
  const [row] = await db.query<{ count: string | number }>(
    `select count(*) as count from import_rows r join import_applied a
        on a.program_id = r.program_id and a.kind = $3 and a.external_id = r.external_id and a.row_hash = r.row_hash
      where r.program_id = $1 and r.import_id = $2`,
    [programId, importId, kind],
  );
  return Number(row?.count ?? 0);
}

export interface AppliedRow {
  line: number;
  externalId: string;
  rowHash: string;
  entryIds: readonly string[];
  memberCreated: boolean;
}

/** Records what applying rows did, and makes their ids the ones in force. */
export async function markApplied(
  tx: Queryable,
  programId: string,
  importId: string,
  kind: ImportKind,
  rows: readonly AppliedRow[],
): Promise<void> {
  if (rows.length === 0) return;
  const json = JSON.stringify(
    rows.map((row) => ({
      line: row.line,
      external_id: row.externalId,
      row_hash: row.rowHash,
      entry_ids: row.entryIds,
      member_created: row.memberCreated,
    })),
  );
  const recordset = `json_to_recordset($3::json) as r (line int8, external_id text, row_hash text, entry_ids jsonb, member_created boolean)`;
  await tx.query(
    `update import_rows t set entry_ids = array(select jsonb_array_elements_text(r.entry_ids)), member_created = r.member_created
       from ${recordset}
      where t.program_id = $1 and t.import_id = $2 and t.line = r.line`,
    [programId, importId, json],
  );
  await tx.query(
    `insert into import_applied (program_id, kind, external_id, import_id, row_hash)
     select $1, $4, r.external_id, $2, r.row_hash from ${recordset}
     on conflict (program_id, external_id, kind) do update set import_id = excluded.import_id, row_hash = excluded.row_hash`,
    [programId, importId, json, kind],
  );
}

/** What a committed import made: its entries, newest first, and the members it created. */
export async function madeByImport(
  db: Queryable,
  programId: string,
  importId: string,
): Promise<{ entryIds: string[]; createdMemberIds: string[] }> {
  const rows = await db.query<{
    entry_ids: string[] | null;
    member_created: boolean;
    payload: Record<string, unknown>;
  }>(
    `select entry_ids, member_created, payload from import_rows
      where program_id = $1 and import_id = $2 and (entry_ids is not null or member_created)`,
    [programId, importId],
  );
  const entryIds = rows.flatMap((row) => row.entry_ids ?? []);
  // Entry ids carry the time of their making: sorted descending, the newest come first.
  entryIds.sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
  const createdMemberIds = rows
    .filter((row) => row.member_created)
    .map((row) =>
      String(row.payload.memberId ?? (row.payload.event as { memberId?: string } | undefined)?.memberId),
    );
  return { entryIds, createdMemberIds };
}

/**
 * The orders an events import paid: each `order.paid` row it applied, with the ids its event may
 * be stored under (its own, or `id#importId` when an earlier undone import had used it).
 */
export async function ordersPaidByImport(
  db: Queryable,
  programId: string,
  importId: string,
): Promise<{ orderId: string; paidEventIds: string[] }[]> {
  const rows = await db.query<{ order_id: string; event_id: string }>(
    `select payload->'event'->'attributes'->>'orderId' as order_id, payload->'event'->>'id' as event_id
       from import_rows
      where program_id = $1 and import_id = $2 and entry_ids is not null
        and payload->'event'->>'type' = 'order.paid' and payload->'event'->'attributes'->>'orderId' is not null`,
    [programId, importId],
  );
  return rows.map((row) => ({
    orderId: row.order_id,
    paidEventIds: [row.event_id, `${row.event_id}#${importId}`],
  }));
}

/** After an undo: the import's ids are no longer in force, so the same rows import again. */
export async function forgetApplied(tx: Queryable, programId: string, importId: string): Promise<void> {
  await tx.query('delete from import_applied where program_id = $1 and import_id = $2', [
    programId,
    importId,
  ]);
}

/** Whether an earlier, undone import stored events under these ids (a re-import must store them anew). */
export async function idsOfUndoneImports(
  db: Queryable,
  programId: string,
  kind: ImportKind,
  externalIds: readonly string[],
): Promise<Set<string>> {
  if (externalIds.length === 0) return new Set();
  const rows = await db.query<{ external_id: string }>(
    `select distinct u.id as external_id
       from (select id from imports where program_id = $1 and kind = $2 and state = 'undone') i
       cross join unnest($3::text[]) as u (id)
       cross join lateral (select 1 from import_rows r
                            where r.program_id = $1 and r.import_id = i.id and r.external_id = u.id
                              and r.entry_ids is not null offset 0) found`,
    [programId, kind, externalIds],
  );
  return new Set(rows.map((row) => row.external_id));
}

/** A dry run the file turned out unreadable for: its rows and itself, gone. */
export async function discardImport(db: Queryable, programId: string, importId: string): Promise<void> {
  await db.query('delete from import_rows where program_id = $1 and import_id = $2', [programId, importId]);
  await db.query(`delete from imports where program_id = $1 and id = $2 and state = 'dry_run'`, [
    programId,
    importId,
  ]);
}

/** The manual tiers a committed tiers import assigned (its rows that applied). */
export async function tiersAssignedByImport(
  db: Queryable,
  programId: string,
  importId: string,
): Promise<{ memberId: string; tier: string; until: string }[]> {
  const rows = await db.query<{ payload: { memberId: string; tier: string; until: string } }>(
    `select payload from import_rows r
      where program_id = $1 and import_id = $2
        and exists (select 1 from import_applied a where a.program_id = r.program_id and a.import_id = r.import_id
                       and a.external_id = r.external_id and a.row_hash = r.row_hash)`,
    [programId, importId],
  );
  return rows.map(({ payload }) => ({
    memberId: payload.memberId,
    tier: payload.tier,
    until: payload.until,
  }));
}

/**
 * Erasure of a member (issue 17) in the rows of imported files: a members row loses the birthday
 * and attributes it carried (sealed), an events row its attributes (but for the order id an undo needs).
 * With the merchant's id forgotten (`newMemberId`, the pseudonym), the rows name the member by it,
 * and so do the ids in force of members and tiers files, so a later file with the old id makes a
 * new member. Points and the rows' hashes stay.
 */
export async function eraseImportRows(
  tx: Queryable,
  programId: string,
  memberId: string,
  newMemberId: string,
): Promise<void> {
  await tx.query(
    `update import_rows r set
       payload = case
         when r.payload ? 'event' then
           jsonb_set(jsonb_set(r.payload, '{event,memberId}', to_jsonb($3::text)), '{event,attributes}',
                     case when r.payload->'event'->'attributes' ? 'orderId'
                          then jsonb_build_object('orderId', r.payload->'event'->'attributes'->'orderId')
                          else '{}'::jsonb end)
         when r.payload ? 'profile' then
           jsonb_set(r.payload, '{memberId}', to_jsonb($3::text))
             || jsonb_build_object('profile', (r.payload->'profile') - 'birthday' - 'attributes' - 'sealed')
         else jsonb_set(r.payload, '{memberId}', to_jsonb($3::text)) end,
       external_id = case when i.kind in ('members', 'tiers') then $3 else r.external_id end
      from imports i
     where r.program_id = $1 and i.program_id = r.program_id and i.id = r.import_id
       and (r.payload->>'memberId' = $2 or r.payload->'event'->>'memberId' = $2)`,
    [programId, memberId, newMemberId],
  );
  if (newMemberId !== memberId) {
    await tx.query(
      `update import_applied set external_id = $3
        where program_id = $1 and external_id = $2 and kind in ('members', 'tiers')`,
      [programId, memberId, newMemberId],
    );
  }
}

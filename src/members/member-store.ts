import type { Queryable } from '../db/database.ts';
import type { MemberStatus } from '../ledger/ledger-types.ts';
import { JifenError } from '../shared/errors.ts';
import { openNullable, sealNullable } from '../vault/field-cipher.ts';
import { birthDayIndex, openBirthday, sealedBirthday } from './member-birthdays.ts';
import { asMemberKey, type MemberKey, MemberKeys, type MemberRef, newMemberKey } from './member-key.ts';
import type { MemberProfileInput } from './member-types.ts';

interface MemberRow {
  member_id: string;
  member_key: string;
  status: MemberStatus;
  name: string | null;
  nickname: string | null;
  birthday: string | null;
  joined_at: Date;
  channel: string | null;
  store: string | null;
  tags: string[];
  attributes: Record<string, unknown>;
  available_points: number;
  pending_points: number;
  held_points: number;
  debt_points: number;
  growth_points: number;
  created_at: Date;
  updated_at: Date;
  erased_at: Date | null;
}

export function memberNotFound(memberId: string): JifenError {
  return new JifenError('member_not_found', {
    detail: `There is no member "${memberId}" in this program.`,
    extensions: { memberId },
  });
}

/** The names are sealed at rest (docs/privacy.md); these are their fields' names in the vault. */
const NAME = 'members.name';
const NICKNAME = 'members.nickname';

/**
 * A member's own row: the profile and the balances as last written (see `memberView` for the API's
 * view, which leaves the key out). The names are opened from their sealed form.
 */
async function toRecord(db: Queryable, programId: string, row: MemberRow) {
  return {
    memberId: row.member_id,
    memberKey: asMemberKey(row.member_key),
    status: row.status,
    name: await openNullable(db, programId, NAME, row.name),
    nickname: await openNullable(db, programId, NICKNAME, row.nickname),
    birthday: await openBirthday(db, programId, row.birthday),
    joinedAt: new Date(row.joined_at).toISOString(),
    channel: row.channel,
    store: row.store,
    tags: row.tags,
    attributes: row.attributes,
    balances: {
      available: row.available_points,
      pending: row.pending_points,
      held: row.held_points,
      growth: row.growth_points,
      debt: row.debt_points,
    },
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    erasedAt: row.erased_at === null ? null : new Date(row.erased_at).toISOString(),
  };
}

export type MemberRecord = Awaited<ReturnType<typeof toRecord>>;

const MEMBER_SELECT = `select m.* from members m where m.program_id = $1 and m.member_id = $2`;

export async function getMember(db: Queryable, programId: string, memberId: string): Promise<MemberRecord> {
  const [row] = await db.query<MemberRow>(MEMBER_SELECT, [programId, memberId]);
  if (!row) throw memberNotFound(memberId);
  return toRecord(db, programId, row);
}

/**
 * The member's key (member_not_found unless the member exists in the program): what a read of the
 * member's rows in other areas starts from.
 */
export async function memberKeyOf(db: Queryable, programId: string, memberId: string): Promise<MemberKey> {
  const [row] = await db.query<{ member_key: string }>(
    'select member_key from members where program_id = $1 and member_id = $2',
    [programId, memberId],
  );
  if (!row) throw memberNotFound(memberId);
  return asMemberKey(row.member_key);
}

/** How many members the program has (archived or erased ones too). */
export async function countMembers(db: Queryable, programId: string): Promise<number> {
  const [row] = await db.query<{ members: string }>(
    'select count(*) as members from members where program_id = $1',
    [programId],
  );
  return Number(row?.members ?? 0);
}

/**
 * SQL for the merchant's id of the member whose key is `keyColumn` in program `programColumn`, for
 * another area's statement that answers with its rows' members (one primary-key lookup per row,
 * no round trip). The members' table stays the members' to name.
 */
export function memberIdOfKeySql(keyColumn: string, programColumn = '$1'): string {
  // An alias no caller uses, so the caller's columns are never captured by it.
  return `(select member_of_key.member_id from members member_of_key
            where member_of_key.program_id = ${programColumn} and member_of_key.member_key = ${keyColumn})`;
}

/**
 * SQL for the key of the member whose merchant id is `idExpression` in program `programColumn`
 * (null when there is none), for another area's statement that filters its rows by a member the
 * API names (a listing's `memberId` filter): no round trip, and an unknown member finds nothing.
 */
export function memberKeyOfIdSql(idExpression: string, programColumn = '$1'): string {
  return `(select key_of_member.member_key from members key_of_member
            where key_of_member.program_id = ${programColumn} and key_of_member.member_id = ${idExpression})`;
}

/**
 * Locks the rows of those of these members that no other transaction holds (FOR UPDATE SKIP
 * LOCKED, in key order) and returns them; never waits. A member's row lock is what serialises
 * every change to the member (the ledger's commands take it first), so background work that would
 * rather skip a busy member than wait for it takes it here. Unknown members are not returned.
 */
export async function lockFreeMembers(
  tx: Queryable,
  programId: string,
  memberKeys: readonly MemberKey[],
): Promise<MemberKeys> {
  if (memberKeys.length === 0) return new MemberKeys();
  const rows = await tx.query<{ member_id: string; member_key: string }>(
    `select member_id, member_key from members where program_id = $1 and member_key = any($2::text[])
      order by member_key for update skip locked`,
    [programId, [...new Set(memberKeys)]],
  );
  return new MemberKeys(
    rows.map((row) => ({ memberId: row.member_id, memberKey: asMemberKey(row.member_key) })),
  );
}

/**
 * Creates the members not in the program yet, each joined at the time given (first sight of a
 * member id in events) with a new key; returns the ids it created (a member another transaction
 * created first is not among them).
 */
export async function createMissingMembers(
  tx: Queryable,
  programId: string,
  joinedAt: ReadonlyMap<string, Date>,
  now: Date,
): Promise<Set<string>> {
  const memberIds = [...joinedAt.keys()].sort();
  if (memberIds.length === 0) return new Set();
  const rows = await tx.query<{ member_id: string }>(
    `insert into members (program_id, member_id, member_key, joined_at, created_at, updated_at)
     select $1, m.member_id, m.member_key, m.joined_at, $5, $5
       from unnest($2::text[], $3::text[], $4::timestamptz[]) as m (member_id, member_key, joined_at)
     on conflict (program_id, member_id) do nothing
     returning member_id`,
    [
      programId,
      memberIds,
      memberIds.map(() => newMemberKey(now.getTime())),
      memberIds.map((memberId) => joinedAt.get(memberId)!.toISOString()),
      now.toISOString(),
    ],
  );
  return new Set(rows.map((row) => row.member_id));
}

/** Removes members that nothing refers to yet (created in this transaction for events then refused). */
export async function deleteNewMembers(tx: Queryable, programId: string, memberIds: readonly string[]) {
  if (memberIds.length === 0) return;
  await tx.query('delete from members where program_id = $1 and member_id = any($2::text[])', [
    programId,
    memberIds,
  ]);
}

/** The members (not blocked) whose birthday falls on one of these days ('MM-DD'). */
export async function membersBornOn(
  db: Queryable,
  programId: string,
  days: readonly string[],
): Promise<MemberRef[]> {
  const indexes = await Promise.all(days.map((day) => birthDayIndex(db, programId, day)));
  const rows = await db.query<{ member_id: string; member_key: string }>(
    `select member_id, member_key from members
      where program_id = $1 and status <> 'blocked' and birth_day_index = any($2::text[])`,
    [programId, indexes],
  );
  return rows.map((row) => ({ memberId: row.member_id, memberKey: asMemberKey(row.member_key) }));
}

export interface MemberFilter {
  /** Members whose id starts with this. */
  idPrefix?: string | undefined;
  tag?: string | undefined;
  status?: MemberStatus | undefined;
  /** Joined at or after this instant. */
  joinedFrom?: string | undefined;
  /** Joined before this instant. */
  joinedTo?: string | undefined;
  /**
   * A condition of another area on the member's key (the tiers': "in tier gold"), SQL over
   * `keyColumn` whose parameters are numbered from `firstParam`; `params` are their values.
   */
  byKey?: { sql: (keyColumn: string, firstParam: number) => string; params: unknown[] } | undefined;
}

/**
 * A program's members in id order, after `afterId` (a page's cursor), `limit` of them: every filter
 * narrows the statement itself, so pages stay full. Ids are compared as bytes (`collate "C"`), so
 * the order and a prefix do not depend on the database's locale.
 */
export async function listMembers(
  db: Queryable,
  programId: string,
  filter: MemberFilter,
  page: { afterId?: string | undefined; limit: number },
): Promise<MemberRecord[]> {
  const params: unknown[] = [
    programId,
    page.afterId ?? null,
    filter.idPrefix ?? null,
    filter.tag ?? null,
    filter.status ?? null,
    filter.joinedFrom ?? null,
    filter.joinedTo ?? null,
    page.limit,
  ];
  const byKey = filter.byKey ? `and ${filter.byKey.sql('m.member_key', params.length + 1)}` : '';
  if (filter.byKey) params.push(...filter.byKey.params);
  const rows = await db.query<MemberRow>(
    `select m.* from members m
      where m.program_id = $1
        and ($2::text is null or m.member_id collate "C" > $2::text)
        and ($3::text is null or starts_with(m.member_id, $3::text))
        and ($4::text is null or $4::text = any(m.tags))
        and ($5::text is null or m.status = $5::text)
        and ($6::timestamptz is null or m.joined_at >= $6::timestamptz)
        and ($7::timestamptz is null or m.joined_at < $7::timestamptz)
        ${byKey}
      order by m.member_id collate "C" limit $8`,
    params,
  );
  return Promise.all(rows.map((row) => toRecord(db, programId, row)));
}

/** Custom attributes are read with every event a member sends: keep them small. */
export const MAX_ATTRIBUTES_BYTES = 16_384;

/** PUT semantics for a member: creates it (with a new key), or changes exactly the fields given. */
export async function upsertMember(
  db: Queryable,
  programId: string,
  memberId: string,
  input: MemberProfileInput,
  now: Date,
): Promise<{ member: MemberRecord; created: boolean }> {
  if (input.attributes && Buffer.byteLength(JSON.stringify(input.attributes)) > MAX_ATTRIBUTES_BYTES) {
    const message = `is larger than ${MAX_ATTRIBUTES_BYTES} bytes as JSON`;
    throw new JifenError('validation_failed', {
      detail: `body/attributes ${message}`,
      extensions: { errors: [{ field: 'body/attributes', message }] },
    });
  }
  const birthday = await sealedBirthday(db, programId, input.birthday);
  const [result] = await db.query<{ created: boolean }>(
    `insert into members (program_id, member_id, member_key, status, birthday, joined_at, channel, store, tags,
                          attributes, created_at, updated_at, name, nickname, birth_day_index)
     values ($1, $2, $14, coalesce($3, 'active'), $4::text, coalesce($5::timestamptz, $10::timestamptz), $6, $7,
             coalesce($8::text[], '{}'), coalesce($9::jsonb, '{}'), $10, $10, $15::text, $17::text, $19::text)
     on conflict (program_id, member_id) do update set
       status = coalesce($3, members.status),
       birth_day_index = case when $11 then $19::text else members.birth_day_index end,
       name = case when $16 then $15::text else members.name end,
       nickname = case when $18 then $17::text else members.nickname end,
       birthday = case when $11 then $4::text else members.birthday end,
       joined_at = coalesce($5::timestamptz, members.joined_at),
       channel = case when $12 then $6 else members.channel end,
       store = case when $13 then $7 else members.store end,
       tags = coalesce($8::text[], members.tags),
       attributes = coalesce($9::jsonb, members.attributes),
       updated_at = $10
     returning (xmax = 0) as created`,
    [
      programId,
      memberId,
      input.status ?? null,
      birthday.birthday,
      input.joinedAt ?? null,
      input.channel ?? null,
      input.store ?? null,
      input.tags ?? null,
      input.attributes === undefined ? null : JSON.stringify(input.attributes),
      now.toISOString(),
      input.birthday !== undefined,
      input.channel !== undefined,
      input.store !== undefined,
      newMemberKey(now.getTime()),
      await sealNullable(db, programId, NAME, input.name),
      input.name !== undefined,
      await sealNullable(db, programId, NICKNAME, input.nickname),
      input.nickname !== undefined,
      birthday.index,
    ],
  );
  return { member: await getMember(db, programId, memberId), created: result?.created ?? false };
}

/**
 * Clears a member's personal profile (names, birthday, custom attributes) and marks the member
 * erased; balances, tags, status and the ledger stay. Refuses a member already erased.
 */
export async function eraseMemberProfile(
  tx: Queryable,
  programId: string,
  memberId: string,
  now: Date,
): Promise<MemberKey> {
  const [row] = await tx.query<{ member_key: string; erased_at: Date | null }>(
    'select member_key, erased_at from members where program_id = $1 and member_id = $2 for update',
    [programId, memberId],
  );
  if (!row) throw memberNotFound(memberId);
  if (row.erased_at !== null) {
    throw new JifenError('member_already_erased', {
      detail: `The personal data of member "${memberId}" was erased at ${new Date(row.erased_at).toISOString()}.`,
      extensions: { memberId, erasedAt: new Date(row.erased_at).toISOString() },
    });
  }
  await tx.query(
    `update members set name = null, nickname = null, birthday = null, birth_day_index = null, attributes = '{}',
            erased_at = $3, updated_at = $3
      where program_id = $1 and member_key = $2`,
    [programId, row.member_key, now.toISOString()],
  );
  return asMemberKey(row.member_key);
}

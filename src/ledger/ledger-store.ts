import { afterCommit } from '../db/after-commit.ts';
import { type ReadStatement, WriteStatement } from '../db/combined-statements.ts';
import type { Queryable } from '../db/database.ts';
import { jsonArray } from '../db/sql-params.ts';
import { type IdempotencyRecord, idempotencyInsertSql } from '../idempotency/answer-book.ts';
import type { MemberKey } from '../members/member-key.ts';
import { activity } from '../shared/activity.ts';
import { assert, JifenError } from '../shared/errors.ts';
import { draftCommitHooks, prepareDraftCommit, type SqlParam } from './commit-hooks.ts';
import { LedgerDraft } from './ledger-draft.ts';
import {
  type AccountRow,
  HOLD_COLUMNS,
  type HoldRow,
  LOT_COLUMNS,
  type LotRow,
  toAccount,
  toHold,
  toLot,
  toSettings,
} from './ledger-rows.ts';
import type { Entry, Hold, Lot, MemberAccount, ProgramLedgerSettings } from './ledger-types.ts';

export interface LoadRequest {
  programId: string;
  /** The members to lock, by the merchant's id (commands)... */
  memberIds?: readonly string[];
  /** ...or by key (sweeps, which find members by their rows). */
  memberKeys?: readonly MemberKey[];
  /**
   * Load each member's lots with points left (true), or only these members' lots (by id), plus the
   * specific lots in `lotIds` (e.g. ones to restore).
   */
  lots?: boolean | readonly string[];
  lotIds?: readonly string[];
  holdIds?: readonly string[];
  /** Sweeps: lock only the members no other transaction holds, and skip the rest. */
  skipLocked?: boolean;
  /** Batches: load the members that exist and let the caller answer for the missing ones. */
  allowMissing?: boolean;
}

export interface LoadedState {
  settings: ProgramLedgerSettings;
  accounts: MemberAccount[];
  lots: Lot[];
  holds: Hold[];
}

/**
 * Locks the members' rows (in key order, so two commands never deadlock, even across a change of a
 * member's id) and then reads, under that lock, the lots and holds the command needs. Every lot and
 * hold row belongs to one member, so the member lock serialises all changes to them. The lock is
 * where a command learns its members' keys: the accounts carry both the id and the key.
 */
export async function loadForUpdate(tx: Queryable, request: LoadRequest): Promise<LoadedState> {
  const state = await tryLoadForUpdate(tx, { ...request, skipLocked: false });
  if (!state) throw new JifenError('member_not_found', { extensions: { memberId: request.memberIds?.[0] } });
  return state;
}

/** The draft a command decides on: its members locked and their lots and holds loaded (loadForUpdate). */
export async function loadDraft(tx: Queryable, request: LoadRequest, now: Date): Promise<LedgerDraft> {
  const state = await loadForUpdate(tx, request);
  return new LedgerDraft(state.settings, now, state.accounts, state.lots, state.holds);
}

/** The draft of a command on one member with the lots they can spend. */
export function loadMemberDraft(
  tx: Queryable,
  scope: { programId: string; now: Date },
  memberId: string,
): Promise<LedgerDraft> {
  return loadDraft(tx, { programId: scope.programId, memberIds: [memberId], lots: true }, scope.now);
}

/**
 * The members of `$2` (`by`: their ids or their keys) with the program's ledger settings, locked
 * in key order.
 */
const lockMembersSql = (by: 'member_id' | 'member_key', members = '$2::text[]') =>
  `select m.member_id, m.member_key, m.status, m.available_points, m.pending_points, m.held_points,
            m.debt_points, m.growth_points, p.timezone, p.expiry_policy, p.negative_balance,
            p.restored_lot_grace_days, p.transfer_limits, p.hold_ttl_seconds
       from members m join programs p on p.id = m.program_id
      where m.program_id = $1 and m.${by} = any(${members})
      order by m.member_key
        for update of m`;
const LOCK_BY_ID_SQL = lockMembersSql('member_id');
const LOCK_BY_KEY_SQL = lockMembersSql('member_key');

/**
 * Like loadForUpdate; with `skipLocked`, returns only the members it could lock, or null for none.
 * Lots and holds come back only for the members it locked (with `skipLocked`, a due hold of a
 * member skipped is left alone).
 */
export async function tryLoadForUpdate(tx: Queryable, request: LoadRequest): Promise<LoadedState | null> {
  const byKey = request.memberKeys !== undefined;
  const wanted: string[] = [...new Set(request.memberKeys ?? request.memberIds ?? [])].sort();
  const rows = await tx.query<AccountRow>(
    `${byKey ? LOCK_BY_KEY_SQL : LOCK_BY_ID_SQL}${request.skipLocked ? ' skip locked' : ''}`,
    [request.programId, wanted],
  );
  if (!request.skipLocked && !request.allowMissing && rows.length < wanted.length) {
    const found = new Set(rows.map((row) => (byKey ? row.member_key : row.member_id)));
    const missing = wanted.find((member) => !found.has(member)) ?? wanted[0];
    // Keys come from rows that refer to a member, and members are never deleted: a key that finds
    // none is a defect, and a key is never shown.
    assert(!byKey, `member ${missing} of a stored row was not found`);
    throw new JifenError('member_not_found', {
      detail: `There is no member "${missing}" in this program.`,
      extensions: { memberId: missing },
    });
  }
  if (rows.length === 0) return null;
  const accounts = rows.map(toAccount);
  const idOfKey = new Map(accounts.map((account) => [account.memberKey as string, account.memberId]));
  const lotOwners =
    request.lots === true
      ? accounts.map((account) => account.memberKey)
      : (request.lots || []).flatMap((memberId) => {
          const account = accounts.find((each) => each.memberId === memberId);
          return account ? [account.memberKey] : [];
        });
  const holds = request.holdIds?.length
    ? (
        await tx.query<HoldRow>(
          `select ${HOLD_COLUMNS} from holds where program_id = $1 and id = any($2::text[])`,
          [request.programId, request.holdIds],
        )
      ).filter((hold) => idOfKey.has(hold.member_key))
    : [];
  // The lots a hold took from, also those since emptied or expired: capturing or releasing it
  // touches them.
  const lotIds = [
    ...(request.lotIds ?? []),
    ...holds.flatMap((hold) => hold.lots.map((touch) => touch.lotId)),
  ];
  const lots =
    lotOwners.length > 0 || lotIds.length > 0
      ? await tx.query<LotRow>(
          `select ${LOT_COLUMNS} from lots
            where program_id = $1
              and ((member_key = any($2::text[]) and remaining > 0) or id = any($3::text[]))`,
          [request.programId, [...new Set(lotOwners)], lotIds],
        )
      : [];
  return {
    settings: toSettings(request.programId, rows[0]!),
    accounts,
    lots: lots.flatMap((lot) => {
      const memberId = idOfKey.get(lot.member_key);
      return memberId === undefined ? [] : [toLot(lot, memberId)];
    }),
    holds: holds.map(toHold),
  };
}

/**
 * Locks the members' rows (in key order) as part of a combined read, for commands that need no
 * lots or holds (credits): the members that exist, with the program's ledger settings; null when
 * none does. See `tryLoadForUpdate`.
 */
export function readLockedAccounts(
  read: ReadStatement,
  memberIds: readonly string[],
): () => { settings: ProgramLedgerSettings; accounts: MemberAccount[] } | null {
  const rows = read.add<AccountRow>(
    lockMembersSql('member_id', read.param([...new Set(memberIds)].sort(), 'text[]')),
  );
  return () => {
    const locked = rows();
    if (locked.length === 0) return null;
    return { settings: toSettings(read.params[0] as string, locked[0]!), accounts: locked.map(toAccount) };
  };
}

type Param = SqlParam;
type Column<T> = readonly [name: string, cast: string, value: (row: T) => unknown];

/** `insert into table (program_id, ...) select $1, * from unnest(...)`: one statement for any number of rows. */
function insertMany<T>(
  table: string,
  rows: readonly T[],
  columns: readonly Column<T>[],
  param: Param,
): string {
  const names = columns.map(([name]) => name).join(', ');
  const arrays = columns.map((column) => arrayOf(rows, column, param)).join(', ');
  return `insert into ${table} (program_id, ${names}) select $1, * from unnest(${arrays})`;
}

/** One column's values as an SQL array: JSON documents as one JSON parameter (see `jsonArray`). */
function arrayOf<T>(rows: readonly T[], [, cast, value]: Column<T>, param: Param): string {
  if (cast === 'jsonb' || cast === 'json') return jsonArray(param, rows.map(value), cast);
  return param(rows.map(value), `${cast}[]`);
}

/** `update table set ... from unnest(...) where id matches`: one statement for any number of rows. */
function updateMany<T>(
  table: string,
  key: string,
  rows: readonly T[],
  columns: readonly Column<T>[],
  param: Param,
  extraSet = '',
): string {
  const names = columns.map(([name]) => name);
  const arrays = columns.map((column) => arrayOf(rows, column, param)).join(', ');
  const sets = names
    .slice(1)
    .map((name) => `${name} = u.${name}`)
    .join(', ');
  return `update ${table} t set ${sets}${extraSet} from unnest(${arrays}) as u(${names.join(', ')})
           where t.program_id = $1 and t.${key} = u.${key}`;
}

const iso = (date: Date | null) => (date ? date.toISOString() : null);

const ENTRY_INSERT: readonly Column<Entry>[] = [
  ['id', 'text', (e) => e.id],
  ['txn_id', 'text', (e) => e.txnId],
  ['member_key', 'text', (e) => e.memberKey],
  ['type', 'text', (e) => e.type],
  ['available_delta', 'int8', (e) => e.delta.available],
  ['pending_delta', 'int8', (e) => e.delta.pending],
  ['held_delta', 'int8', (e) => e.delta.held],
  ['debt_delta', 'int8', (e) => e.delta.debt],
  ['growth_delta', 'int8', (e) => e.delta.growth],
  ['contra_account', 'text', (e) => e.contraAccount],
  ['contra_delta', 'int8', (e) => e.contraDelta],
  ['available_after', 'int8', (e) => e.after.available],
  ['pending_after', 'int8', (e) => e.after.pending],
  ['held_after', 'int8', (e) => e.after.held],
  ['debt_after', 'int8', (e) => e.after.debt],
  ['growth_after', 'int8', (e) => e.after.growth],
  ['unrecovered_points', 'int8', (e) => e.unrecoveredPoints],
  ['lots', 'jsonb', (e) => e.lots],
  ['hold_id', 'text', (e) => e.holdId],
  ['reverses_entry_id', 'text', (e) => e.reversesEntryId],
  ['counterparty_member_key', 'text', (e) => e.counterpartyMemberKey],
  ['source', 'json', (e) => e.source],
  ['reason_zh', 'text', (e) => e.reason.zh],
  ['reason_en', 'text', (e) => e.reason.en],
  ['operator', 'text', (e) => e.operator],
  ['created_at', 'timestamptz', (e) => e.createdAt.toISOString()],
  ['effective_at', 'timestamptz', (e) => e.effectiveAt.toISOString()],
];

const LOT_INSERT: readonly Column<Lot>[] = [
  ['id', 'text', (l) => l.id],
  ['member_key', 'text', (l) => l.memberKey],
  ['status', 'text', (l) => l.status],
  ['amount', 'int8', (l) => l.amount],
  ['remaining', 'int8', (l) => l.remaining],
  ['earned_at', 'timestamptz', (l) => iso(l.earnedAt)],
  ['available_at', 'timestamptz', (l) => iso(l.availableAt)],
  ['expires_at', 'timestamptz', (l) => iso(l.expiresAt)],
  ['entry_id', 'text', (l) => l.entryId],
  ['origin_lot_id', 'text', (l) => l.originLotId],
];

const LOT_UPDATE: readonly Column<Lot>[] = [
  ['id', 'text', (l) => l.id],
  ['remaining', 'int8', (l) => l.remaining],
  ['status', 'text', (l) => l.status],
  ['expires_at', 'timestamptz', (l) => iso(l.expiresAt)],
];

const HOLD_INSERT: readonly Column<Hold>[] = [
  ['id', 'text', (h) => h.id],
  ['member_key', 'text', (h) => h.memberKey],
  ['points', 'int8', (h) => h.points],
  ['captured_points', 'int8', (h) => h.capturedPoints],
  ['status', 'text', (h) => h.status],
  ['lots', 'jsonb', (h) => h.lots],
  ['expires_at', 'timestamptz', (h) => iso(h.expiresAt)],
  ['owner_kind', 'text', (h) => h.owner?.kind ?? null],
  ['owner_id', 'text', (h) => h.owner?.id ?? null],
  ['reason_zh', 'text', (h) => h.reason.zh],
  ['reason_en', 'text', (h) => h.reason.en],
  ['created_at', 'timestamptz', (h) => iso(h.createdAt)],
  ['closed_at', 'timestamptz', (h) => iso(h.closedAt)],
];

const HOLD_UPDATE: readonly Column<Hold>[] = [
  ['id', 'text', (h) => h.id],
  ['status', 'text', (h) => h.status],
  ['captured_points', 'int8', (h) => h.capturedPoints],
  ['closed_at', 'timestamptz', (h) => iso(h.closedAt)],
];

const MEMBER_UPDATE: readonly Column<MemberAccount>[] = [
  ['member_key', 'text', (a) => a.memberKey],
  ['available_points', 'int8', (a) => a.balances.available],
  ['pending_points', 'int8', (a) => a.balances.pending],
  ['held_points', 'int8', (a) => a.balances.held],
  ['debt_points', 'int8', (a) => a.balances.debt],
  ['growth_points', 'int8', (a) => a.balances.growth],
];

/**
 * Writes everything a draft decided in one statement (data-modifying CTEs over unnest arrays), so
 * a command costs one round trip to persist whatever its size, and batches stay set-based.
 */
export async function persistDraft(
  tx: Queryable,
  programId: string,
  draft: LedgerDraft,
  idempotency: readonly IdempotencyRecord[] = [],
): Promise<void> {
  await prepareDraftCommit(tx, programId);
  const statement = new WriteStatement(programId);
  addDraftWrites(tx, statement, draft, idempotency);
  await statement.run(tx);
}

/**
 * The draft's writes as parts of a statement other areas add theirs to (event intake writes its
 * events, orders and limits in the same statement): entries, lots, holds, the members' balances,
 * the idempotency records, and what the commit hooks write alongside (the outbox rows). Only what
 * changed since the draft's last write: a batch may write as it goes (`takeUnwritten`). The
 * caller has run `prepareDraftCommit` in `tx`.
 */
export function addDraftWrites(
  tx: Queryable,
  statement: WriteStatement,
  draft: LedgerDraft,
  idempotency: readonly IdempotencyRecord[] = [],
): void {
  const { param } = statement;
  const programId = statement.params[0] as string;
  const changes = draft.takeUnwritten();
  const { entries, createdLots, changedLots, createdHolds, changedHolds, accounts } = changes;

  if (entries.length > 0) statement.add(insertMany('entries', entries, ENTRY_INSERT, param));
  // What other areas write with every draft (the outbox rows of its movements): in this statement.
  for (const hooks of draftCommitHooks())
    statement.add(...(hooks.writtenAlongside?.(tx, programId, draft, entries, param) ?? []));
  if (createdLots.length > 0) statement.add(insertMany('lots', createdLots, LOT_INSERT, param));
  if (changedLots.length > 0) statement.add(updateMany('lots', 'id', changedLots, LOT_UPDATE, param));
  if (createdHolds.length > 0) statement.add(insertMany('holds', createdHolds, HOLD_INSERT, param));
  if (changedHolds.length > 0) statement.add(updateMany('holds', 'id', changedHolds, HOLD_UPDATE, param));
  if (accounts.length > 0) {
    const updatedAt = `, updated_at = ${param(draft.now.toISOString(), 'timestamptz')}`;
    statement.add(updateMany('members', 'member_key', accounts, MEMBER_UPDATE, param, updatedAt));
  }
  if (idempotency.length > 0) statement.add(idempotencyInsertSql(idempotency, param, draft.now));
  const committed = activity.ledgerEntriesCommitted;
  if (committed.observed && entries.length > 0) afterCommit(tx, () => committed.emit(entries));
  const moved = activity.membersMoved;
  if (moved.observed && entries.length > 0) {
    afterCommit(tx, () => moved.emit({ programId, memberKeys: entries.map((entry) => entry.memberKey) }));
  }
}

import type { Database, Queryable } from '../db/database.ts';
import { findProgram } from '../programs/program-store.ts';
import { JifenError } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import { openNullable, sealNullable, sealText } from '../vault/field-cipher.ts';
import { LEGACY_BATCH, sealInBatches } from '../vault/legacy-plaintext.ts';
import { DEPLOYMENT } from '../vault/vault-keys.ts';
import { revokeSessionsOf } from './session-store.ts';
import type { StaffStatus, StaffView } from './staff-types.ts';

/** The staff tables: accounts (a person's credentials) and staff (their place in a program). */

/**
 * The TOTP seed is a secret that signs a person in: stored sealed by the vault. An account is a
 * person's, not a program's (the table has no program id), so it is sealed under the deployment's
 * keys (`DEPLOYMENT`), bound to this field. Read it with `openTotpSecret`.
 */
export const TOTP_SECRET_FIELD = 'staff_accounts.totp_secret';

export interface AccountRow {
  id: string;
  login: string;
  password_hash: string;
  /** Sealed (`enc:v1:…`), or plain base32 stored before the vault: open it with `openTotpSecret`. */
  totp_secret: string | null;
  totp_confirmed_at: Date | null;
  totp_last_step: string | number | null;
}

interface StaffRow {
  program_id: string;
  id: string;
  account_id: string;
  name: string;
  role: string;
  store_ids: string[];
  status: StaffStatus;
  last_login_at: Date | null;
  created_at: Date;
  updated_at: Date;
  login: string;
  totp_confirmed_at: Date | null;
}

const iso = (date: Date | null) => (date ? new Date(date).toISOString() : null);

function toView(row: StaffRow): StaffView {
  return {
    id: row.id,
    name: row.name,
    login: row.login,
    role: row.role,
    storeIds: row.store_ids,
    status: row.status,
    totpEnabled: row.totp_confirmed_at !== null,
    lastLoginAt: iso(row.last_login_at),
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
  };
}

const STAFF_SELECT = `select s.*, a.login, a.totp_confirmed_at
  from staff s join staff_accounts a on a.id = s.account_id`;

export async function findAccountByLogin(db: Queryable, login: string): Promise<AccountRow | null> {
  const [row] = await db.query<AccountRow>('select * from staff_accounts where login = $1', [login]);
  return row ?? null;
}

export async function findAccount(db: Queryable, accountId: string): Promise<AccountRow | null> {
  const [row] = await db.query<AccountRow>('select * from staff_accounts where id = $1', [accountId]);
  return row ?? null;
}

export async function createAccount(
  db: Queryable,
  input: { login: string; passwordHash: string },
  now: Date,
): Promise<AccountRow> {
  const [row] = await db.query<AccountRow>(
    `insert into staff_accounts (id, login, password_hash, password_changed_at, created_at)
     values ($1, $2, $3, $4, $4) returning *`,
    [newId('acc'), input.login, input.passwordHash, now.toISOString()],
  );
  return row!;
}

export async function insertStaff(
  db: Queryable,
  programId: string,
  input: { accountId: string; name: string; role: string; storeIds: readonly string[] },
  now: Date,
): Promise<StaffView> {
  const [inserted] = await db.query<{ id: string }>(
    `insert into staff (program_id, id, account_id, name, role, store_ids, status, created_at, updated_at)
     values ($1, $2, $3, $4, $5, $6, 'active', $7, $7)
     on conflict (program_id, account_id) do nothing returning id`,
    [programId, newId('stf'), input.accountId, input.name, input.role, input.storeIds, now.toISOString()],
  );
  if (!inserted) {
    throw new JifenError('staff_exists', {
      detail: 'This login is already staff of the program.',
    });
  }
  return (await findStaff(db, programId, inserted.id))!;
}

export async function findStaff(
  db: Queryable,
  programId: string,
  staffId: string,
): Promise<StaffView | null> {
  const [row] = await db.query<StaffRow>(`${STAFF_SELECT} where s.program_id = $1 and s.id = $2`, [
    programId,
    staffId,
  ]);
  return row ? toView(row) : null;
}

export async function getStaff(db: Queryable, programId: string, staffId: string): Promise<StaffView> {
  const found = await findStaff(db, programId, staffId);
  if (!found) {
    throw new JifenError('staff_not_found', {
      detail: `There is no staff member "${staffId}" in this program.`,
      extensions: { staffId },
    });
  }
  return found;
}

/** The account behind a staff member of the program. */
export async function accountOfStaff(db: Queryable, programId: string, staffId: string): Promise<string> {
  const [row] = await db.query<{ account_id: string }>(
    'select account_id from staff where program_id = $1 and id = $2',
    [programId, staffId],
  );
  if (!row) {
    throw new JifenError('staff_not_found', {
      detail: `There is no staff member "${staffId}" in this program.`,
      extensions: { staffId },
    });
  }
  return row.account_id;
}

export async function listStaff(db: Queryable, programId: string): Promise<StaffView[]> {
  const rows = await db.query<StaffRow>(`${STAFF_SELECT} where s.program_id = $1 order by s.id`, [programId]);
  return rows.map(toView);
}

/** How many staff of the program hold a role (a custom role in use cannot be deleted). */
export async function staffWithRole(db: Queryable, programId: string, role: string): Promise<number> {
  const [row] = await db.query<{ n: string | number }>(
    'select count(*) as n from staff where program_id = $1 and role = $2',
    [programId, role],
  );
  return Number(row!.n);
}

/** Live owners of the program other than `staffId` (the last owner cannot be demoted or disabled). */
export async function otherActiveOwners(db: Queryable, programId: string, staffId: string): Promise<number> {
  const [row] = await db.query<{ n: string | number }>(
    `select count(*) as n from staff
      where program_id = $1 and id <> $2 and role = 'owner' and status = 'active'`,
    [programId, staffId],
  );
  return Number(row!.n);
}

export interface StaffPatch {
  name?: string;
  role?: string;
  storeIds?: readonly string[];
  status?: StaffStatus;
}

/**
 * Changes a staff member. A change of role, stores or status ends their sessions at once: what
 * a session may do is read when it signs in (and on each request from the staff row), and a
 * disabled or re-roled person must sign in again.
 */
export async function updateStaff(
  db: Queryable,
  programId: string,
  staffId: string,
  patch: StaffPatch,
  now: Date,
): Promise<StaffView> {
  const before = await getStaff(db, programId, staffId);
  await db.query(
    `update staff set
       name = coalesce($3, name),
       role = coalesce($4, role),
       store_ids = coalesce($5, store_ids),
       status = coalesce($6, status),
       updated_at = $7
     where program_id = $1 and id = $2`,
    [
      programId,
      staffId,
      patch.name ?? null,
      patch.role ?? null,
      patch.storeIds ?? null,
      patch.status ?? null,
      now.toISOString(),
    ],
  );
  const after = await getStaff(db, programId, staffId);
  const sameStores =
    before.storeIds.length === after.storeIds.length &&
    before.storeIds.every((store, index) => after.storeIds[index] === store);
  if (before.role !== after.role || before.status !== after.status || !sameStores) {
    await revokeSessionsOf(db, { programId, staffId }, now);
  }
  return after;
}

/** Sets an account's password; every session of the account ends but `keepSessionId`. */
export async function setPassword(
  db: Queryable,
  accountId: string,
  passwordHash: string,
  now: Date,
  keepSessionId?: string,
): Promise<void> {
  await db.query('update staff_accounts set password_hash = $2, password_changed_at = $3 where id = $1', [
    accountId,
    passwordHash,
    now.toISOString(),
  ]);
  await revokeSessionsOf(
    db,
    { accountId, ...(keepSessionId ? { exceptSessionId: keepSessionId } : {}) },
    now,
  );
}

/** How many programs the account is staff of (an owner resets the password of one that is theirs alone). */
export async function programsOfAccount(db: Queryable, accountId: string): Promise<number> {
  const [row] = await db.query<{ n: string | number }>(
    'select count(*) as n from staff where account_id = $1',
    [accountId],
  );
  return Number(row!.n);
}

export interface Membership {
  programId: string;
  programName: string;
  staffId: string;
  role: string;
}

/** The programs the account is active staff of, with the programs' names (for choosing one at sign-in). */
export async function activeMemberships(db: Queryable, accountId: string): Promise<Membership[]> {
  const rows = await db.query<{ program_id: string; id: string; role: string }>(
    `select program_id, id, role from staff where account_id = $1 and status = 'active' order by program_id`,
    [accountId],
  );
  const memberships: Membership[] = [];
  for (const row of rows) {
    const program = await findProgram(db, row.program_id);
    if (program) {
      memberships.push({
        programId: row.program_id,
        programName: program.name,
        staffId: row.id,
        role: row.role,
      });
    }
  }
  return memberships;
}

export async function recordLogin(
  db: Queryable,
  programId: string,
  staffId: string,
  now: Date,
): Promise<void> {
  await db.query('update staff set last_login_at = $3 where program_id = $1 and id = $2', [
    programId,
    staffId,
    now.toISOString(),
  ]);
}

/** The account's TOTP seed in plain text (base32), or null when none is enrolled. */
export async function openTotpSecret(db: Queryable, account: AccountRow): Promise<string | null> {
  return openNullable(db, DEPLOYMENT, TOTP_SECRET_FIELD, account.totp_secret);
}

/** Sets (sealed) or clears the TOTP seed, with its confirmation and last step. */
export async function setTotp(
  db: Queryable,
  accountId: string,
  totp: { secret: string | null; confirmedAt: Date | null; lastStep: number | null },
): Promise<void> {
  await db.query(
    'update staff_accounts set totp_secret = $2, totp_confirmed_at = $3, totp_last_step = $4 where id = $1',
    [
      accountId,
      await sealNullable(db, DEPLOYMENT, TOTP_SECRET_FIELD, totp.secret),
      totp.confirmedAt?.toISOString() ?? null,
      totp.lastStep,
    ],
  );
}

/** Confirms the enrolled seed (left as it is stored) with the step of the code that confirmed it. */
export async function confirmTotpSecret(
  db: Queryable,
  accountId: string,
  confirmedAt: Date,
  lastStep: number,
): Promise<void> {
  await db.query('update staff_accounts set totp_confirmed_at = $2, totp_last_step = $3 where id = $1', [
    accountId,
    confirmedAt.toISOString(),
    lastStep,
  ]);
}

/**
 * Seals the TOTP seeds stored in plain text before the vault (registered in src/wiring.ts, run by
 * `jifen serve` at start): 500 accounts at a time, each batch in its own transaction, so an
 * interrupted start leaves the rest for the next. Answers how many it sealed (0 once nothing is
 * plain, at the cost of one query).
 */
export async function sealLegacyTotpSecrets(db: Database): Promise<number> {
  return sealInBatches(db, async (tx) => {
    const rows = await tx.query<{ id: string; totp_secret: string }>(
      `select id, totp_secret from staff_accounts where totp_secret not like 'enc:v1:%'
          order by id limit ${LEGACY_BATCH} for update`,
    );
    if (rows.length === 0) return 0;
    const secrets: string[] = [];
    for (const row of rows) secrets.push(await sealText(tx, DEPLOYMENT, TOTP_SECRET_FIELD, row.totp_secret));
    await tx.query(
      `update staff_accounts a set totp_secret = v.secret
           from unnest($1::text[], $2::text[]) as v(id, secret) where a.id = v.id`,
      [rows.map((row) => row.id), secrets],
    );
    return rows.length;
  });
}

/**
 * Records that a TOTP step was used, only if it is later than the last one: of two sign-ins with
 * the same code at once, one wins.
 */
export async function useTotpStep(db: Queryable, accountId: string, step: number): Promise<boolean> {
  const rows = await db.query(
    `update staff_accounts set totp_last_step = $2
      where id = $1 and (totp_last_step is null or totp_last_step < $2) returning id`,
    [accountId, step],
  );
  return rows.length === 1;
}

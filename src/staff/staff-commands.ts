import type { Database, Queryable } from '../db/database.ts';
import { findProgram } from '../programs/program-store.ts';
import { JifenError } from '../shared/errors.ts';
import { normaliseLogin } from './login-name.ts';
import { hashPassword, verifyPassword } from './password-hash.ts';
import type { Permission } from './permissions.ts';
import type { StaffPrincipal } from './principal.ts';
import { permissionsOfRole } from './role-store.ts';
import { idleExpiryOf, type SessionMode } from './session-store.ts';
import {
  accountOfStaff,
  activeMemberships,
  confirmTotpSecret,
  createAccount,
  findAccount,
  findAccountByLogin,
  getStaff,
  insertStaff,
  openTotpSecret,
  otherActiveOwners,
  programsOfAccount,
  type StaffPatch,
  setPassword,
  setTotp,
  updateStaff,
  useTotpStep,
} from './staff-store.ts';
import type { StaffView } from './staff-types.ts';
import { acceptedTotpStep, newTotpSecret, totpUri } from './totp.ts';

/** What the staff API does: one command per route, each checking what the tables cannot. */

function invalid(field: string, message: string): JifenError {
  return new JifenError('validation_failed', {
    detail: `${field} ${message}`,
    extensions: { errors: [{ field, message }] },
  });
}

export function loginOrRefuse(raw: string, field = 'body/login'): string {
  const login = normaliseLogin(raw);
  if (!login) throw invalid(field, 'must be an e-mail address or a phone number');
  return login;
}

/**
 * An actor may give only a role whose every permission they hold themselves, and change only
 * staff whose role they could give (as a key may grant only scopes it has).
 */
async function roleGrantable(
  db: Queryable,
  programId: string,
  role: string,
  actor: ReadonlySet<Permission> | 'all',
): Promise<Permission[]> {
  const permissions = await permissionsOfRole(db, programId, role);
  if (actor === 'all') return permissions;
  const missing = permissions.find((permission) => !actor.has(permission));
  if (missing) {
    throw new JifenError('permission_denied', {
      detail: `You cannot give the role "${role}": it holds "${missing}", which you do not.`,
      extensions: { requiredPermission: missing },
    });
  }
  return permissions;
}

function checkStores(role: string, storeIds: readonly string[]): void {
  if (role === 'store_clerk' && storeIds.length === 0) {
    throw invalid('body/storeIds', 'must name at least one store for a store_clerk');
  }
}

export interface NewStaff {
  login: string;
  name: string;
  role: string;
  storeIds?: readonly string[] | undefined;
  password?: string | undefined;
}

/**
 * Adds a person as staff of the program. A new login needs a password; a login that already has
 * one (the person is staff of another program) keeps it, and giving one is refused: a program's
 * owner never sets the password another program's staff signs in with.
 */
export async function addStaff(
  db: Database,
  programId: string,
  input: NewStaff,
  actor: ReadonlySet<Permission> | 'all',
  now: Date,
): Promise<StaffView> {
  const login = loginOrRefuse(input.login);
  const storeIds = input.storeIds ?? [];
  checkStores(input.role, storeIds);
  await roleGrantable(db, programId, input.role, actor);
  const passwordHash = input.password === undefined ? undefined : await hashPassword(input.password);
  return db.transaction(async (tx) => {
    const existing = await findAccountByLogin(tx, login);
    if (existing && passwordHash) {
      throw new JifenError('staff_login_exists', {
        detail:
          'This login already signs in with its own password (staff of another program): add it without a password.',
      });
    }
    if (!existing && !passwordHash) {
      throw new JifenError('password_required', { detail: 'A login that is new to Jifen needs a password.' });
    }
    const account = existing ?? (await createAccount(tx, { login, passwordHash: passwordHash! }, now));
    return insertStaff(
      tx,
      programId,
      { accountId: account.id, name: input.name, role: input.role, storeIds },
      now,
    );
  });
}

export async function changeStaff(
  db: Database,
  programId: string,
  staffId: string,
  patch: StaffPatch,
  actor: ReadonlySet<Permission> | 'all',
  now: Date,
): Promise<StaffView> {
  if (patch.role !== undefined) await roleGrantable(db, programId, patch.role, actor);
  return db.transaction(async (tx) => {
    const before = await getStaff(tx, programId, staffId);
    const role = patch.role ?? before.role;
    checkStores(role, patch.storeIds ?? before.storeIds);
    const stopsBeingOwner =
      before.role === 'owner' &&
      before.status === 'active' &&
      (role !== 'owner' || patch.status === 'disabled');
    if (stopsBeingOwner && (await otherActiveOwners(tx, programId, staffId)) === 0) {
      throw new JifenError('last_owner', {
        detail: 'This is the only active owner of the program: make someone else owner first.',
      });
    }
    // Changing someone needs everything their role has: a staff manager cannot disable an owner.
    await roleGrantable(tx, programId, before.role, actor);
    return updateStaff(tx, programId, staffId, patch, now);
  });
}

/**
 * An owner sets a new password for a staff member (who forgot theirs); every session of the
 * person ends. Refused for a person who is staff of other programs too.
 */
export async function resetStaffPassword(
  db: Database,
  programId: string,
  staffId: string,
  password: string,
  actor: ReadonlySet<Permission> | 'all',
  now: Date,
): Promise<StaffView> {
  const passwordHash = await hashPassword(password);
  return db.transaction(async (tx) => {
    await roleGrantable(tx, programId, (await getStaff(tx, programId, staffId)).role, actor);
    const accountId = await accountOfStaff(tx, programId, staffId);
    if ((await programsOfAccount(tx, accountId)) > 1) {
      throw new JifenError('password_reset_not_allowed', {
        detail: 'This person is staff of other programs too: they change their password themselves.',
      });
    }
    await setPassword(tx, accountId, passwordHash, now);
    return getStaff(tx, programId, staffId);
  });
}

/** A staff member changes their own password; their other sessions end, this one stays. */
export async function changeOwnPassword(
  db: Database,
  principal: StaffPrincipal,
  input: { currentPassword: string; newPassword: string },
  now: Date,
): Promise<void> {
  const account = await findAccount(db, principal.accountId);
  if (!account || !(await verifyPassword(input.currentPassword, account.password_hash))) {
    throw new JifenError('invalid_credentials', { detail: 'The current password is wrong.' });
  }
  await setPassword(db, account.id, await hashPassword(input.newPassword), now, principal.sessionId);
}

/** Starts (or restarts) enrolment of a second factor; it counts once confirmed with a code. */
export async function enrolTotp(
  db: Queryable,
  principal: StaffPrincipal,
): Promise<{ secret: string; otpauthUri: string }> {
  const account = await findAccount(db, principal.accountId);
  if (!account) throw new Error(`the session's account ${principal.accountId} is gone`);
  if (account.totp_confirmed_at) {
    throw new JifenError('totp_already_enabled', { detail: 'The second factor is on; turn it off first.' });
  }
  const secret = newTotpSecret();
  await setTotp(db, account.id, { secret, confirmedAt: null, lastStep: null });
  return { secret, otpauthUri: totpUri(secret, account.login) };
}

async function checkCode(db: Queryable, accountId: string, code: string, now: Date, wantConfirmed: boolean) {
  const account = await findAccount(db, accountId);
  if (!account?.totp_secret || (account.totp_confirmed_at !== null) !== wantConfirmed) {
    if (wantConfirmed || !account?.totp_secret) {
      throw new JifenError('totp_not_enrolled', {
        detail: wantConfirmed
          ? 'The second factor is not on.'
          : 'Start enrolment first (POST /v1/auth/totp).',
      });
    }
    throw new JifenError('totp_already_enabled', { detail: 'The second factor is on already.' });
  }
  const lastStep = account.totp_last_step === null ? null : Number(account.totp_last_step);
  const secret = (await openTotpSecret(db, account)) ?? '';
  const step = acceptedTotpStep(secret, code, now, lastStep);
  if (step === null || !(await useTotpStep(db, account.id, step))) {
    throw new JifenError('invalid_totp', { detail: 'The code is wrong, too old, or was used already.' });
  }
  return { account, step };
}

export async function confirmTotp(
  db: Queryable,
  principal: StaffPrincipal,
  code: string,
  now: Date,
): Promise<void> {
  const { account, step } = await checkCode(db, principal.accountId, code, now, false);
  await confirmTotpSecret(db, account.id, now, step);
}

export async function disableTotp(
  db: Queryable,
  principal: StaffPrincipal,
  code: string,
  now: Date,
): Promise<void> {
  await checkCode(db, principal.accountId, code, now, true);
  await setTotp(db, principal.accountId, { secret: null, confirmedAt: null, lastStep: null });
}

export interface SessionDescription {
  id: string;
  mode: SessionMode;
  programId: string;
  programName: string;
  staffId: string;
  name: string;
  login: string;
  role: string;
  permissions: string[];
  storeIds: string[];
  createdAt: string;
  expiresAt: string;
  idleExpiresAt: string;
  /** Every program the person is active staff of (this one included): what the console's switch offers. */
  programs: { programId: string; programName: string; role: string }[];
}

/** The session as the API shows it: who, in which program, may do what, until when. */
export async function describeSession(db: Queryable, sessionId: string): Promise<SessionDescription> {
  const [row] = await db.query<{
    id: string;
    mode: SessionMode;
    program_id: string;
    staff_id: string;
    account_id: string;
    created_at: Date;
    last_seen_at: Date;
    expires_at: Date;
  }>(
    'select id, mode, program_id, staff_id, account_id, created_at, last_seen_at, expires_at from staff_sessions where id = $1',
    [sessionId],
  );
  if (!row) throw new Error(`session ${sessionId} is gone`);
  const staff = await getStaff(db, row.program_id, row.staff_id);
  const program = await findProgram(db, row.program_id);
  return {
    id: row.id,
    mode: row.mode,
    programId: row.program_id,
    programName: program?.name ?? row.program_id,
    staffId: staff.id,
    name: staff.name,
    login: staff.login,
    role: staff.role,
    permissions: await permissionsOfRole(db, row.program_id, staff.role).catch(() => []),
    storeIds: staff.storeIds,
    createdAt: new Date(row.created_at).toISOString(),
    expiresAt: new Date(row.expires_at).toISOString(),
    idleExpiresAt: idleExpiryOf(row).toISOString(),
    programs: (await activeMemberships(db, row.account_id)).map(({ programId, programName, role }) => ({
      programId,
      programName,
      role,
    })),
  };
}

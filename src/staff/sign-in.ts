import type { Queryable } from '../db/database.ts';
import { JifenError } from '../shared/errors.ts';
import { clearFailures, lockIfReached, releaseAttempt, reserveAttempt } from './login-failures.ts';
import { normaliseLogin } from './login-name.ts';
import { hashPassword, needsRehash, verifyAgainstNothing, verifyPassword } from './password-hash.ts';
import type { StaffPrincipal } from './principal.ts';
import { createSession, type NewSession, type SessionMode } from './session-store.ts';
import {
  type AccountRow,
  activeMemberships,
  findAccountByLogin,
  type Membership,
  openTotpSecret,
  recordLogin,
  setPassword,
  useTotpStep,
} from './staff-store.ts';
import { acceptedTotpStep } from './totp.ts';

export interface SignInInput {
  login: string;
  password: string;
  programId?: string | undefined;
  totp?: string | undefined;
  mode: SessionMode;
}

export type SignInOutcome =
  | { kind: 'choose_program'; programs: Membership[] }
  | { kind: 'signed_in'; session: NewSession; membership: Membership; accountId: string };

function invalidCredentials(): JifenError {
  return new JifenError('invalid_credentials', { detail: 'The login or the password is wrong.' });
}

export function lockedError(until: Date, now: Date): JifenError {
  const retryAfterSeconds = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
  return new JifenError('login_locked', {
    detail: `Too many failed sign-ins for this login: it is locked for ${retryAfterSeconds} s (Retry-After).`,
    extensions: { retryAfterSeconds, lockedUntil: until.toISOString() },
  });
}

/**
 * Signs a person in. The order of the checks is what keeps it from telling anything to someone
 * without the password: the attempt counted and the lock first (known or not, a login locks
 * alike), then the password (an unknown login spends the same scrypt time and answers the same
 * `invalid_credentials`), then the second factor, and only then the person's programs.
 */
export async function signIn(db: Queryable, input: SignInInput, now: Date): Promise<SignInOutcome> {
  const login = normaliseLogin(input.login) ?? input.login.trim().toLowerCase();
  const locked = await reserveAttempt(db, login, now);
  if (locked) throw lockedError(locked, now);
  const account = await findAccountByLogin(db, login);
  const passwordOk = account
    ? await verifyPassword(input.password, account.password_hash)
    : await verifyAgainstNothing(input.password);
  if (!account || !passwordOk) throw await failure(db, login, now, invalidCredentials());

  const memberships = await activeMemberships(db, account.id);
  // A person disabled everywhere is told as little as a wrong password.
  if (memberships.length === 0) throw await failure(db, login, now, invalidCredentials());
  // The second factor before anything about the person's programs is told; its code is used up
  // only once the program is known (a list to choose from is answered without using it).
  await checkSecondFactor(db, account, input.totp, login, now, { consume: false });
  let membership: Membership | undefined;
  if (input.programId === undefined) {
    if (memberships.length > 1) {
      await releaseAttempt(db, login);
      return { kind: 'choose_program', programs: memberships };
    }
    membership = memberships[0];
  } else {
    membership = memberships.find((item) => item.programId === input.programId);
    if (!membership) {
      throw new JifenError('not_staff_of_program', {
        detail: `You are not active staff of the program "${input.programId}".`,
        extensions: { programId: input.programId, programs: memberships.map((item) => item.programId) },
      });
    }
  }
  await checkSecondFactor(db, account, input.totp, login, now, { consume: true });
  await clearFailures(db, login);
  if (needsRehash(account.password_hash)) {
    await setPassword(db, account.id, await hashPassword(input.password), now);
  }
  await recordLogin(db, membership!.programId, membership!.staffId, now);
  const session = await createSession(
    db,
    {
      accountId: account.id,
      programId: membership!.programId,
      staffId: membership!.staffId,
      mode: input.mode,
    },
    now,
  );
  return { kind: 'signed_in', session, membership: membership!, accountId: account.id };
}

async function failure(db: Queryable, login: string, now: Date, error: JifenError): Promise<JifenError> {
  const locked = await lockIfReached(db, login, now);
  return locked ? lockedError(locked, now) : error;
}

async function checkSecondFactor(
  db: Queryable,
  account: AccountRow,
  code: string | undefined,
  login: string,
  now: Date,
  options: { consume: boolean },
): Promise<void> {
  if (!account.totp_secret || !account.totp_confirmed_at) return;
  if (code === undefined) {
    await releaseAttempt(db, login);
    throw new JifenError('totp_required', {
      detail: 'This login has a second factor: send the 6-digit code from the authenticator app in "totp".',
    });
  }
  const lastStep = account.totp_last_step === null ? null : Number(account.totp_last_step);
  const secret = (await openTotpSecret(db, account)) ?? '';
  const step = acceptedTotpStep(secret, code, now, lastStep);
  if (step === null || (options.consume && !(await useTotpStep(db, account.id, step)))) {
    throw await failure(
      db,
      login,
      now,
      new JifenError('invalid_totp', {
        detail: 'The code is wrong, too old, or was used already: wait for the next one.',
      }),
    );
  }
}

/**
 * Ends the session to renew it (refresh, switch) and answers its absolute end. One conditional
 * update: of two renewals of one session at once only one finds it live, so a copied token cannot
 * fork a session its owner's refresh would not end.
 */
async function endForRenewal(db: Queryable, sessionId: string, now: Date): Promise<Date> {
  const [row] = await db.query<{ expires_at: Date }>(
    `update staff_sessions set revoked_at = $2 where id = $1 and revoked_at is null returning expires_at`,
    [sessionId, now.toISOString()],
  );
  if (!row) {
    throw new JifenError('session_revoked', {
      detail: 'This session has ended (signed out, refreshed or replaced): sign in again.',
    });
  }
  return new Date(row.expires_at);
}

/**
 * A new token for the session (the old one stops working): the idle time starts again, the
 * absolute end stays where sign-in put it.
 */
export async function refreshSession(
  db: Queryable,
  principal: StaffPrincipal,
  now: Date,
): Promise<NewSession> {
  const expiresAt = await endForRenewal(db, principal.sessionId, now);
  return createSession(
    db,
    {
      accountId: principal.accountId,
      programId: principal.programId,
      staffId: principal.staffId,
      mode: principal.via,
      expiresAt,
    },
    now,
  );
}

/** Moves the person's session to another program they are active staff of (same absolute end). */
export async function switchProgram(
  db: Queryable,
  principal: StaffPrincipal,
  programId: string,
  now: Date,
): Promise<{ session: NewSession; membership: Membership }> {
  const memberships = await activeMemberships(db, principal.accountId);
  const membership = memberships.find((item) => item.programId === programId);
  if (!membership) {
    throw new JifenError('not_staff_of_program', {
      detail: `You are not active staff of the program "${programId}".`,
      extensions: { programId, programs: memberships.map((item) => item.programId) },
    });
  }
  const expiresAt = await endForRenewal(db, principal.sessionId, now);
  await recordLogin(db, membership.programId, membership.staffId, now);
  const session = await createSession(
    db,
    {
      accountId: principal.accountId,
      programId,
      staffId: membership.staffId,
      mode: principal.via,
      expiresAt,
    },
    now,
  );
  return { session, membership };
}

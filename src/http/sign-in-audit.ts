import type { FastifyRequest } from 'fastify';
import { appendAudit } from '../audit/append-audit.ts';
import { DEPLOYMENT_CHAIN } from '../audit/audit-types.ts';
import type { Database } from '../db/database.ts';
import type { JifenError } from '../shared/errors.ts';
import { normaliseLogin } from '../staff/login-name.ts';
import { activeMemberships, findAccountByLogin, type Membership } from '../staff/staff-store.ts';
import { loginSubject } from './audit-hooks.ts';

/**
 * Sign-in has no principal to hang a record on, so `POST /v1/auth/login` records itself. A
 * refused sign-in changes nothing the request could roll back (its failure count is written
 * outside any transaction, so that it counts): its record is its own transaction. A success is
 * recorded in its own transaction as soon as the session exists, before the answer is sent.
 */

/** Refusals that say someone tried a wrong password or code, or hit the lock. */
const RECORDED_REFUSALS = new Set([
  'invalid_credentials',
  'invalid_totp',
  'login_locked',
  'not_staff_of_program',
]);

function personalOf(request: FastifyRequest, extra: Record<string, unknown> = {}) {
  return { ip: request.ip, userAgent: request.headers['user-agent'] ?? null, ...extra };
}

export async function recordSignIn(
  db: Database,
  request: FastifyRequest,
  membership: Membership,
  now: Date,
): Promise<void> {
  await db.transaction((tx) =>
    appendAudit(
      tx,
      {
        programId: membership.programId,
        actor: { kind: 'staff', id: membership.staffId, role: membership.role },
        action: 'staff.login',
        targetType: 'staff',
        targetId: membership.staffId,
        requestId: request.id,
        outcome: 201,
        summary: { mode: (request.body as { mode?: string } | undefined)?.mode ?? 'cookie' },
        personal: personalOf(request),
        subject: `staff:${membership.staffId}`,
      },
      now,
    ),
  );
}

/**
 * A refused sign-in, in the chain of every program the login is active staff of (so each owner
 * sees attempts on their staff), or the deployment's when it is nobody's: the answer tells nothing
 * either way. The login itself is only in the encrypted part.
 */
export async function recordRefusedSignIn(
  db: Database,
  request: FastifyRequest,
  rawLogin: string,
  error: JifenError,
  now: Date,
): Promise<void> {
  if (!RECORDED_REFUSALS.has(error.code)) return;
  const login = normaliseLogin(rawLogin) ?? rawLogin.trim().toLowerCase();
  const account = await findAccountByLogin(db, login);
  const memberships = account ? await activeMemberships(db, account.id) : [];
  const places = memberships.length > 0 ? memberships : [null];
  await db.transaction(async (tx) => {
    for (const membership of places) {
      await appendAudit(
        tx,
        {
          programId: membership?.programId ?? DEPLOYMENT_CHAIN,
          actor: { kind: 'anonymous', id: null, role: null },
          action: error.code === 'login_locked' ? 'staff.login_locked' : 'staff.login_failed',
          targetType: 'staff',
          targetId: membership?.staffId ?? null,
          requestId: request.id,
          outcome: error.status,
          summary: { code: error.code },
          personal: personalOf(request, { login }),
          subject: loginSubject(login),
        },
        now,
      );
    }
  });
}

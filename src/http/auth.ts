import { timingSafeEqual } from 'node:crypto';
import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Queryable } from '../db/database.ts';
import { findPrincipal } from '../keys/api-keys.ts';
import { programArchivedAt } from '../programs/program-store.ts';
import type { Clock } from '../shared/clock.ts';
import { JifenError } from '../shared/errors.ts';
import { onlyReads, PERMISSIONS, type Permission, permissionsOfRoleName } from '../staff/permissions.ts';
import { holds, type Principal, type StaffPrincipal } from '../staff/principal.ts';
import {
  findSession,
  hashToken,
  idleExpiryOf,
  SESSION_TOKEN_PREFIX,
  type SessionRow,
  touchSession,
} from '../staff/session-store.ts';
import { CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE } from './session-cookies.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifyContextConfig {
    /**
     * The permission a route needs (src/staff/permissions.ts), checked for API keys (through
     * their scopes) and staff sessions alike. Routes with none (and neither `admin` nor
     * `session`) are public (health, docs, sign-in).
     */
    permission?: Permission;
    /** The route manages the deployment's programs: the admin key only. */
    admin?: true;
    /**
     * A route about the session itself (who am I, refresh, logout, switch, password, second
     * factor): signed in is enough, no permission; `staff` refuses API keys.
     */
    session?: 'any' | 'staff';
  }
}

const CACHE_TTL_MS = 2_000;
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

interface Found {
  principal: Principal | null;
  /** When the key's program was archived (its writes are refused); null while it is live. */
  archivedAt: string | null;
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(hashToken(a));
  const right = Buffer.from(hashToken(b));
  return timingSafeEqual(left, right);
}

/**
 * Resolves who a request acts as: `Authorization: Bearer <api key>` (a program's key or the
 * deployment's admin key), `Authorization: Bearer jfs_...` (a staff session's token), or the
 * `jifen_session` cookie (a staff session of the console, whose writes must carry the CSRF
 * header). Then checks the route's permission for either kind.
 *
 * API-key lookups are cached for two seconds per process (keys are checked on every request); a
 * revocation made through this process takes effect at once, one made through another process
 * within the TTL. Sessions are never cached: a disabled staff member's next request is refused.
 */
export class Authenticator {
  private readonly cache = new Map<string, Found & { until: number }>();

  constructor(
    private readonly db: Queryable,
    private readonly clock: Clock,
  ) {}

  forget(): void {
    this.cache.clear();
  }

  async authenticate(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    const { permission, admin, session } = request.routeOptions.config;
    if (!permission && !admin && !session) return;
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const cookie = match ? undefined : request.cookies?.[SESSION_COOKIE];
    let found: Found;
    if (match?.[1]?.startsWith(SESSION_TOKEN_PREFIX)) {
      found = await this.staffSession(match[1], 'token', request);
    } else if (match) {
      found = await this.apiKey(match[1]!);
    } else if (cookie) {
      found = await this.staffSession(cookie, 'cookie', request);
    } else {
      found = { principal: null, archivedAt: null };
    }
    const { principal, archivedAt } = found;
    if (!principal) {
      throw new JifenError('unauthenticated', {
        detail: match
          ? 'The API key or session token is not valid.'
          : 'Send the header "Authorization: Bearer <api key or session token>", or sign in (POST /v1/auth/login).',
      });
    }
    // The admin key and program keys never cross: each side's routes refuse the other's key.
    if (admin) {
      if (principal.kind !== 'api_key' || !principal.admin) {
        throw new JifenError('admin_key_required', {
          detail:
            "Managing programs needs the deployment's admin key; this is a program's key or a staff session.",
        });
      }
      request.principal = principal;
      return;
    }
    if (principal.kind === 'api_key' && principal.admin) {
      throw new JifenError('admin_key_not_for_programs', {
        detail:
          'The admin key manages programs and acts inside none; use a key of the program (the admin key can mint its first owner key).',
      });
    }
    if (session === 'staff' && principal.kind !== 'staff') {
      throw new JifenError('staff_session_required', {
        detail: 'This is about a staff session: sign in with POST /v1/auth/login; an API key has none.',
      });
    }
    // Known before the permission is checked: a staff member's refusal is audited (audit-hooks.ts).
    request.principal = principal;
    if (permission) {
      if (archivedAt !== null && !READ_METHODS.has(request.method) && !onlyReads(permission)) {
        throw archivedError(principal.programId, archivedAt);
      }
      if (!holds(principal, permission)) throw denied(principal, permission);
    }
  }

  private async apiKey(secret: string): Promise<Found> {
    const now = Date.now();
    const cached = this.cache.get(secret);
    if (cached && cached.until > now) return cached;
    const principal = await findPrincipal(this.db, secret);
    const archivedAt =
      principal && !principal.admin ? await programArchivedAt(this.db, principal.programId) : null;
    if (this.cache.size > 10_000) this.cache.clear();
    const found = { principal, archivedAt, until: now + CACHE_TTL_MS };
    this.cache.set(secret, found);
    return found;
  }

  private async staffSession(
    token: string,
    via: 'cookie' | 'token',
    request: FastifyRequest,
  ): Promise<Found> {
    const row = await findSession(this.db, token);
    if (!row) return { principal: null, archivedAt: null };
    const now = this.clock.now();
    if (row.revoked_at !== null || row.status !== 'active') {
      throw new JifenError('session_revoked', {
        detail:
          row.status !== 'active'
            ? 'The staff member was disabled: the session no longer works.'
            : 'This session was ended (logout, refresh, switch, or a change of role or password): sign in again.',
      });
    }
    const idleEnd = idleExpiryOf(row);
    if (now >= idleEnd) {
      throw new JifenError('session_expired', {
        detail: `The session expired at ${idleEnd.toISOString()}: sign in again.`,
        extensions: { expiredAt: idleEnd.toISOString() },
      });
    }
    if (via === 'cookie' && !READ_METHODS.has(request.method)) checkCsrf(request, row);
    await touchSession(this.db, row, now);
    const principal = staffPrincipalOf(row, via);
    return { principal, archivedAt: await programArchivedAt(this.db, row.program_id) };
  }
}

function archivedError(programId: string, archivedAt: string): JifenError {
  return new JifenError('program_archived', {
    detail: `The program ${programId} was archived at ${archivedAt}: it answers reads and exports, and takes no writes.`,
    extensions: { programId, archivedAt },
  });
}

/** For a write route without a permission (the session's own): refuses it once the program is archived. */
export async function assertProgramTakesWrites(db: Queryable, programId: string): Promise<void> {
  const archivedAt = await programArchivedAt(db, programId);
  if (archivedAt !== null) throw archivedError(programId, archivedAt);
}

/** Double-submit: the header must equal the CSRF cookie, and both the token the session was given. */
function checkCsrf(request: FastifyRequest, row: SessionRow): void {
  const header = request.headers[CSRF_HEADER];
  const sent = Array.isArray(header) ? header[0] : header;
  const cookie = request.cookies?.[CSRF_COOKIE];
  const ok =
    typeof sent === 'string' &&
    sent.length > 0 &&
    cookie !== undefined &&
    sameSecret(sent, cookie) &&
    row.csrf_hash !== null &&
    timingSafeEqual(Buffer.from(hashToken(sent)), Buffer.from(row.csrf_hash));
  if (!ok) {
    throw new JifenError('csrf_token_invalid', {
      detail:
        sent === undefined
          ? 'A write with a cookie session needs the X-CSRF-Token header (the value of the jifen_csrf cookie).'
          : 'The X-CSRF-Token header does not match this session.',
    });
  }
}

function staffPrincipalOf(row: SessionRow, via: 'cookie' | 'token'): StaffPrincipal {
  const permissions = permissionsOfRoleName(row.role, row.role_permissions);
  return {
    kind: 'staff',
    programId: row.program_id,
    staffId: row.staff_id,
    accountId: row.account_id,
    sessionId: row.id,
    role: row.role,
    permissions: new Set(permissions),
    storeIds: row.store_ids,
    via,
    rateLimitPerMinute: null,
  };
}

function denied(principal: Principal, permission: Permission): JifenError {
  const scope = PERMISSIONS[permission].scope;
  if (principal.kind === 'api_key') {
    // Keys keep the answer they always had (`insufficient_scope`), naming the permission too.
    return new JifenError('insufficient_scope', {
      detail: `This operation needs the "${scope}" scope.`,
      extensions: { requiredScope: scope, requiredPermission: permission },
    });
  }
  return new JifenError('permission_denied', {
    detail: `Your role (${principal.role}) lacks the "${permission}" permission this operation needs.`,
    extensions: { requiredPermission: permission, role: principal.role },
  });
}

export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error('route has no permission but reads the principal');
  return request.principal;
}

export function staffPrincipalOfRequest(request: FastifyRequest): StaffPrincipal {
  const principal = principalOf(request);
  if (principal.kind !== 'staff')
    throw new Error('route is not `session: staff` but reads a staff principal');
  return principal;
}

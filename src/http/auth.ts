import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Queryable } from '../db/database.ts';
import { findPrincipal, hasScope, type Principal, type Scope } from '../keys/api-keys.ts';
import { programArchivedAt } from '../programs/program-store.ts';
import { JifenError } from '../shared/errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifyContextConfig {
    /** The scope a route needs; routes without one (and not `admin`) are public (health, docs). */
    scope?: Scope;
    /** The route manages the deployment's programs: the admin key only. */
    admin?: true;
  }
}

const CACHE_TTL_MS = 2_000;

/**
 * What an archived program still answers: reads, and the POSTs that only read (previews, quotes,
 * back-tests), which are exactly those a `:read` scope allows.
 */
function onlyReads(method: string, scope: Scope): boolean {
  return method === 'GET' || method === 'HEAD' || scope.endsWith(':read');
}

interface Found {
  principal: Principal | null;
  /** When the key's program was archived (its writes are refused); null while it is live. */
  archivedAt: string | null;
}

/**
 * Resolves `Authorization: Bearer <key>` to its program and scopes. Lookups are cached for two
 * seconds per process (keys are checked on every request); a revocation made through this process
 * takes effect at once, one made through another process within the TTL.
 */
export class Authenticator {
  private readonly cache = new Map<string, Found & { until: number }>();

  constructor(private readonly db: Queryable) {}

  forget(): void {
    this.cache.clear();
  }

  async authenticate(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    const { scope, admin } = request.routeOptions.config;
    if (!scope && !admin) return;
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const { principal, archivedAt } = match
      ? await this.lookup(match[1]!)
      : { principal: null, archivedAt: null };
    if (!principal) {
      throw new JifenError('unauthenticated', {
        detail: match ? 'The API key is not valid.' : 'Send the header "Authorization: Bearer <api key>".',
      });
    }
    // The admin key and program keys never cross: each side's routes refuse the other's key.
    if (admin) {
      if (!principal.admin) {
        throw new JifenError('admin_key_required', {
          detail: "Managing programs needs the deployment's admin key; this is a program's key.",
        });
      }
      request.principal = principal;
      return;
    }
    if (principal.admin) {
      throw new JifenError('admin_key_not_for_programs', {
        detail:
          'The admin key manages programs and acts inside none; use a key of the program (the admin key can mint its first owner key).',
      });
    }
    if (!scope) return;
    if (archivedAt !== null && !onlyReads(request.method, scope)) {
      throw new JifenError('program_archived', {
        detail: `The program ${principal.programId} was archived at ${archivedAt}: it answers reads and exports, and takes no writes.`,
        extensions: { programId: principal.programId, archivedAt },
      });
    }
    if (!hasScope(principal, scope)) {
      throw new JifenError('insufficient_scope', {
        detail: `This operation needs the "${scope}" scope.`,
        extensions: { requiredScope: scope },
      });
    }
    request.principal = principal;
  }

  private async lookup(secret: string): Promise<Found> {
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
}

export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error('route has no scope but reads the principal');
  return request.principal;
}

import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Queryable } from '../db/database.ts';
import { findPrincipal, hasScope, type Principal, type Scope } from '../keys/api-keys.ts';
import { JifenError } from '../shared/errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifyContextConfig {
    /** The scope a route needs; routes without one are public (health, docs). */
    scope?: Scope;
  }
}

const CACHE_TTL_MS = 2_000;

/**
 * Resolves `Authorization: Bearer <key>` to its program and scopes. Lookups are cached for two
 * seconds per process (keys are checked on every request); a revocation made through this process
 * takes effect at once, one made through another process within the TTL.
 */
export class Authenticator {
  private readonly cache = new Map<string, { principal: Principal | null; until: number }>();

  constructor(private readonly db: Queryable) {}

  forget(): void {
    this.cache.clear();
  }

  async authenticate(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    const scope = request.routeOptions.config.scope;
    if (!scope) return;
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const principal = match ? await this.lookup(match[1]!) : null;
    if (!principal) {
      throw new JifenError('unauthenticated', {
        detail: match ? 'The API key is not valid.' : 'Send the header "Authorization: Bearer <api key>".',
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

  private async lookup(secret: string): Promise<Principal | null> {
    const now = Date.now();
    const cached = this.cache.get(secret);
    if (cached && cached.until > now) return cached.principal;
    const principal = await findPrincipal(this.db, secret);
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(secret, { principal, until: now + CACHE_TTL_MS });
    return principal;
  }
}

export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error('route has no scope but reads the principal');
  return request.principal;
}

import rateLimit, { normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { JifenError } from '../shared/errors.ts';
import type { Principal } from '../staff/principal.ts';
import { openRateLimitRedis } from './rate-limit-redis.ts';

export interface RateLimitOptions {
  /**
   * Requests a minute for a key with no limit of its own, and for each address on routes without
   * a key (docs, OpenAPI); null turns this default off (keys with their own limit keep it).
   */
  perMinute: number | null;
  /**
   * Failed authentications (a key that is not valid) a minute from one address; past it, that
   * address gets 429 before its key is even looked up. null turns it off.
   */
  authFailuresPerMinute: number | null;
  /**
   * Sign-in attempts (POST /v1/auth/login) a minute from one address, besides the lock-out of
   * each login after repeated failures (src/staff/login-failures.ts).
   */
  loginAttemptsPerMinute: number;
  /** Keep the counters in this Redis, shared by every process that points at it. */
  redisUrl?: string | undefined;
  /** Prefix of every Redis key (default `jifen:rate:`). */
  redisKeyPrefix?: string | undefined;
  /** Where warnings go (Redis unreachable, and back). */
  warn?: ((message: string) => void) | undefined;
}

/** High enough that no client of a healthy integration (or the benchmarks, ~1,100/s) reaches it. */
export const DEFAULT_RATE_LIMITS: RateLimitOptions = {
  perMinute: 120_000,
  authFailuresPerMinute: 20,
  loginAttemptsPerMinute: 30,
};

const WINDOW_MS = 60_000;

/** Operations endpoints are never limited: a monitor polling them must not be refused. */
const UNLIMITED_ROUTES = new Set(['/health', '/ready', '/metrics']);

/** A key's requests count against the key; a staff member's against the staff member. */
function actorKey(principal: Principal): string {
  return principal.kind === 'staff' ? `staff:${principal.staffId}` : `key:${principal.keyId}`;
}

function addressOf(request: FastifyRequest): string {
  return normalizeIP(request.ip);
}

function rateLimited(detail: string, retryAfterSeconds: number, limit: number): JifenError {
  return new JifenError('rate_limited', {
    detail: `${detail} Retry in ${retryAfterSeconds} s (Retry-After).`,
    extensions: { limit, windowSeconds: WINDOW_MS / 1000, retryAfterSeconds },
  });
}

/**
 * Installs the rate limits; call it before the authentication hook and before any route.
 *
 * - Per key (per address without a key): @fastify/rate-limit on every route, run as a route-level
 *   onRequest hook, so after authentication has set `request.principal`. Its counters are keyed by
 *   key id or address (never a secret), in memory or in Redis.
 * - Failed authentications per address: counted on every 401 for a presented key; an address past
 *   the limit gets 429 from an onRequest hook that runs before the key lookup.
 */
export async function installRateLimits(app: FastifyInstance, options: RateLimitOptions): Promise<void> {
  const warn = options.warn ?? ((message: string) => app.log.warn(message));
  const redis = options.redisUrl ? await openRateLimitRedis(options.redisUrl, warn) : undefined;
  if (redis) app.addHook('onClose', async () => void redis.disconnect());
  const defaultPerMinute = options.perMinute;

  await app.register(rateLimit, {
    global: true,
    hook: 'onRequest',
    enableDraftSpec: true,
    timeWindow: WINDOW_MS,
    max: (request) => request.principal?.rateLimitPerMinute ?? defaultPerMinute ?? 0,
    keyGenerator: (request) => (request.principal ? actorKey(request.principal) : `ip:${addressOf(request)}`),
    allowList: (request) =>
      UNLIMITED_ROUTES.has(request.routeOptions.url ?? '') ||
      (defaultPerMinute === null && !request.principal?.rateLimitPerMinute),
    // Redis down or slow: serve the request uncounted (fail open), never refuse all traffic.
    skipOnError: true,
    cache: 10_000,
    redis,
    nameSpace: options.redisKeyPrefix ?? 'jifen:rate:',
    errorResponseBuilder: (request, context) =>
      rateLimited(
        request.routeOptions.url === '/v1/auth/login'
          ? `This address may make ${context.max} sign-in attempts a minute.`
          : request.principal
            ? `This ${request.principal.kind === 'staff' ? 'staff member' : 'API key'} may make ${context.max} requests a minute.`
            : `This address may make ${context.max} requests a minute without an API key.`,
        Math.max(1, Math.ceil(context.ttl / 1000)),
        context.max,
      ),
  });

  const authFailuresPerMinute = options.authFailuresPerMinute;
  if (authFailuresPerMinute === null) return;
  const failures = app.createRateLimit({
    max: authFailuresPerMinute,
    timeWindow: WINDOW_MS,
    keyGenerator: (request) => `auth-failures:${addressOf(request)}`,
    allowList: () => false,
    skipOnError: true,
  });
  const presentsKey = (request: FastifyRequest) =>
    (request.routeOptions.config.permission !== undefined ||
      request.routeOptions.config.session !== undefined) &&
    request.headers.authorization !== undefined;

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!presentsKey(request)) return;
    const state = await failures(request, { increment: false });
    if (state.isAllowed || state.remaining > 0) return;
    reply.header('retry-after', Math.max(1, state.ttlInSeconds));
    throw rateLimited(
      `Too many requests with an API key that is not valid came from this address (${state.max} a minute are allowed).`,
      Math.max(1, state.ttlInSeconds),
      state.max,
    );
  });
  app.addHook('onError', async (request, _reply, error) => {
    if (error instanceof JifenError && error.code === 'unauthenticated' && presentsKey(request)) {
      await failures(request);
    }
  });
}

import { DEFAULT_RATE_LIMITS, type RateLimitOptions } from '../http/rate-limits.ts';
import { TIMEOUT_ENV, type TimeoutOptions } from '../http/timeouts.ts';
import { UsageError } from './options.ts';

type Env = Record<string, string | undefined>;

function wholeNumber(env: Env, name: string): number | undefined {
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0)
    throw new UsageError(`${name} must be a whole number, got "${value}"`);
  return number;
}

/** `jifen serve`'s slow-client timeouts: JIFEN_*_TIMEOUT_MS, each in milliseconds (0: none). */
export function timeoutsFromEnv(env: Env): Partial<TimeoutOptions> {
  const timeouts: Partial<TimeoutOptions> = {};
  for (const [setting, name] of Object.entries(TIMEOUT_ENV) as [keyof TimeoutOptions, string][]) {
    const value = wholeNumber(env, name);
    if (value !== undefined) timeouts[setting] = value;
  }
  return timeouts;
}

/** A per-minute limit from the environment: a whole number, or 0 / "off" for none. */
function perMinute(env: Env, name: string, fallback: number | null): number | null {
  const value = env[name]?.trim().toLowerCase();
  if (value === undefined || value === '') return fallback;
  if (value === 'off') return null;
  const number = wholeNumber(env, name);
  if (number === undefined) return fallback;
  return number === 0 ? null : number;
}

/**
 * `jifen serve`'s rate limits: JIFEN_RATE_LIMIT_PER_MINUTE (per key, or per address without a
 * key), JIFEN_AUTH_FAILURE_LIMIT_PER_MINUTE (wrong keys per address),
 * JIFEN_LOGIN_LIMIT_PER_MINUTE (sign-in attempts per address) and JIFEN_REDIS_URL.
 */
export function rateLimitsFromEnv(env: Env): RateLimitOptions {
  return {
    perMinute: perMinute(env, 'JIFEN_RATE_LIMIT_PER_MINUTE', DEFAULT_RATE_LIMITS.perMinute),
    authFailuresPerMinute: perMinute(
      env,
      'JIFEN_AUTH_FAILURE_LIMIT_PER_MINUTE',
      DEFAULT_RATE_LIMITS.authFailuresPerMinute,
    ),
    loginAttemptsPerMinute:
      perMinute(env, 'JIFEN_LOGIN_LIMIT_PER_MINUTE', DEFAULT_RATE_LIMITS.loginAttemptsPerMinute) ??
      DEFAULT_RATE_LIMITS.loginAttemptsPerMinute,
    redisUrl: env.JIFEN_REDIS_URL || undefined,
    redisKeyPrefix: env.JIFEN_REDIS_PREFIX || undefined,
  };
}

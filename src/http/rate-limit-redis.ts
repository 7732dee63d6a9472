import { Redis } from 'ioredis';

/** A Redis command slower than this is given up on: the request goes ahead without counting. */
const COMMAND_TIMEOUT_MS = 250;
/** How long a start waits for Redis before serving without it. */
const STARTUP_WAIT_MS = 2_000;
/** While Redis stays down, one warning per this interval, not one per request. */
const WARNING_INTERVAL_MS = 60_000;

/**
 * The Redis client behind shared rate-limit counters. It fails fast rather than queueing commands
 * while Redis is unreachable (no offline queue, a short command timeout), so the rate limiter can
 * fail open: requests are served uncounted and a warning is logged, instead of every request
 * waiting on Redis or being refused.
 */
export async function openRateLimitRedis(url: string, warn: (message: string) => void): Promise<Redis> {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: COMMAND_TIMEOUT_MS,
    connectTimeout: 2_000,
    // Keep trying to reconnect, at most every 2 s.
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
  let warnedAt = 0;
  let down = false;
  redis.on('error', (error: Error) => {
    const now = Date.now();
    if (now - warnedAt < WARNING_INTERVAL_MS) return;
    warnedAt = now;
    down = true;
    warn(
      `rate limits: Redis at ${redactedUrl(url)} is unreachable (${error.message}); requests are served without rate limiting until it is back`,
    );
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    warnedAt = 0;
    warn(`rate limits: Redis at ${redactedUrl(url)} is back; counting again`);
  });
  // Commands are not queued while connecting: wait for the connection (briefly), so the first
  // requests after a start are counted too. Redis down at start: serve anyway, as above.
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, STARTUP_WAIT_MS);
    function done() {
      clearTimeout(timer);
      redis.off('ready', done);
      resolve();
    }
    redis.once('ready', done);
  });
  return redis;
}

/** The URL without its password, fit for a log line. */
function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'the configured URL';
  }
}

/**
 * What one delivery attempt on one channel came to. The dispatcher records it as it is and decides
 * from `retryable` whether to try again later or dead-letter the message.
 */
export interface SendOutcome {
  ok: boolean;
  /** false when retrying cannot help (e.g. the address is malformed); the dispatcher dead-letters at once */
  retryable: boolean;
  /** HTTP status or SMTP reply code when there was one */
  statusCode: number | null;
  /** Short human-readable cause: 'timeout after 10000 ms', 'HTTP 503', 'ECONNREFUSED', ... */
  error: string | null;
  /** First 500 chars of the response body / SMTP response */
  responseExcerpt: string | null;
  durationMs: number;
}

export const RESPONSE_EXCERPT_CHARS = 500;

export const excerptOf = (text: string | null | undefined): string | null =>
  text ? text.slice(0, RESPONSE_EXCERPT_CHARS) : null;

/** Milliseconds since `startedAt` (a `performance.now()` reading), rounded for storage. */
export const elapsedMs = (startedAt: number): number => Math.round(performance.now() - startedAt);

/**
 * The outcome for a message that was never sent because its address cannot work: nothing was
 * attempted, and no retry will make the address valid.
 */
export const refusedBeforeSending = (error: string): SendOutcome => ({
  ok: false,
  retryable: false,
  statusCode: null,
  error,
  responseExcerpt: null,
  durationMs: 0,
});

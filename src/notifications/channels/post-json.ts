import { EventEmitter } from 'node:events';
import { type Dispatcher, request as undiciRequest } from 'undici';
import { AddressRefusedError, outboundDispatcher } from './guarded-dispatcher.ts';
import { elapsedMs, RESPONSE_EXCERPT_CHARS, type SendOutcome } from './send-outcome.ts';

/**
 * How an HTTP POST went: the peer answered with a status, or it never did. `refused` says the
 * address guard kept the server from connecting at all.
 */
export type PostResult =
  | { answered: true; status: number; excerpt: string | null; durationMs: number }
  | { answered: false; error: string; durationMs: number; refused?: boolean };

/** A UTF-8 character is at most 4 bytes: this many bytes always hold the excerpt. */
const EXCERPT_BYTES = RESPONSE_EXCERPT_CHARS * 4;

/**
 * POSTs a JSON body and reads at most the start of the answer. One deadline covers connecting,
 * the status line and the excerpt, so a peer that stalls or streams a huge body cannot hold a
 * dispatcher worker past `timeoutMs`. Redirects are not followed: the caller sees the 3xx (were
 * they ever followed, each hop would pass the same guard, which sits on every connection).
 * Every connection goes through the address guard (guarded-dispatcher.ts): link-local and cloud
 * metadata addresses never, private ones only when `allowPrivateNetworks`.
 */
export async function postJson(request: {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  allowPrivateNetworks: boolean;
}): Promise<PostResult> {
  const startedAt = performance.now();
  // undici's `request` (not `fetch`: no WHATWG Request, streams or AbortSignal to build per POST,
  // which cost the dispatcher a third of its CPU) stops when this emitter says 'abort'.
  const deadline = new Deadline(request.timeoutMs);
  try {
    let response: Dispatcher.ResponseData;
    try {
      response = await undiciRequest(request.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...request.headers },
        body: request.body,
        signal: deadline.signal,
        dispatcher: outboundDispatcher(request.allowPrivateNetworks),
      });
    } catch (error) {
      const refused = refusalIn(error);
      if (refused)
        return { answered: false, error: refused, refused: true, durationMs: elapsedMs(startedAt) };
      return {
        answered: false,
        error: deadline.passed
          ? `timeout after ${request.timeoutMs} ms`
          : describeFetchError(error, request.timeoutMs),
        durationMs: elapsedMs(startedAt),
      };
    }
    const excerpt = await readExcerpt(response.body);
    return { answered: true, status: response.statusCode, excerpt, durationMs: elapsedMs(startedAt) };
  } finally {
    deadline.clear();
  }
}

/** One deadline for connecting, the status line and the excerpt: an 'abort' for undici when it passes. */
class Deadline {
  readonly signal = new EventEmitter();
  passed = false;
  private readonly timer: NodeJS.Timeout;

  constructor(ms: number) {
    this.timer = setTimeout(() => {
      this.passed = true;
      this.signal.emit('abort');
    }, ms);
  }

  clear(): void {
    clearTimeout(this.timer);
  }
}

/**
 * The outcome of a POST whose only success is a 2xx. A peer that never answered is worth another
 * try, unless the address guard refused to connect (the same address would be refused again);
 * which other statuses are depends on the protocol.
 */
export function outcomeOfPost(
  result: PostResult,
  isRetryableStatus: (status: number) => boolean,
): SendOutcome {
  const { durationMs } = result;
  if (!result.answered) {
    return {
      ok: false,
      // The same address would be refused again; after fixing DNS or the setting, replay.
      retryable: !result.refused,
      statusCode: null,
      error: result.error,
      responseExcerpt: null,
      durationMs,
    };
  }
  const { status, excerpt } = result;
  const ok = status >= 200 && status < 300;
  const error = ok
    ? null
    : status >= 300 && status < 400
      ? `HTTP ${status} (redirects are not followed)`
      : `HTTP ${status}`;
  return {
    ok,
    retryable: !ok && isRetryableStatus(status),
    statusCode: status,
    error,
    responseExcerpt: excerpt,
    durationMs,
  };
}

/**
 * The first characters of the body, then the rest is dropped so the connection is released.
 * The status has already decided the outcome, so a body cut off by the deadline or a reset only
 * shortens the excerpt.
 */
async function readExcerpt(body: Dispatcher.ResponseData['body']): Promise<string | null> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  try {
    for await (const chunk of body) {
      chunks.push(chunk as Buffer);
      bytes += (chunk as Buffer).byteLength;
      if (bytes >= EXCERPT_BYTES) break;
    }
  } catch {
    // Deadline or connection reset mid-body: keep what arrived.
  } finally {
    body.destroy();
  }
  const text = new TextDecoder().decode(Buffer.concat(chunks).subarray(0, EXCERPT_BYTES));
  return text.length > 0 ? text.slice(0, RESPONSE_EXCERPT_CHARS) : null;
}

/** The address guard's message when it refused the connection (undici wraps it as the cause). */
function refusalIn(error: unknown): string | null {
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause instanceof AddressRefusedError)
    return `connection refused by the address guard: ${cause.message}`;
  if (error instanceof AddressRefusedError)
    return `connection refused by the address guard: ${error.message}`;
  return null;
}

/** 'timeout after 300 ms', 'ECONNREFUSED', 'ENOTFOUND', ... rather than a generic 'fetch failed'. */
export function describeFetchError(error: unknown, timeoutMs: number): string {
  if (error instanceof DOMException && error.name === 'TimeoutError') return `timeout after ${timeoutMs} ms`;
  // `request` throws the system error itself; `fetch` wraps it as the cause.
  const own = error instanceof Error ? (error as CauseLike) : undefined;
  const cause = error instanceof Error ? (error.cause as CauseLike | undefined) : undefined;
  const code = own?.code ?? own?.errors?.[0]?.code ?? cause?.code ?? cause?.errors?.[0]?.code;
  if (code) return code;
  if (cause?.message) return cause.message;
  return error instanceof Error ? error.message : String(error);
}

/** A system error, or an AggregateError when several addresses were tried. */
interface CauseLike {
  code?: string;
  message?: string;
  errors?: { code?: string }[];
}

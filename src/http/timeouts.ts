import http from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyServerOptions } from 'fastify';
import type { ErrorCode } from '../shared/error-codes.ts';
import { JifenError } from '../shared/errors.ts';
import { problemBody } from '../shared/problem.ts';

/**
 * How long the server waits for slow or silent clients. Fastify leaves Node's request and socket
 * timeouts at 0 (never), so one client trickling a body a byte at a time kept its connection, and
 * a few thousand such clients the whole server.
 */
export interface TimeoutOptions {
  /** The whole request (headers and body) must arrive within this; else 408. */
  requestTimeoutMs: number;
  /** The headers must arrive within this (at most requestTimeoutMs); else 408. */
  headersTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** A socket with no traffic at all (read or write) for this long is closed. */
  connectionTimeoutMs: number;
}

export const DEFAULT_TIMEOUTS: TimeoutOptions = {
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
  // Longer than the usual load balancer's idle timeout (60 s), so the balancer closes first.
  keepAliveTimeoutMs: 72_000,
  connectionTimeoutMs: 120_000,
};

/** The environment variable for each setting, read by `jifen serve`. */
export const TIMEOUT_ENV: Record<keyof TimeoutOptions, string> = {
  requestTimeoutMs: 'JIFEN_REQUEST_TIMEOUT_MS',
  headersTimeoutMs: 'JIFEN_HEADERS_TIMEOUT_MS',
  keepAliveTimeoutMs: 'JIFEN_KEEP_ALIVE_TIMEOUT_MS',
  connectionTimeoutMs: 'JIFEN_CONNECTION_TIMEOUT_MS',
};

/** Fastify's server options for these timeouts (and the problem+json answer to broken requests). */
export function timeoutServerOptions(
  partial: Partial<TimeoutOptions> = {},
): Pick<
  FastifyServerOptions,
  'requestTimeout' | 'keepAliveTimeout' | 'connectionTimeout' | 'clientErrorHandler'
> & { http: http.ServerOptions } {
  const timeouts = { ...DEFAULT_TIMEOUTS, ...partial };
  const requestTimeout = timeouts.requestTimeoutMs;
  // Node refuses a headers timeout longer than the request timeout (0 means none).
  const headersTimeout =
    requestTimeout > 0 ? Math.min(timeouts.headersTimeoutMs, requestTimeout) : timeouts.headersTimeoutMs;
  return {
    requestTimeout,
    keepAliveTimeout: timeouts.keepAliveTimeoutMs,
    connectionTimeout: timeouts.connectionTimeoutMs,
    http: {
      requestTimeout,
      headersTimeout,
      // Node checks the two timeouts above on a timer (30 s by default): a 2 s timeout would then
      // fire after up to 32 s. A tenth of the shortest timeout, within [100 ms, 1 s], keeps it close.
      connectionsCheckingInterval: checkingIntervalMs(requestTimeout, headersTimeout),
    },
    clientErrorHandler: answerClientError,
  };
}

function checkingIntervalMs(...timeoutsMs: number[]): number {
  const shortest = Math.min(...timeoutsMs.filter((ms) => ms > 0), 10_000);
  return Math.max(100, Math.min(1_000, Math.floor(shortest / 10)));
}

/** Node's errors for requests it could not read, as problem+json. */
function problemFor(error: NodeJS.ErrnoException): { code: ErrorCode; detail: string } {
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return {
      code: 'request_timeout',
      detail: 'The request did not arrive in time; send it again, faster or smaller.',
    };
  }
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    return {
      code: 'headers_too_large',
      detail: `The request headers exceed ${http.maxHeaderSize} bytes in all.`,
    };
  }
  return { code: 'malformed_request', detail: 'The request is not valid HTTP/1.1.' };
}

/**
 * Answers a request Node could not read (too slow, headers too large, not HTTP) before Fastify saw
 * it: a raw response written on the socket, since there is no request object to reply through.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const { code, detail } = problemFor(error);
  const problem = problemBody(new JifenError(code, { detail }));
  const body = JSON.stringify(problem);
  // Closed once written: the rest of what the client sends is not read.
  socket.end(
    `HTTP/1.1 ${problem.status} ${http.STATUS_CODES[problem.status]}\r\n` +
      'Content-Type: application/problem+json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
    () => socket.destroy(),
  );
}

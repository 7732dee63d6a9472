import { expect } from 'vitest';
import type { TestApi } from '../../support/test-api.ts';

/**
 * One row of the write-operation table: how to make the operation succeed, and another request
 * to the same operation that the same Idempotency-Key must refuse.
 */
export interface WriteRequest {
  /** A concrete URL of the operation (its path parameters filled in). */
  url: string;
  body?: unknown;
}

export interface PreparedWrite {
  /** A request that succeeds (2xx) the first time. */
  request: WriteRequest;
  /** A different valid request to the same operation (other params or body): 409 with the key. */
  other: WriteRequest;
  /** Sent with these headers too (another key: the maker of an approval request cancels it). */
  headers?: Record<string, string>;
}

export interface WriteCase {
  /** Sets up, in the program given (its own, fresh), what the operation needs. */
  prepare(program: TestApi): Promise<PreparedWrite>;
  /** The operation writes nothing (a preview, a quote): its first answer changes no row either. */
  readOnly?: true;
  /** The operation is the admin key's (programs): the requests are sent with it. */
  asAdmin?: true;
  /** The first answer shows a secret once: a replay answers the same with `secret: null`. */
  secretShownOnce?: true;
  /**
   * A product defect this operation still has, too big to fix here: the case runs as `test.fails`
   * until it is fixed (then it fails, and this line goes).
   */
  knownDefect?: string;
}

/** Keyed by "METHOD /path/{param}" as the OpenAPI document names the operation. */
export type WriteCases = Record<string, WriteCase>;

// biome-ignore lint/suspicious/noExplicitAny: answers are JSON each fixture reads its own way
export type Json = any;

/** Sends a fixture's request and insists it succeeded; returns the answer's body. */
export async function ok(
  program: TestApi,
  method: Parameters<TestApi['call']>[0],
  url: string,
  body?: unknown,
): Promise<Json> {
  const reply = await program.call(method, url, body);
  expect(reply.status, `${method} ${url}: ${JSON.stringify(reply.body)}`).toBeLessThan(300);
  return reply.body;
}

/** The deployment's admin key as a caller: its idempotency records are kept under `deployment`. */
export function adminOf(program: TestApi): TestApi {
  return {
    ...program,
    programId: 'deployment',
    key: program.adminKey,
    call: (method, url, body, headers = {}) =>
      program.call(method, url, body, { ...headers, authorization: `Bearer ${program.adminKey}` }),
  };
}

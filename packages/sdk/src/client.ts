import { type Approval, OPERATIONS, type Operations } from './generated.ts';

export type OperationId = keyof Operations;
type Op<K extends OperationId> = Operations[K];

/** What a call takes: path parameters, query and body, each only where the operation has them. */
export type Input<K extends OperationId> = (Op<K>['params'] extends undefined
  ? { params?: undefined }
  : { params: Op<K>['params'] }) &
  (Op<K>['query'] extends undefined ? { query?: undefined } : { query?: Op<K>['query'] }) &
  (Op<K>['body'] extends undefined
    ? { body?: undefined }
    : Op<K>['bodyRequired'] extends true
      ? { body: Op<K>['body'] }
      : { body?: Op<K>['body'] }) & {
    /** Idempotency-Key of a write; one is made per call when left out, and reused by its retries. */
    idempotencyKey?: string;
  };
export type Output<K extends OperationId> = Op<K>['response'];

/**
 * Whether a points action was held for a checker (maker–checker: 202 with the approval request)
 * instead of done. Only staff sessions, and keys created with `requiresApproval`, are ever held.
 */
export function heldForApproval<T extends object>(answer: T | Approval): answer is Approval {
  return 'action' in answer && 'maker' in answer && 'expiresAt' in answer;
}

function problemOf(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** An answer of problem+json (RFC 9457): `code` is Jifen's stable error code (docs/errors.md). */
export class JifenError extends Error {
  readonly code: string;
  readonly status: number;
  readonly problem: Record<string, unknown>;
  constructor(status: number, problem: Record<string, unknown>) {
    super(typeof problem.detail === 'string' ? problem.detail : `HTTP ${status}`);
    this.name = 'JifenError';
    this.status = status;
    this.code = typeof problem.code === 'string' ? problem.code : `http_${status}`;
    this.problem = problem;
  }
}

interface CommonOptions {
  /**
   * e.g. http://127.0.0.1:8080. In a browser it may be relative (`''`: the page's own origin, as
   * the console uses it).
   */
  baseUrl: string;
  /** Attempts after the first on a network error, a 5xx or a 429 (default 3). */
  retries?: number;
  /** Wait before retry `attempt` (1, 2, ...), in ms: default 200 × 2^(attempt-1), with jitter, at most 5 s. */
  backoff?: (attempt: number) => number;
  /** Makes Idempotency-Keys (default crypto.randomUUID). */
  newIdempotencyKey?: () => string;
  fetch?: typeof fetch;
}

/** An integration: every request carries `Authorization: Bearer <apiKey>`. */
export interface ApiKeyOptions extends CommonOptions {
  apiKey: string;
  session?: undefined;
}

/**
 * A staff member's browser session (the console): sign in with `call('login', ...)`, and the
 * server sets the HTTP-only `jifen_session` cookie and the readable `jifen_csrf` cookie. Requests
 * are sent with `credentials: 'same-origin'` and no Authorization header; every write (any method
 * but GET) carries `X-CSRF-Token` with the CSRF token (double submit, docs/security.md).
 */
export interface CookieSessionOptions extends CommonOptions {
  session: 'cookie';
  apiKey?: undefined;
  /**
   * The CSRF token to send on writes. Default: the `jifen_csrf` cookie, read from
   * `document.cookie` at each request (so a refreshed or switched session is followed).
   */
  csrfToken?: () => string | null | undefined;
}

export type JifenOptions = ApiKeyOptions | CookieSessionOptions;

/** The CSRF cookie the server sets at a cookie sign-in (src/http/session-cookies.ts). */
export const CSRF_COOKIE = 'jifen_csrf';

/** The value of the `jifen_csrf` cookie of the page, or null (no document, or not signed in). */
export function csrfTokenFromCookie(): string | null {
  const doc = (globalThis as { document?: { cookie?: string } }).document;
  for (const part of (doc?.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === CSRF_COOKIE) return decodeURIComponent(value.join('='));
  }
  return null;
}

const defaultBackoff = (attempt: number) =>
  Math.min(5000, 200 * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The typed client: `call` any operation by its operationId, plus helpers for the common ones. */
export class Jifen {
  private readonly options: Required<CommonOptions>;
  /** How each request says who it is: its headers, and the fetch credentials mode. */
  private readonly identify: (method: string) => {
    headers: Record<string, string>;
    credentials?: 'same-origin';
  };

  constructor(options: JifenOptions) {
    this.options = {
      retries: options.retries ?? 3,
      backoff: options.backoff ?? defaultBackoff,
      newIdempotencyKey: options.newIdempotencyKey ?? (() => crypto.randomUUID()),
      fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
      baseUrl: options.baseUrl.replace(/\/+$/, ''),
    };
    if (options.session === 'cookie') {
      const csrfToken = options.csrfToken ?? csrfTokenFromCookie;
      this.identify = (method) => {
        const headers: Record<string, string> = {};
        const token = method === 'GET' ? null : csrfToken();
        if (token) headers['x-csrf-token'] = token;
        return { headers, credentials: 'same-origin' };
      };
    } else if (typeof options.apiKey === 'string' && options.apiKey.length > 0) {
      const authorization = `Bearer ${options.apiKey}`;
      this.identify = () => ({ headers: { authorization } });
    } else {
      throw new TypeError("Jifen: give either apiKey, or session: 'cookie' (a signed-in browser)");
    }
  }

  /**
   * One operation. Writes carry an Idempotency-Key (made here unless given), the same on every
   * retry, so a retried write has one effect. Network errors, 5xx and 429 are retried with backoff
   * (429 after its Retry-After); other failures throw JifenError at once.
   */
  async call<K extends OperationId>(operationId: K, input: Input<K>): Promise<Output<K>> {
    const { method, path } = OPERATIONS[operationId];
    const params = (input.params ?? {}) as Record<string, string>;
    // A relative baseUrl (a browser page's own origin) is resolved against the page's address.
    const pageUrl = (globalThis as { location?: { href?: string } }).location?.href;
    const url = new URL(
      this.options.baseUrl +
        path.replace(/\{(\w+)\}/g, (_, name: string) => {
          const value = params[name];
          if (value === undefined) throw new TypeError(`${operationId}: params.${name} is required`);
          return encodeURIComponent(value);
        }),
      pageUrl,
    );
    for (const [name, value] of Object.entries((input.query ?? {}) as Record<string, unknown>)) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    const { headers, credentials } = this.identify(method);
    if (input.body !== undefined) headers['content-type'] = 'application/json';
    if (method !== 'GET')
      headers['idempotency-key'] = input.idempotencyKey ?? this.options.newIdempotencyKey();
    const body = input.body === undefined ? undefined : JSON.stringify(input.body);

    for (let attempt = 0; ; attempt += 1) {
      let response: Response;
      try {
        response = await this.options.fetch(url, {
          method,
          headers,
          body,
          ...(credentials ? { credentials } : {}),
        });
      } catch (error) {
        if (attempt >= this.options.retries) throw error;
        await sleep(this.options.backoff(attempt + 1));
        continue;
      }
      if ((response.status >= 500 || response.status === 429) && attempt < this.options.retries) {
        const retryAfter = Number(response.headers.get('retry-after'));
        await response.arrayBuffer();
        await sleep(Math.max(this.options.backoff(attempt + 1), retryAfter > 0 ? retryAfter * 1000 : 0));
        continue;
      }
      const text = await response.text();
      // A failure is a problem (JSON) whatever its content type says (a proxy's may say text).
      if (!response.ok) throw new JifenError(response.status, problemOf(text));
      // JSON answers are parsed; others (the audit log's CSV export) are answered as text.
      const json = /json/.test(response.headers.get('content-type') ?? 'application/json');
      const parsed = text.length === 0 ? undefined : json ? JSON.parse(text) : text;
      return parsed as Output<K>;
    }
  }

  /** Every item of a list, page after page (`for await (const m of jifen.paginate('listMembers', {}))`). */
  async *paginate<K extends ListOperationId>(operationId: K, input: Input<K>): AsyncGenerator<ItemOf<K>> {
    let cursor: string | undefined;
    do {
      const query = { ...(input.query ?? {}), ...(cursor ? { cursor } : {}) };
      const page = (await this.call(operationId, { ...input, query } as Input<K>)) as unknown as {
        data: ItemOf<K>[];
        nextCursor: string | null;
      };
      yield* page.data;
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
  }

  readonly members = {
    list: (query: Input<'listMembers'>['query'] = {}) => this.paginate('listMembers', { query }),
    get: (memberId: string) => this.call('getMember', { params: { memberId } }),
    upsert: (memberId: string, body: Input<'upsertMember'>['body'] = {}) =>
      this.call('upsertMember', { params: { memberId }, body }),
    credit: (memberId: string, body: Input<'createCredit'>['body'], idempotencyKey?: string) =>
      this.call('createCredit', {
        params: { memberId },
        body,
        ...(idempotencyKey ? { idempotencyKey } : {}),
      }),
    debit: (memberId: string, body: Input<'createDebit'>['body'], idempotencyKey?: string) =>
      this.call('createDebit', { params: { memberId }, body, ...(idempotencyKey ? { idempotencyKey } : {}) }),
    entries: (memberId: string, query: Input<'listMemberEntries'>['query'] = {}) =>
      this.paginate('listMemberEntries', { params: { memberId }, query }),
    lots: (memberId: string, query: Input<'listMemberLots'>['query'] = {}) =>
      this.paginate('listMemberLots', { params: { memberId }, query }),
  };

  readonly events = {
    send: (body: Input<'createEvent'>['body']) => this.call('createEvent', { body }),
    sendBatch: (body: Input<'createEventBatch'>['body']) => this.call('createEventBatch', { body }),
  };
}

type ListOperationId = {
  [K in OperationId]: Output<K> extends { data: unknown[]; nextCursor: string | null } ? K : never;
}[OperationId];
type ItemOf<K extends OperationId> = Output<K> extends { data: (infer T)[] } ? T : never;

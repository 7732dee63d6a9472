import {
  OPERATION_EXAMPLES,
  type OperationExample,
  type SetupRequest,
} from '../../src/http/operation-examples.ts';
import type { TypedApp } from '../../src/http/route-deps.ts';
import { fanOutMessages } from '../../src/notifications/dispatch/fan-out.ts';
import type { TestApi } from './test-api.ts';

export interface ReplayedExample {
  operationId: string;
  method: string;
  url: string;
  example: OperationExample;
  status: number;
  body: unknown;
}

export interface ReplayKeys {
  /** A program's owner key. */
  program: string;
  /** The deployment's admin key (examples with `key: 'admin'`). */
  admin: string;
}

interface DocumentOperations {
  paths: Record<string, Record<string, { operationId?: string }>>;
}

/**
 * Sends every request example of the document to a live app, in the order OPERATION_EXAMPLES
 * lists them, with ids the server made taken from earlier answers (`captures`). `dispatch` fans
 * out the outbox, as `serve`'s dispatcher would, before an example that says `afterDispatch`;
 * `settle` waits for the background work (imports' commits) before one that says `afterBackground`.
 */
export async function replayExamples(
  app: TypedApp,
  keys: ReplayKeys,
  dispatch: () => Promise<unknown>,
  settle: () => Promise<unknown> = async () => {},
): Promise<ReplayedExample[]> {
  const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as DocumentOperations;
  const where = new Map<string, { method: string; path: string }>();
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (operation.operationId) where.set(operation.operationId, { method: method.toUpperCase(), path });
    }
  }
  const captured: Record<string, string> = {};
  const replayed: ReplayedExample[] = [];
  for (const [operationId, example] of Object.entries(OPERATION_EXAMPLES)) {
    const route = where.get(operationId);
    if (!route) throw new Error(`an example for ${operationId}, which the document does not have`);
    const authorization = `Bearer ${
      example.session ? captured.sessionToken : example.key === 'admin' ? keys.admin : keys.program
    }`;
    for (const setup of example.before ?? []) {
      const as = setup.session ? `Bearer ${captured.sessionToken}` : authorization;
      await sendSetup(app, as, setup, captured, operationId);
    }
    if (example.afterBackground) await settle();
    if (example.afterDispatch) await dispatch();
    const params = { ...example.params, ...pick(captured, Object.keys(example.params ?? {})) };
    const path = fillPath(route.path, params, operationId);
    // A body or query field named like a captured id (a redemption's rewardId) takes it too.
    const body = withCaptured(example.body, captured);
    const query = new URLSearchParams(withCaptured(example.query, captured) ?? {}).toString();
    const url = query ? `${path}?${query}` : path;
    const response = await app.inject({
      method: route.method as 'GET',
      url,
      headers: { authorization, ...example.headers },
      ...(body === undefined ? {} : { payload: body as object }),
    });
    // JSON answers are parsed; others (the audit log's CSV export) are kept as text.
    const isJson = /json/.test(String(response.headers['content-type']));
    const answer = response.body.length === 0 ? undefined : isJson ? response.json() : response.body;
    capture(answer, example.captures, captured);
    replayed.push({
      operationId,
      method: route.method,
      url,
      example,
      status: response.statusCode,
      body: answer,
    });
  }
  return replayed;
}

async function sendSetup(
  app: TypedApp,
  authorization: string,
  setup: SetupRequest,
  captured: Record<string, string>,
  operationId: string,
): Promise<void> {
  const url = fillPath(setup.path, captured, operationId);
  const body = withCaptured(setup.body, captured);
  const response = await app.inject({
    method: setup.method,
    url,
    headers: { authorization },
    ...(body === undefined ? {} : { payload: body as object }),
  });
  if (response.statusCode >= 300) {
    throw new Error(
      `${operationId}: setup ${setup.method} ${url} answered ${response.statusCode}: ${response.body}`,
    );
  }
  capture(response.json(), setup.captures, captured);
}

function fillPath(path: string, params: Record<string, string | undefined>, operationId: string): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`${operationId}: no example for {${name}}`);
    return encodeURIComponent(value);
  });
}

function capture(
  answer: unknown,
  captures: Record<string, string> | undefined,
  captured: Record<string, string>,
) {
  for (const [name, at] of Object.entries(captures ?? {})) {
    const value = at
      .split('.')
      .reduce<unknown>((node, part) => (node as Record<string, unknown>)?.[part], answer);
    if (typeof value === 'string') captured[name] = value;
  }
}

function withCaptured<T>(value: T, captured: Record<string, string>): T {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const fields = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(fields).map(([name, field]) => [
      name,
      typeof field === 'string' && name in captured ? captured[name] : field,
    ]),
  ) as T;
}

function pick(record: Record<string, string>, names: string[]): Record<string, string> {
  return Object.fromEntries(names.filter((name) => name in record).map((name) => [name, record[name]!]));
}

/** The examples replayed against a test API: its keys, and fan-out as `serve`'s dispatcher does it. */
export function replayAgainst(api: TestApi): Promise<ReplayedExample[]> {
  return replayExamples(
    api.app,
    { program: api.key, admin: api.adminKey },
    () => fanOutMessages(api.db, api.clock, { emailConfigured: false }),
    () => api.importCommits.idle(),
  );
}

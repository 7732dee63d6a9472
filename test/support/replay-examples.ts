import { OPERATION_EXAMPLES, type OperationExample } from '../../src/http/operation-examples.ts';
import type { TypedApp } from '../../src/http/route-deps.ts';

export interface ReplayedExample {
  operationId: string;
  method: string;
  url: string;
  example: OperationExample;
  status: number;
  body: unknown;
}

interface DocumentOperations {
  paths: Record<string, Record<string, { operationId?: string }>>;
}

/**
 * Sends every request example of the document to a live app, in the order OPERATION_EXAMPLES
 * lists them, with ids the server made taken from earlier answers (`captures`).
 */
export async function replayExamples(app: TypedApp, key: string): Promise<ReplayedExample[]> {
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
    const params = { ...example.params, ...pick(captured, Object.keys(example.params ?? {})) };
    const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = params[name];
      if (value === undefined) throw new Error(`${operationId}: no example for {${name}}`);
      return encodeURIComponent(value);
    });
    // A body or query field named like a captured id (a redemption's rewardId) takes it too.
    const body = withCaptured(example.body, captured);
    const query = new URLSearchParams(withCaptured(example.query, captured) ?? {}).toString();
    const url = query ? `${path}?${query}` : path;
    const response = await app.inject({
      method: route.method as 'GET',
      url,
      headers: { authorization: `Bearer ${key}`, ...example.headers },
      ...(body === undefined ? {} : { payload: body as object }),
    });
    const answer = response.body.length > 0 ? response.json() : undefined;
    for (const [name, at] of Object.entries(example.captures ?? {})) {
      const value = at
        .split('.')
        .reduce<unknown>((node, part) => (node as Record<string, unknown>)?.[part], answer);
      if (typeof value === 'string') captured[name] = value;
    }
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

/**
 * The write operations of the app, read from its own OpenAPI document, so a route added tomorrow
 * is fuzzed without anyone listing it here.
 */

export type JsonSchema = Record<string, unknown>;
export type Method = 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface Operation {
  method: Method;
  /** OpenAPI path, e.g. `/v1/holds/{holdId}/capture`. */
  path: string;
  pathParams: { name: string; schema: JsonSchema }[];
  /** The request body schema, `$ref`s left in place (resolve them with {@link SchemaResolver}). */
  body: JsonSchema | null;
  /** The operation documents an Idempotency-Key header. */
  takesIdempotencyKey: boolean;
  /** A route of the deployment's admin key (the programs), which program keys may not use. */
  admin: boolean;
}

/** The admin key's routes: the deployment's programs (`/v1/program`, singular, is a program's own). */
export const isAdminPath = (path: string) => /^\/v1\/programs(\/|$)/.test(path);

export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

interface OpenApiOperation {
  parameters?: { name: string; in: string; schema: JsonSchema }[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}

/**
 * Sign-in and the session's own routes are no program-key writes: sign-in is public and counts a
 * refused attempt by design (the lock-out), and the rest need a staff session and refuse keys.
 * test/staff/auth-routes-fuzz.test.ts gives them generated bad input of their own.
 */
export const isSessionPath = (path: string) => path.startsWith('/v1/auth/');

export function writeOperations(doc: OpenApiDocument): Operation[] {
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    if (isSessionPath(path)) continue;
    for (const [method, operation] of Object.entries(methods)) {
      if (!['post', 'put', 'patch', 'delete'].includes(method)) continue;
      const parameters = operation.parameters ?? [];
      operations.push({
        method: method.toUpperCase() as Method,
        path,
        pathParams: parameters
          .filter((p) => p.in === 'path')
          .map((p) => ({ name: p.name, schema: p.schema })),
        body: operation.requestBody?.content?.['application/json']?.schema ?? null,
        takesIdempotencyKey: parameters.some(
          (p) => p.in === 'header' && p.name.toLowerCase() === 'idempotency-key',
        ),
        admin: isAdminPath(path),
      });
    }
  }
  return operations;
}

export const operationName = (operation: Pick<Operation, 'method' | 'path'>) =>
  `${operation.method} ${operation.path}`;

/** Follows `#/components/schemas/...` references (recursive schemas stay lazy). */
export class SchemaResolver {
  constructor(private readonly doc: OpenApiDocument) {}

  resolve(schema: JsonSchema): JsonSchema {
    let current = schema;
    for (let hops = 0; typeof current.$ref === 'string'; hops += 1) {
      if (hops > 10) throw new Error(`$ref loop at ${String(current.$ref)}`);
      const name = (current.$ref as string).replace('#/components/schemas/', '');
      const target = this.doc.components?.schemas?.[name];
      if (!target) throw new Error(`unknown $ref ${String(current.$ref)}`);
      current = target;
    }
    return current;
  }
}

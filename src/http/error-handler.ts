import type { FastifyError, FastifyInstance } from 'fastify';
import { ERROR_CODES } from '../shared/error-codes.ts';
import { JifenError } from '../shared/errors.ts';
import { problemBody } from '../shared/problem.ts';
import { NOT_A_STORABLE_DATE, NOT_A_STORABLE_DATE_TIME } from '../shared/storable-dates.ts';
import { VaultError } from '../vault/vault-error.ts';

const FORMAT_MESSAGES: Record<string, string> = {
  'date-time': NOT_A_STORABLE_DATE_TIME,
  date: NOT_A_STORABLE_DATE,
};

interface FieldError {
  field: string;
  message: string;
}

/** Turns ajv's errors into "which field, what is wrong" in words a developer can act on. */
function fieldErrors(error: FastifyError): FieldError[] {
  const part = error.validationContext ?? 'body';
  const items = error.validation ?? [];
  // A value that fits none of a union's shapes: say so once, not once per shape tried.
  const unionPaths = new Set(
    items.filter((item) => item.keyword === 'anyOf').map((item) => item.instancePath),
  );
  const relevant = items.filter(
    (item) => item.keyword === 'anyOf' || ![...unionPaths].some((path) => item.instancePath.startsWith(path)),
  );
  return relevant.map((item) => {
    const params = item.params as Record<string, unknown>;
    const base = `${part}${item.instancePath}`;
    if (item.keyword === 'required')
      return { field: `${base}/${params.missingProperty}`, message: 'is required' };
    if (item.keyword === 'additionalProperties') {
      return { field: `${base}/${params.additionalProperty}`, message: 'is not a known field' };
    }
    if (item.keyword === 'anyOf') {
      return { field: base || part, message: 'matches none of the accepted forms (see /openapi.json)' };
    }
    const formatMessage = item.keyword === 'format' ? FORMAT_MESSAGES[String(params.format)] : undefined;
    if (formatMessage) return { field: base || part, message: formatMessage };
    return { field: base || part, message: item.message ?? 'is not valid' };
  });
}

function fromFastifyError(error: FastifyError): JifenError | null {
  if (error.validation) {
    const errors = fieldErrors(error);
    const summary = errors.map((item) => `${item.field} ${item.message}`).join('; ');
    return new JifenError('validation_failed', { detail: summary, extensions: { errors } });
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new JifenError('payload_too_large', { detail: error.message });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new JifenError('unsupported_media_type', { detail: error.message });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new JifenError('malformed_json', { detail: error.message });
  }
  if (error instanceof VaultError) {
    // The message says which key is missing or wrong: for the operator, in the log, not the caller.
    return new JifenError('vault_locked');
  }
  if (error instanceof SyntaxError || error.statusCode === 400) {
    return new JifenError('malformed_json', { detail: error.message });
  }
  return null;
}

/** One table maps failures to HTTP: the status comes from ERROR_CODES, the body is problem+json. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const known = error instanceof JifenError ? error : fromFastifyError(error);
    // The stack goes to the log under the id the body shows as `instance`, so a user's report finds it.
    if (!known) request.log.error({ err: error, instance: request.id }, 'unexpected error');
    if (error instanceof VaultError) request.log.error({ instance: request.id }, error.message);
    const problem = known
      ? problemBody(known)
      : { ...problemBody(new JifenError('internal_error')), instance: request.id };
    // A route may set its own limit (batches do): report the one that refused this body.
    // A refusal that says when to come back (a locked login) says it in Retry-After too.
    const retryAfter = known?.extensions.retryAfterSeconds;
    if (typeof retryAfter === 'number' && !reply.hasHeader('retry-after'))
      reply.header('retry-after', retryAfter);
    if (problem.code === 'payload_too_large')
      problem.limitBytes = request.routeOptions.bodyLimit ?? app.initialConfig.bodyLimit;
    return reply
      .code(ERROR_CODES[problem.code as keyof typeof ERROR_CODES].status)
      .type('application/problem+json')
      .send(problem);
  });
  const routes = new RouteTable();
  app.addHook('onRoute', (route) => routes.add(route.method, route.url));
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]!;
    const allowed = routes.methodsOf(path);
    if (allowed.length > 0) {
      const allow = allowed.join(', ');
      const problem = problemBody(
        new JifenError('method_not_allowed', {
          detail: `${path} does not take ${request.method}; it takes ${allow}.`,
          extensions: { allow: allowed },
        }),
      );
      return reply.code(405).header('allow', allow).type('application/problem+json').send(problem);
    }
    const problem = problemBody(
      new JifenError('route_not_found', { detail: `There is no endpoint ${request.method} ${request.url}.` }),
    );
    return reply.code(404).type('application/problem+json').send(problem);
  });
}

/**
 * Every route's path as a pattern, to tell "no such path" (404) from "no such method on this path"
 * (405 with the methods it has).
 */
class RouteTable {
  private readonly routes: { pattern: RegExp; methods: string[] }[] = [];

  add(method: string | string[], url: string): void {
    const source = url
      .split('/')
      .map((part) =>
        part.startsWith(':') ? '[^/]+' : part === '*' ? '.*' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
      )
      .join('/');
    this.routes.push({ pattern: new RegExp(`^${source}$`), methods: [method].flat() });
  }

  methodsOf(path: string): string[] {
    const methods = new Set<string>();
    for (const route of this.routes) {
      if (route.pattern.test(path)) for (const method of route.methods) methods.add(method);
    }
    return [...methods].sort();
  }
}

import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from '../observability/logger.ts';

/** A client's request id is kept when it is a plain token: printable ASCII, no spaces, bounded. */
const SANE_REQUEST_ID = /^[\x21-\x7e]{1,128}$/;

/** The request's id: the client's `X-Request-Id` when sane, else a fresh UUID (Fastify's genReqId). */
export function requestIdOf(raw: IncomingMessage): string {
  const given = raw.headers['x-request-id'];
  return typeof given === 'string' && SANE_REQUEST_ID.test(given) ? given : randomUUID();
}

/**
 * Every answer carries `X-Request-Id` (errors and 404s too), and every request is logged once when
 * answered: method, route pattern (never the URL, which may hold a member id), status, duration,
 * program and API key id — never headers or bodies. A 5xx is logged at error level; its stack is
 * logged by the error handler under the same request id, which is the `instance` of the body.
 */
export function installRequestLogging(app: FastifyInstance): void {
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    const status = reply.statusCode;
    const level = status >= 500 ? 'error' : 'info';
    if ((request.log as Logger).isLevelEnabled?.(level) ?? true) {
      request.log[level](
        {
          method: request.method,
          route: request.routeOptions.url ?? null,
          status,
          durationMs: Math.round(reply.elapsedTime * 100) / 100,
          programId: request.principal?.programId,
          ...actorFields(request),
        },
        'request',
      );
    }
    done();
  });
}

/** Who made the request, by id (never a secret). */
function actorFields(request: FastifyRequest): { apiKeyId?: string; staffId?: string } {
  const principal = request.principal;
  if (!principal) return {};
  return principal.kind === 'staff' ? { staffId: principal.staffId } : { apiKeyId: principal.keyId };
}

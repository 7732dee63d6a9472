import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import { addAuditWrite, appendAudit, prepareAuditRecord } from '../audit/append-audit.ts';
import type { AuditActor, AuditEntry } from '../audit/audit-types.ts';
import type { WriteStatement } from '../db/combined-statements.ts';
import type { Database, Queryable } from '../db/database.ts';
import type { Clock } from '../shared/clock.ts';
import { JifenError } from '../shared/errors.ts';
import type { Principal } from '../staff/principal.ts';
import { AUDITED, type AuditDeclaration } from './audit-declarations.ts';
import { AuditScope, runInAuditScope } from './audit-scope.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    audit?: AuditDeclaration;
  }
  interface FastifyRequest {
    auditScope?: AuditScope;
  }
}

/** Targets that are people: their details in the request go to the encrypted part, under their key. */
const PEOPLE = new Set(['member', 'staff']);
const SECRET_FIELD = /password|totp|secret|token/i;

/** The routes and what they declared, for the test that no write goes undeclared. */
const declared = new WeakMap<FastifyInstance, Map<string, AuditDeclaration | undefined>>();

export function auditDeclarations(app: FastifyInstance): Map<string, AuditDeclaration | undefined> {
  return declared.get(app) ?? new Map();
}

/** The app-only switch the bench uses to measure the log's cost; no CLI flag or env reaches it. */
export interface AuditOptions {
  enabled: boolean;
}

export function installAuditing(
  app: FastifyInstance,
  db: Database,
  clock: Clock,
  options: AuditOptions,
): void {
  const routes = new Map<string, AuditDeclaration | undefined>();
  declared.set(app, routes);
  app.addHook('onRoute', (route) => {
    const declaration = route.config?.audit ?? AUDITED[`${[route.method].flat()[0]} ${route.url}`];
    if (declaration && !route.config?.audit) route.config = { ...route.config, audit: declaration };
    for (const method of [route.method].flat()) routes.set(`${method} ${route.url}`, declaration);
    if (!declaration || declaration.byRoute || declaration.readOnly || !options.enabled) return;
    route.handler = auditedHandler(route.handler as RouteHandlerMethod, declaration, db, clock);
  });
  // The request's transaction commits with its record as the answer is sent, before any other
  // onSend hook (the idempotency answer is stored after it) and before a byte leaves: a client
  // never sees an answer whose change did not commit.
  app.addHook('onSend', async (request, reply, payload) => {
    const scope = request.auditScope;
    if (!scope || scope.closed) return payload;
    const declaration = request.routeOptions.config.audit!;
    const principal = request.principal!;
    const status = reply.statusCode;
    const record =
      status < 400 && !scope.recordedByCommand
        ? status
        : status === 403 && principal.kind === 'staff'
          ? 403
          : null;
    await scope.finish({
      kind: 'commit',
      record:
        record === null
          ? null
          : (tx) =>
              appendAudit(tx, entryOf(request, declaration, record, scope.answer), clock.now()).then(
                () => {},
              ),
    });
    return payload;
  });
  if (!options.enabled) return;
  // A staff member refused before the handler (their role lacks the permission) is recorded too.
  app.addHook('onError', async (request, _reply, error) => {
    const declaration = request.routeOptions.config.audit;
    if (!declaration || declaration.byRoute || request.auditScope || !refusedStaff(request, error)) return;
    await db.transaction((tx) => appendAudit(tx, entryOf(request, declaration, 403, undefined), clock.now()));
  });
}

function refusedStaff(request: FastifyRequest, error: unknown): boolean {
  return request.principal?.kind === 'staff' && error instanceof JifenError && error.status === 403;
}

function auditedHandler(
  handler: RouteHandlerMethod,
  declaration: AuditDeclaration,
  db: Database,
  clock: Clock,
): RouteHandlerMethod {
  return async function audited(this: FastifyInstance, request, reply) {
    const principal = request.principal;
    if (!principal || (declaration.integration && principal.kind !== 'staff')) {
      return handler.call(this, request, reply);
    }
    const scope = new AuditScope(db);
    request.auditScope = scope;
    watchAnswer(reply, scope);
    try {
      // A route whose every write is a command (`deps.send`) needs no request transaction.
      if (declaration.viaCommand) return await handler.call(this, request, reply);
      return await runInAuditScope(scope, () => Promise.resolve(handler.call(this, request, reply)));
    } catch (error) {
      // What the handler did rolls back; a staff member's refusal is recorded on its own.
      await scope.finish({ kind: 'rollback' });
      if (refusedStaff(request, error)) {
        await db.transaction((tx) =>
          appendAudit(tx, entryOf(request, declaration, 403, undefined), clock.now()).then(() => {}),
        );
      }
      throw error;
    }
  };
}

function watchAnswer(reply: FastifyReply, scope: AuditScope): void {
  const send = reply.send.bind(reply);
  reply.send = (payload?: unknown) => {
    if (payload !== undefined && !(payload instanceof Error)) scope.answer = payload;
    return send(payload);
  };
}

/**
 * The record of a command that writes it in its own transaction (`deps.send`), in the statement
 * of the command's own writes.
 */
export function commandRecord(request: FastifyRequest, clock: Clock) {
  const declaration = request.routeOptions.config.audit;
  return async (tx: Queryable, result: { status: number; body: unknown }) => {
    if (!declaration || result.status >= 400) return null;
    const entry = entryOf(request, declaration, result.status, result.body);
    const record = await prepareAuditRecord(tx, entry, clock.now());
    return (statement: WriteStatement) => addAuditWrite(statement, record);
  };
}

export function actorOfPrincipal(principal: Principal): AuditActor {
  return principal.kind === 'staff'
    ? { kind: 'staff', id: principal.staffId, role: principal.role }
    : { kind: 'api_key', id: principal.keyId, role: null };
}

export function entryOf(
  request: FastifyRequest,
  declaration: AuditDeclaration,
  status: number,
  answer: unknown,
): AuditEntry {
  const principal = request.principal!;
  const actor = actorOfPrincipal(principal);
  const targetId = declaration.targetId?.(request, answer) ?? defaultTargetId(request, answer);
  // The admin key acts in no program: its records join the chain of the program it acted on.
  const programId =
    principal.kind === 'api_key' && principal.admin && targetId !== null ? targetId : principal.programId;
  const body = request.body;
  const person = PEOPLE.has(declaration.target);
  return {
    programId,
    actor,
    action: declaration.actionOf?.(request) ?? declaration.action,
    targetType: declaration.target,
    targetId,
    requestId: request.id,
    outcome: status,
    summary: {
      operation: `${request.method} ${request.routeOptions.url}`,
      ...(isObject(body) ? { fields: Object.keys(body).sort() } : {}),
      ...(status < 400 ? (declaration.summary?.(request, answer) ?? {}) : {}),
    },
    personal: {
      ip: request.ip,
      userAgent: request.headers['user-agent'] ?? null,
      ...(person && isObject(body) ? { request: withoutSecrets(body) } : {}),
    },
    subject:
      person && declaration.target === 'member' && targetId !== null
        ? `member:${targetId}`
        : `${actor.kind}:${actor.id}`,
  };
}

function defaultTargetId(request: FastifyRequest, answer: unknown): string | null {
  const params = Object.values((request.params ?? {}) as Record<string, unknown>).filter(
    (value): value is string => typeof value === 'string',
  );
  if (params.length > 0) return params.join('/');
  if (isObject(answer) && typeof answer.id === 'string') return answer.id;
  return null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

function withoutSecrets(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(body).map(([key, value]) => [key, SECRET_FIELD.test(key) ? '[redacted]' : value]),
  );
}

/** A failed sign-in's subject: the login's SHA-256 (the login itself is in the encrypted part). */
export function loginSubject(login: string): string {
  return `login:${createHash('sha256').update(login).digest('hex')}`;
}

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Database, Queryable } from '../db/database.ts';
import {
  AnswerBook,
  answerSubject,
  insertIdempotencyRecords,
  type KeyedRequest,
  sealedAnswer,
} from '../idempotency/answer-book.ts';
import { requestHash } from '../idempotency/request-hash.ts';
import { runCommand } from '../idempotency/run-command.ts';
import type { CommandContext, CommandResult } from '../ledger/commands/command-context.ts';
import { ENTRY_ANSWERS } from '../ledger/entry-answers.ts';
import type { Clock } from '../shared/clock.ts';
import { JifenError } from '../shared/errors.ts';
import { actorOf } from '../staff/principal.ts';
import { commandRecord } from './audit-hooks.ts';
import { principalOf } from './auth.ts';

/**
 * Every write honours the Idempotency-Key, and no route can opt out: the hooks installed here run
 * around every non-GET route. The same request again gets the same answer with
 * `Idempotent-Replayed: true` and has one effect; another request with the key gets 409
 * `idempotency_key_reused`. Answers are kept by `answer-book.ts`, the one implementation.
 *
 * Two ways a route keeps the key:
 * - **in its transaction** (`config.keepsIdempotencyKey`): the route hands the key to its command
 *   (`deps.send`, the credit group commit), which looks it up and stores the answer in the same
 *   statement as the effects. The hooks check that it did.
 * - **around it** (every other write): the key is looked up before the handler, and the answer is
 *   stored when it is sent. These writes' effects are idempotent themselves or cannot be torn
 *   apart from their answer by a crash that matters: event intake (the event id is the key),
 *   credit batches (each item's key), configuration that is replaced whole. Two identical requests
 *   at the same instant may both run there, with one effect; the first answer is kept.
 */

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route's command stores the answer with its effects (see above). */
    keepsIdempotencyKey?: boolean;
    /**
     * The answers of this `/v1/members/{memberId}/…` route hold the member's personal data: a kept
     * answer is sealed, and erased with the member (docs/privacy.md).
     */
    personalAnswer?: boolean;
  }
  interface FastifyRequest {
    idempotency?: IdempotencyState;
  }
}

interface IdempotencyState {
  request: KeyedRequest;
  /** Set when a command took the key into its transaction. */
  kept: boolean;
  /** What a replay answers instead of the first body (a secret is shown once). */
  replayBody?: unknown;
}

export type Command = (tx: Queryable, context: CommandContext) => Promise<CommandResult>;

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function installIdempotency(app: FastifyInstance, db: Database, clock: Clock): void {
  // After authentication and validation: a refused request never touches the key.
  app.addHook('preHandler', async (request, reply) => {
    // The session's own routes (refresh, logout, ...) hand out or end secrets: no answer is kept
    // for them. A route any signed-in caller may use (`session: 'any'`) keeps its answers.
    if (
      !WRITE_METHODS.has(request.method) ||
      !request.principal ||
      request.routeOptions.config.session === 'staff'
    )
      return;
    const keyed = keyedRequestOf(request);
    if (!keyed) return;
    if (!request.routeOptions.config.keepsIdempotencyKey) {
      const book = await AnswerBook.open(db, request.principal.programId, [keyed], ENTRY_ANSWERS);
      const prior = book.prior(keyed);
      if (prior.kind === 'reused') throw prior.error;
      if (prior.kind === 'replay') return sendOutcome(reply, { ...prior.answer, replayed: true });
    }
    request.idempotency = { request: keyed, kept: false };
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const state = request.idempotency;
    if (!state || !request.principal) return payload;
    request.idempotency = undefined;
    if (state.kept) return payload;
    if (request.routeOptions.config.keepsIdempotencyKey) {
      throw new Error(`${request.routeOptions.url} declares keepsIdempotencyKey but did not keep the key`);
    }
    // A failure of the server is not an answer: the same request may be tried again.
    if (reply.statusCode >= 500 || typeof payload !== 'string') return payload;
    const body =
      state.replayBody !== undefined ? state.replayBody : payload === '' ? null : JSON.parse(payload);
    const { programId } = request.principal;
    const personal = request.routeOptions.config.personalAnswer;
    const response = personal ? await sealedAnswer(db, programId, body) : body;
    const record = {
      ...state.request,
      statusCode: reply.statusCode,
      response,
      subject: personal ? answerSubject(memberOfRoute(request)) : null,
    };
    await insertIdempotencyRecords(db, programId, [record], clock.now(), {
      ifAbsent: true,
    });
    return payload;
  });
}

/**
 * The key for a command that stores its answer in its own transaction (the credit group commit);
 * the hooks then leave the request alone.
 */
export function idempotencyOf(request: FastifyRequest): KeyedRequest | undefined {
  const state = request.idempotency;
  if (!state) return undefined;
  state.kept = true;
  return state.request;
}

/** A replay of this request answers `body` instead (never a secret shown once). */
export function setReplayBody(request: FastifyRequest, body: unknown): void {
  if (request.idempotency) request.idempotency.replayBody = body;
}

/**
 * The thin edge of most writes: runs the command in one transaction with the request's key and
 * sends its answer (a replay carries `Idempotent-Replayed: true`).
 */
export function commandSender(db: Database, clock: Clock, scoped: Database = db) {
  return async function sendCommand(
    request: FastifyRequest,
    reply: FastifyReply,
    command: Command,
    /** Where the write is done (`storeField`): stamped on its entries' source. */
    at: { store?: string } = {},
  ): Promise<FastifyReply> {
    const principal = principalOf(request);
    const now = clock.now();
    // An audited request: the command's own transaction carries the record when it runs first;
    // after the request already began its transaction, the command joins that one instead.
    const scope = request.auditScope;
    const claimed = scope?.claimForCommand() ?? false;
    const outcome = await runCommand(
      scope?.live ? scoped : db,
      {
        programId: principal.programId,
        now,
        idempotency: idempotencyOf(request),
        ...(claimed ? { alongside: commandRecord(request, clock) } : {}),
      },
      async (tx) => {
        const result = await command(tx, {
          programId: principal.programId,
          now,
          source: { kind: 'api', ...actorOf(principal), ...at },
        });
        // A route whose answers hold personal data keeps them sealed, whatever its command says.
        return request.routeOptions.config.personalAnswer
          ? { ...result, personalAnswer: { memberId: memberOfRoute(request) } }
          : result;
      },
    );
    return sendOutcome(reply, outcome);
  };
}

/** The member of a `/v1/members/{memberId}/…` route whose answers hold personal data. */
function memberOfRoute(request: FastifyRequest): string {
  const { memberId } = request.params as { memberId?: string };
  if (typeof memberId !== 'string') {
    throw new Error(`${request.routeOptions.url} declares personalAnswer but names no member`);
  }
  return memberId;
}

/** The request's Idempotency-Key and the fingerprint of what it asks (operation, params, body). */
function keyedRequestOf(request: FastifyRequest): KeyedRequest | undefined {
  const header = request.headers['idempotency-key'];
  const key = Array.isArray(header) ? header[0] : header;
  if (key === undefined) return undefined;
  // Node joins a repeated header into one value ("a, b"); which key was meant cannot be told.
  if (timesSent(request.raw.rawHeaders, 'idempotency-key') > 1) {
    throw new JifenError('validation_failed', {
      detail: 'header/idempotency-key must be sent once',
      extensions: { errors: [{ field: 'header/idempotency-key', message: 'must be sent once' }] },
    });
  }
  if (key.length === 0 || key.length > 255) {
    throw new JifenError('validation_failed', {
      detail: 'header/idempotency-key must be 1 to 255 characters',
      extensions: { errors: [{ field: 'header/idempotency-key', message: 'must be 1 to 255 characters' }] },
    });
  }
  const operation = `${request.method} ${request.routeOptions.url}`;
  return { key, requestHash: requestHash(operation, { params: request.params, body: request.body }) };
}

function timesSent(rawHeaders: string[], name: string): number {
  let count = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i]?.toLowerCase() === name) count++;
  return count;
}

export function sendOutcome(
  reply: FastifyReply,
  outcome: { status: number; body: unknown; replayed: boolean },
): FastifyReply {
  if (outcome.replayed) reply.header('idempotent-replayed', 'true');
  reply.code(outcome.status);
  if (outcome.status >= 400) reply.type('application/problem+json');
  return outcome.status === 204 ? reply.send() : reply.send(outcome.body);
}

export type SendCommand = ReturnType<typeof commandSender>;

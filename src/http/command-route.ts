import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Database, Queryable } from '../db/database.ts';
import { requestHash } from '../idempotency/request-hash.ts';
import { type CommandResult, runCommand } from '../idempotency/run-command.ts';
import type { CommandContext } from '../ledger/commands/command-context.ts';
import type { Clock } from '../shared/clock.ts';
import { JifenError } from '../shared/errors.ts';
import { principalOf } from './auth.ts';

export type Command = (tx: Queryable, context: CommandContext) => Promise<CommandResult>;

/**
 * The thin edge of every write: takes the Idempotency-Key, runs the command in one transaction and
 * sends its answer (a replay carries `Idempotent-Replayed: true`).
 */
export function commandSender(db: Database, clock: Clock) {
  return async function sendCommand(
    request: FastifyRequest,
    reply: FastifyReply,
    command: Command,
  ): Promise<FastifyReply> {
    const principal = principalOf(request);
    const now = clock.now();
    const outcome = await runCommand(
      db,
      { programId: principal.programId, now, idempotency: idempotencyOf(request) },
      (tx) =>
        command(tx, {
          programId: principal.programId,
          now,
          source: { kind: 'api', apiKeyId: principal.keyId },
        }),
    );
    return sendOutcome(reply, outcome);
  };
}

/** The request's Idempotency-Key and the fingerprint of what it asks (operation, params, body). */
export function idempotencyOf(request: FastifyRequest): { key: string; requestHash: string } | undefined {
  const header = request.headers['idempotency-key'];
  const key = Array.isArray(header) ? header[0] : header;
  if (key === undefined) return undefined;
  if (key.length === 0 || key.length > 255) {
    throw new JifenError('validation_failed', {
      detail: 'header/idempotency-key must be 1 to 255 characters',
      extensions: { errors: [{ field: 'header/idempotency-key', message: 'must be 1 to 255 characters' }] },
    });
  }
  const operation = `${request.method} ${request.routeOptions.url}`;
  return { key, requestHash: requestHash(operation, { params: request.params, body: request.body }) };
}

export function sendOutcome(
  reply: FastifyReply,
  outcome: { status: number; body: unknown; replayed: boolean },
): FastifyReply {
  if (outcome.replayed) reply.header('idempotent-replayed', 'true');
  reply.code(outcome.status);
  if (outcome.status >= 400) reply.type('application/problem+json');
  return reply.send(outcome.body);
}

export type SendCommand = ReturnType<typeof commandSender>;

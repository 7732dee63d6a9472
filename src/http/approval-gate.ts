import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Asked } from '../approvals/approvable-actions.ts';
import { requestApproval } from '../approvals/approval-commands.ts';
import { approvalToAsk } from '../approvals/approval-gate.ts';
import { principalOf } from './auth.ts';
import type { RouteDeps } from './route-deps.ts';

/**
 * Maker–checker at the edge of a points action: runs it now (`run`), or, when the program's
 * approval policy holds it for a checker, stores it as a pending approval and answers 202 with
 * the request (idempotent under the request's key like any write). `store`: where the maker acts.
 */
export async function runOrHoldForApproval(
  deps: RouteDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  asked: Asked,
  store: string | undefined,
  run: () => Promise<FastifyReply>,
): Promise<FastifyReply> {
  const ask = await approvalToAsk(deps.db, principalOf(request), asked, store);
  if (!ask) return run();
  return deps.send(request, reply, (tx, context) => requestApproval(tx, context.programId, ask, context.now));
}

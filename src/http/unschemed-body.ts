import type { FastifyInstance } from 'fastify';
import { JifenError } from '../shared/errors.ts';
import { findUnstorable } from '../shared/storable-input.ts';

/**
 * Operations without a body schema (publish, deliver, pay, void, deletes...) still receive
 * whatever body a client sends, and it still reaches the idempotency fingerprint. The check every
 * schema'd body gets (ajv-compilers.ts) runs on those bodies too, so a body nested 100,000 levels
 * deep is a 400 here rather than a stack overflow further in.
 */
export function checkUnschemedBodies(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    if (request.body === undefined || request.routeOptions.schema?.body) return;
    const problem = findUnstorable(request.body, '');
    if (!problem) return;
    const field = `body${problem.field}`;
    throw new JifenError('validation_failed', {
      detail: `${field} ${problem.message}`,
      extensions: { errors: [{ field, message: problem.message }] },
    });
  });
}

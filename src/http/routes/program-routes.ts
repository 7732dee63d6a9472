import type { ExpiryPolicy } from '../../programs/expiry-policy.ts';
import { ProgramPatch, ProgramView } from '../../programs/program-api-schemas.ts';
import { getProgram, updateProgramSettings } from '../../programs/program-store.ts';
import { problemResponses } from '../../shared/api-schemas.ts';
import { principalOf } from '../auth.ts';
import type { RouteDeps, TypedApp } from '../route-deps.ts';

export function programRoutes(app: TypedApp, deps: RouteDeps): void {
  app.get(
    '/v1/program',
    {
      config: { permission: 'program:read' },
      schema: {
        tags: ['program'],
        summary: "The key's program and its ledger settings",
        response: { 200: ProgramView, ...problemResponses },
      },
    },
    async (request) => getProgram(deps.db, principalOf(request).programId),
  );

  app.patch(
    '/v1/program',
    {
      config: { permission: 'program:manage' },
      schema: {
        tags: ['program'],
        summary: 'Change program settings; they apply from now on and never rewrite history',
        body: ProgramPatch,
        response: { 200: ProgramView, ...problemResponses },
      },
    },
    async (request) => {
      const { expiryPolicy, ...rest } = request.body;
      return updateProgramSettings(
        deps.db,
        principalOf(request).programId,
        { ...rest, ...(expiryPolicy ? { expiryPolicy: expiryPolicy as ExpiryPolicy } : {}) },
        deps.clock.now(),
      );
    },
  );
}

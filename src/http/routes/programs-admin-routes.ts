import { Type } from '@sinclair/typebox';
import { ALL_SCOPES, createApiKey, programHasLiveKeys } from '../../keys/api-keys.ts';
import type { ExpiryPolicy } from '../../programs/expiry-policy.ts';
import {
  ProgramCreate,
  type ProgramCreateBody,
  ProgramIdParams,
  ProgramKeyCreate,
  ProgramKeyCreated,
  ProgramList,
  ProgramView,
} from '../../programs/program-api-schemas.ts';
import {
  archiveProgram,
  createProgramWith,
  findProgram,
  listPrograms,
  queueOnProgram,
} from '../../programs/program-store.ts';
import { PageQuery, problemResponses } from '../../shared/api-schemas.ts';
import { JifenError } from '../../shared/errors.ts';
import { cursorKey, toPage } from '../../shared/pages.ts';
import type { RouteDeps, TypedApp } from '../route-deps.ts';

/**
 * The deployment's programs, managed with the admin key (created at bootstrap, or by
 * `jifen keys create --admin`). Program keys get 403 `admin_key_required` here, and the admin key
 * gets 403 `admin_key_not_for_programs` everywhere else (`auth.ts`).
 */
const tags = ['programs'];
const admin = { admin: true as const };

function programNotFound(programId: string): JifenError {
  return new JifenError('program_not_found', {
    detail: `There is no program "${programId}" in this deployment.`,
    extensions: { programId },
  });
}

export function programsAdminRoutes(app: TypedApp, deps: RouteDeps): void {
  app.post(
    '/v1/programs',
    {
      config: { ...admin, keepsIdempotencyKey: true },
      schema: {
        tags,
        summary: 'Create a program (a tenant) with its settings; then mint its first owner key',
        body: ProgramCreate,
        response: { 201: ProgramView, ...problemResponses },
      },
    },
    async (request, reply) =>
      deps.send(request, reply, async (tx, context) => {
        const { expiryPolicy, name, ...rest } = request.body as ProgramCreateBody;
        const program = await createProgramWith(
          tx,
          { ...rest, name, ...(expiryPolicy ? { expiryPolicy: expiryPolicy as ExpiryPolicy } : {}) },
          context.now,
        );
        return { status: 201, body: program };
      }),
  );

  app.get(
    '/v1/programs',
    {
      config: admin,
      schema: {
        tags,
        summary: "The deployment's programs, archived ones included, oldest first",
        querystring: PageQuery,
        response: { 200: ProgramList, ...problemResponses },
      },
    },
    async (request) => {
      const limit = request.query.limit ?? 50;
      const rows = await listPrograms(deps.db, {
        afterId: cursorKey(request.query.cursor),
        limit: limit + 1,
      });
      return toPage(rows, limit, (program) => program);
    },
  );

  app.get(
    '/v1/programs/:programId',
    {
      config: admin,
      schema: {
        tags,
        summary: 'One program and its settings',
        params: ProgramIdParams,
        response: { 200: ProgramView, ...problemResponses },
      },
    },
    async (request) => {
      const program = await findProgram(deps.db, request.params.programId);
      if (!program) throw programNotFound(request.params.programId);
      return program;
    },
  );

  app.post(
    '/v1/programs/:programId/archive',
    {
      config: admin,
      schema: {
        tags,
        summary:
          'Archive a program: its data stays readable and exportable, every write answers 409 program_archived',
        params: ProgramIdParams,
        response: { 200: ProgramView, ...problemResponses },
      },
    },
    async (request) => {
      const program = await archiveProgram(deps.db, request.params.programId, deps.clock.now());
      if (!program) throw programNotFound(request.params.programId);
      // The program's keys are cached for a moment: this process refuses its writes at once.
      deps.auth.forget();
      return program;
    },
  );

  app.post(
    '/v1/programs/:programId/keys',
    {
      config: { ...admin, keepsIdempotencyKey: true },
      schema: {
        tags,
        summary:
          "Mint a program's first owner key (every scope); its secret is in this response only. Further keys are made with that key.",
        params: ProgramIdParams,
        body: Type.Optional(ProgramKeyCreate),
        response: { 201: ProgramKeyCreated, ...problemResponses },
      },
    },
    async (request, reply) =>
      deps.send(request, reply, async (tx, context) => {
        const { programId } = request.params;
        const program = await findProgram(tx, programId);
        if (!program) throw programNotFound(programId);
        if (program.archivedAt !== null) {
          throw new JifenError('program_archived', {
            detail: `The program ${programId} was archived at ${program.archivedAt}: it gets no new keys.`,
            extensions: { programId, archivedAt: program.archivedAt },
          });
        }
        // Two admins minting at once: the second waits for the first and then sees its key.
        await queueOnProgram(tx, programId);
        if (await programHasLiveKeys(tx, programId)) {
          throw new JifenError('program_has_keys', {
            detail: `The program ${programId} already has a live key: make further keys with it (POST /v1/api-keys).`,
            extensions: { programId },
          });
        }
        const created = await createApiKey(
          tx,
          programId,
          { name: request.body?.name ?? 'owner', scopes: [ALL_SCOPES] },
          context.now,
        );
        return { status: 201, body: created, replayBody: { key: created.key, secret: null } };
      }),
  );
}

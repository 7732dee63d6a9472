import { Type } from '@sinclair/typebox';
import type { Asked } from '../../approvals/approvable-actions.ts';
import { Approval } from '../../approvals/approval-api-schemas.ts';
import {
  ImportCommit,
  ImportCreate,
  ImportPageQuery,
  ImportParams,
  ImportView,
  MAX_IMPORT_CONTENT_BYTES,
} from '../../imports/import-api-schemas.ts';
import {
  commitImportInBackground,
  createImport,
  readImport,
  undoImportCommand,
} from '../../imports/import-commands.ts';
import { listImportPage } from '../../imports/import-views.ts';
import { pageOf, problemResponses } from '../../shared/api-schemas.ts';
import { actorOf, type Principal } from '../../staff/principal.ts';
import { runOrHoldForApproval } from '../approval-gate.ts';
import { principalOf } from '../auth.ts';
import type { RouteDeps, TypedApp } from '../route-deps.ts';

/**
 * Imports for the console (the CLI streams files of any size): a file checked as a dry run, its
 * report, commit, undo. Balances and events count from their own dates (dated history).
 */
export function importRoutes(app: TypedApp, deps: RouteDeps): void {
  const source = (principal: Principal) => ({ kind: 'api' as const, ...actorOf(principal) });

  app.post(
    '/v1/imports',
    {
      config: { permission: 'imports:write' },
      // The file in a JSON string, escaped: room for the largest file and its escapes.
      bodyLimit: 2 * MAX_IMPORT_CONTENT_BYTES + 1_048_576,
      schema: {
        tags: ['imports'],
        summary:
          'Check a file of members, balances, events or tiers as a dry run: counts and errors by line and column',
        body: ImportCreate,
        response: { 201: ImportView, ...problemResponses },
      },
    },
    async (request, reply) => {
      const { programId } = principalOf(request);
      return reply.code(201).send(await createImport(deps.db, programId, request.body, deps.clock.now()));
    },
  );

  app.get(
    '/v1/imports',
    {
      config: { permission: 'imports:read' },
      schema: {
        tags: ['imports'],
        summary: "The program's imports, newest first",
        querystring: ImportPageQuery,
        response: { 200: pageOf(ImportView), ...problemResponses },
      },
    },
    async (request) =>
      listImportPage(deps.db, principalOf(request).programId, {
        limit: request.query.limit ?? 50,
        cursor: request.query.cursor,
      }),
  );

  app.get(
    '/v1/imports/:importId',
    {
      config: { permission: 'imports:read' },
      schema: {
        tags: ['imports'],
        summary: 'An import: state, progress, counts, and errors by line and column',
        params: ImportParams,
        response: { 200: ImportView, ...problemResponses },
      },
    },
    async (request) => readImport(deps.db, principalOf(request).programId, request.params.importId),
  );

  app.post(
    '/v1/imports/:importId/commit',
    {
      config: { permission: 'imports:write' },
      schema: {
        tags: ['imports'],
        summary:
          'Apply a dry run in the background (202; follow its progress with GET): all of it, or nothing when rows have errors unless skipErrors',
        params: ImportParams,
        body: ImportCommit,
        response: {
          202: Type.Union([ImportView, Approval], {
            description: 'The import committing, or — held by the approval policy — the approval request.',
          }),
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const { importId } = request.params;
      const skipErrors = request.body?.skipErrors;
      const asked: Asked = {
        action: 'import_commit',
        payload: { importId, ...(skipErrors !== undefined ? { skipErrors } : {}) },
      };
      return runOrHoldForApproval(deps, request, reply, asked, undefined, async () => {
        const view = await commitImportInBackground(
          deps.db,
          deps.importCommits,
          principal.programId,
          importId,
          {
            skipErrors,
            source: source(principal),
          },
        );
        return reply.code(202).send(view);
      });
    },
  );

  app.post(
    '/v1/imports/:importId/undo',
    {
      config: { permission: 'imports:write' },
      schema: {
        tags: ['imports'],
        summary:
          'Undo a committed import: its entries reversed by new entries (refused if its points were spent)',
        params: ImportParams,
        response: { 200: ImportView, 202: Approval, ...problemResponses },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const { importId } = request.params;
      const asked: Asked = { action: 'import_undo', payload: { importId } };
      return runOrHoldForApproval(deps, request, reply, asked, undefined, async () =>
        reply.send(
          await undoImportCommand(deps.db, principal.programId, importId, {
            now: deps.clock.now(),
            source: source(principal),
          }),
        ),
      );
    },
  );
}

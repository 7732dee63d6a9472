import { Type } from '@sinclair/typebox';
import { listMigrations } from '../../db/migrate.ts';
import { Problem } from '../../shared/api-schemas.ts';
import { JifenError } from '../../shared/errors.ts';
import type { RouteDeps, TypedApp } from '../route-deps.ts';

/** How long /ready waits for the database before saying it is not ready. */
export const READY_DEADLINE_MS = 2_000;

/**
 * `/health` is liveness: it answers at once from the process alone, never waiting for the
 * database (on PGlite, a query queues behind whatever background work holds the one connection).
 * `/ready` is readiness: every migration this build knows is applied and the database answers
 * within READY_DEADLINE_MS.
 */
export function healthRoutes(app: TypedApp, deps: RouteDeps): void {
  const knownVersions = listMigrations().map((migration) => migration.version);
  app.get(
    '/health',
    {
      schema: {
        tags: ['system'],
        summary: 'Liveness: 200 while the process serves requests (the database is not asked; see /ready)',
        response: { 200: Type.Object({ status: Type.Literal('ok'), engine: Type.String() }) },
      },
    },
    async () => ({ status: 'ok' as const, engine: deps.db.engine }),
  );

  app.get(
    '/ready',
    {
      schema: {
        tags: ['system'],
        summary:
          'Readiness: 200 when all migrations ran and the database answers in time, else 503 not_ready',
        response: {
          200: Type.Object({
            status: Type.Literal('ready'),
            engine: Type.String(),
            migration: Type.Integer(),
          }),
          503: Problem,
        },
      },
    },
    async () => {
      const applied = await withDeadline(
        deps.db.query<{ version: number }>(
          'select version from schema_migrations where version = any($1::int4[])',
          [knownVersions],
        ),
        READY_DEADLINE_MS,
      );
      const done = new Set(applied.map((row) => Number(row.version)));
      const missing = knownVersions.filter((version) => !done.has(version));
      if (missing.length > 0) {
        throw new JifenError('not_ready', {
          detail: `Migrations not applied yet: ${missing.join(', ')}. Run \`jifen migrate\` or start \`jifen serve\`, which applies them.`,
        });
      }
      return { status: 'ready' as const, engine: deps.db.engine, migration: Math.max(...knownVersions) };
    },
  );
}

async function withDeadline<T>(query: Promise<T>, deadlineMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new JifenError('not_ready', { detail: `The database did not answer within ${deadlineMs} ms.` }),
        ),
      deadlineMs,
    );
  });
  try {
    return await Promise.race([
      query.catch((error: unknown) => {
        throw new JifenError('not_ready', {
          detail: `The database refused the readiness check: ${(error as Error).message}`,
        });
      }),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

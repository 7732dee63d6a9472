import type { Database } from '../../src/db/database.ts';
import { type AppOptions, buildApp } from '../../src/http/app.ts';
import type { TypedApp } from '../../src/http/route-deps.ts';
import { type CommitRunnerOptions, ImportCommitRunner } from '../../src/imports/commit-runner.ts';
import { bootstrap } from '../../src/programs/bootstrap.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { type Engine, openTestDatabase } from './test-database.ts';

type ExtraAppOptions = Omit<AppOptions, 'db' | 'clock'>;

export interface TestApi {
  engine: Engine;
  db: Database;
  app: TypedApp;
  clock: ManualClock;
  programId: string;
  /** The owner key of the default program. */
  key: string;
  /** The deployment's admin key (programs only), made by bootstrap beside the owner key. */
  adminKey: string;
  /** The app's background import commits (`await api.importCommits.idle()` waits for them). */
  importCommits: ImportCommitRunner;
  /** Sends a request in process; JSON in, JSON out. */
  call(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    body?: unknown,
    headers?: Record<string, string>,
    // biome-ignore lint/suspicious/noExplicitAny: replies are arbitrary JSON that each test reads its own way
  ): Promise<{ status: number; body: any; headers: Record<string, unknown> }>;
  close(): Promise<void>;
}

/**
 * A migrated database, the default program with its owner key, and the app on a manual clock.
 * `options.maxConnections` sizes the PostgreSQL pool (concurrency tests need more than the default).
 */
export async function openTestApi(
  engine: Engine,
  start = '2026-03-01T02:00:00Z',
  options: {
    maxConnections?: number;
    /** More app options (a logger, metrics), or a function of the database and clock giving them. */
    app?: ExtraAppOptions | ((db: Database, clock: ManualClock) => ExtraAppOptions);
    /** How the background import commits run (small chunks, a hook before each). */
    importCommits?: CommitRunnerOptions;
  } = {},
): Promise<TestApi> {
  const db = await openTestDatabase(engine, options);
  const clock = new ManualClock(start);
  const created = await bootstrap(db, clock.now());
  if (!created) throw new Error('bootstrap did nothing on a fresh database');
  const extra = typeof options.app === 'function' ? options.app(db, clock) : options.app;
  const importCommits = extra?.importCommits ?? new ImportCommitRunner(db, clock, options.importCommits);
  const app = await buildApp({ db, clock, ...extra, importCommits });
  const api: TestApi = {
    engine,
    db,
    app,
    clock,
    programId: created.programId,
    key: created.secret,
    adminKey: created.adminSecret,
    importCommits,
    async call(method, url, body, headers = {}) {
      const response = await app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${created.secret}`, ...headers },
        ...(body === undefined ? {} : { payload: body as object }),
      });
      const text = response.body;
      return {
        status: response.statusCode,
        body:
          text.length > 0 && /json/.test(String(response.headers['content-type'])) ? JSON.parse(text) : text,
        headers: response.headers,
      };
    },
    async close() {
      await app.close();
      await db.close();
    },
  };
  return api;
}

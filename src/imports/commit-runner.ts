import type { Database } from '../db/database.ts';
import type { EntrySource } from '../ledger/ledger-types.ts';
import type { Clock } from '../shared/clock.ts';
import { JifenError } from '../shared/errors.ts';
import { beginCommit, type CommitInput, runCommit } from './commit-import.ts';
import { abandonedCommits } from './commit-lease.ts';
import type { ImportRecord } from './import-types.ts';

export interface CommitRunnerOptions {
  /** Where a commit that failed in the background is reported (it is `failed` in the import too). */
  log?: (message: string) => void;
  /** Staged rows per chunk and a hook before each (tests hold a commit mid-way with them). */
  chunkRows?: number;
  beforeChunk?: () => Promise<void>;
  leaseMs?: number;
}

/** Who a resumed commit's entries are recorded for when its import kept nobody (committed before 024). */
const RESUMED: EntrySource = { kind: 'system', ref: 'import-resume' };

const EXPECTED_WHEN_RESUMING = new Set([
  'import_commit_running',
  'import_state_conflict',
  'import_not_found',
]);

/**
 * Imports committed in the background of `jifen serve`: `start` checks and claims a commit in the
 * request (so a file with errors is refused at once) and applies its rows after the answer;
 * `resumeAbandoned` takes over commits whose process died. `stop` (shutdown) stops each commit
 * between two chunks; they stay `committing`, for the next start to resume.
 */
export class ImportCommitRunner {
  private readonly running = new Set<Promise<unknown>>();
  private readonly stopping = new AbortController();

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly options: CommitRunnerOptions = {},
  ) {}

  /**
   * Begins the commit (`import_has_errors`, `import_state_conflict`, `import_commit_running`
   * thrown at once) and runs it in the background: answers the import as it starts, `committing`.
   */
  async start(
    programId: string,
    importId: string,
    commit: { skipErrors: boolean; source: EntrySource },
  ): Promise<ImportRecord> {
    if (this.stopping.signal.aborted) {
      throw new JifenError('shutting_down', { detail: 'The server is shutting down: commit again shortly.' });
    }
    const input = this.inputFor(programId, importId, commit);
    const run = await beginCommit(this.db, input);
    this.track(runCommit(this.db, run, input));
    return run.record;
  }

  /** Commits nobody runs (their process died or stopped), taken over a few at a time. */
  async resumeAbandoned(limit = 5): Promise<number> {
    if (this.stopping.signal.aborted) return 0;
    let resumed = 0;
    for (const { programId, importId } of await abandonedCommits(this.db, this.clock.now(), limit)) {
      try {
        await this.start(programId, importId, { skipErrors: false, source: RESUMED });
        resumed += 1;
      } catch (error) {
        // Another process claimed it first, or it finished in between: nothing to do. Anything
        // else must not keep the other imports waiting.
        if (error instanceof JifenError && EXPECTED_WHEN_RESUMING.has(error.code)) continue;
        this.options.log?.(`resuming import ${importId} failed, will retry: ${(error as Error).message}`);
      }
    }
    return resumed;
  }

  /** Resolves once every commit running now has stopped (tests wait for the background with it). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  /** Stops every commit between two chunks, and waits for them. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.idle();
  }

  private inputFor(
    programId: string,
    importId: string,
    commit: { skipErrors: boolean; source: EntrySource },
  ): CommitInput {
    const { chunkRows, beforeChunk, leaseMs } = this.options;
    return {
      programId,
      importId,
      ...commit,
      now: this.clock.now(),
      clock: this.clock,
      signal: this.stopping.signal,
      ...(chunkRows !== undefined && { chunkRows }),
      ...(beforeChunk !== undefined && { beforeChunk }),
      ...(leaseMs !== undefined && { leaseMs }),
    };
  }

  private track(work: Promise<ImportRecord>): void {
    const done = work
      .then((record) => {
        if (record.state === 'failed')
          this.options.log?.(`import ${record.id} failed: ${record.failure?.detail}`);
      })
      .catch((error: unknown) =>
        this.options.log?.(`an import's commit stopped: ${(error as Error).message} (its import is failed)`),
      )
      .finally(() => this.running.delete(done));
    this.running.add(done);
  }
}

import type { Queryable } from '../db/database.ts';
import type { EntrySource } from '../ledger/ledger-types.ts';
import type { CommitFailure } from './import-types.ts';

/**
 * Who runs an import's commit: a lease in the import's row (`commit_runner`, `commit_lease_until`),
 * taken with a conditional UPDATE, so that two processes never apply the same import at once, and
 * renewed as the commit goes. A commit whose process died keeps its lease until it expires; then
 * `jifen serve` takes it over (`resumeAbandonedCommits`) and goes on from the last chunk done.
 */

/** How long a lease holds without renewal: a process presumed dead after this. */
export const COMMIT_LEASE_MS = 60_000;

/**
 * Takes the commit for `runner` (the import's row locked by the caller): the import becomes
 * `committing`, with who asked (`source`) and whether rows with errors are skipped. Answers false
 * when another runner's lease still holds.
 */
export async function claimCommit(
  tx: Queryable,
  at: { programId: string; importId: string; runner: string; now: Date; leaseUntil: Date },
  commit: { source: EntrySource; skipErrors: boolean },
): Promise<boolean> {
  const rows = await tx.query(
    `update imports set state = 'committing', commit_runner = $3, commit_lease_until = $5, failure = null,
            commit_source = coalesce(commit_source, $6::jsonb), skip_errors = skip_errors or $7
      where program_id = $1 and id = $2 and state in ('dry_run', 'committing', 'failed')
        and (commit_lease_until is null or commit_lease_until <= $4)
      returning id`,
    [
      at.programId,
      at.importId,
      at.runner,
      at.now.toISOString(),
      at.leaseUntil.toISOString(),
      JSON.stringify(commit.source),
      commit.skipErrors,
    ],
  );
  return rows.length === 1;
}

/** Extends the runner's lease; false when it lost it (another process took the commit over). */
export async function renewCommitLease(
  db: Queryable,
  programId: string,
  importId: string,
  runner: string,
  leaseUntil: Date,
): Promise<boolean> {
  const rows = await db.query(
    `update imports set commit_lease_until = $4
      where program_id = $1 and id = $2 and commit_runner = $3 and state = 'committing' returning id`,
    [programId, importId, runner, leaseUntil.toISOString()],
  );
  return rows.length === 1;
}

/** The runner stops (shutting down): the import stays `committing`, free for the next to resume. */
export async function releaseCommitLease(
  db: Queryable,
  programId: string,
  importId: string,
  runner: string,
): Promise<void> {
  await db.query(
    `update imports set commit_runner = null, commit_lease_until = null
      where program_id = $1 and id = $2 and commit_runner = $3 and state = 'committing'`,
    [programId, importId, runner],
  );
}

/** The commit is done; false when this runner no longer held it. */
export async function finishCommit(
  tx: Queryable,
  programId: string,
  importId: string,
  runner: string,
  now: Date,
): Promise<boolean> {
  const rows = await tx.query(
    `update imports set state = 'committed', committed_at = $4, commit_runner = null, commit_lease_until = null
      where program_id = $1 and id = $2 and commit_runner = $3 and state = 'committing' returning id`,
    [programId, importId, runner, now.toISOString()],
  );
  return rows.length === 1;
}

/** A problem stopped the commit: `failed` with it, until committed again (which resumes it). */
export async function failCommit(
  db: Queryable,
  programId: string,
  importId: string,
  runner: string,
  failure: CommitFailure,
): Promise<void> {
  await db.query(
    `update imports set state = 'failed', failure = $4::jsonb, commit_runner = null, commit_lease_until = null
      where program_id = $1 and id = $2 and commit_runner = $3 and state = 'committing'`,
    [programId, importId, runner, JSON.stringify(failure)],
  );
}

/** Commits nobody runs: `committing` with no lease, or one that expired (its process died). */
export async function abandonedCommits(
  db: Queryable,
  now: Date,
  limit: number,
): Promise<{ programId: string; importId: string }[]> {
  const rows = await db.query<{ program_id: string; id: string }>(
    `select program_id, id from imports
      where state = 'committing' and (commit_lease_until is null or commit_lease_until <= $1)
      order by created_at limit $2`,
    [now.toISOString(), limit],
  );
  return rows.map((row) => ({ programId: row.program_id, importId: row.id }));
}

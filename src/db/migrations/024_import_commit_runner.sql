-- 024: imports committed in the background (issue 15). `POST /v1/imports/{id}/commit` answers at
-- once and `jifen serve` applies the rows; the commit holds a lease (renewed as it goes) so that
-- one process at a time runs it, and a commit whose process died is resumed by another once its
-- lease expires. A commit stopped by an error is `failed`, with the problem, until committed again.
alter table imports drop constraint imports_state_check;
alter table imports add constraint imports_state_check
  check (state in ('dry_run', 'committing', 'failed', 'committed', 'undone'));
-- Who runs the commit and until when it may be presumed alive (null: nobody runs it).
alter table imports add column commit_runner text;
alter table imports add column commit_lease_until timestamptz;
-- Whom the entries are recorded for (the API key or operator that asked), for a resumed commit.
alter table imports add column commit_source jsonb;
-- How far the commit went: rows done (applied, skipped or refused) and the last of them in the order
-- rows apply, so a commit resumed starts after it.
alter table imports add column rows_done bigint not null default 0;
alter table imports add column commit_after_sort_at timestamptz;
alter table imports add column commit_after_line bigint;
-- Why the commit stopped (a problem: code, detail), while `failed`.
alter table imports add column failure jsonb;
-- The sweep that resumes commits looks for abandoned ones only.
create index imports_committing on imports (commit_lease_until) where state = 'committing';

-- 023: imports (issue 15). A merchant moving to Jifen brings members, opening balances, historical
-- events and current tiers as files. An import is checked first (a dry run: every row validated,
-- the valid ones staged in `import_rows`), then committed (applied a chunk at a time, with its
-- progress) or left; a committed import may be undone (its entries reversed by new entries).
create table imports (
  program_id text not null references programs (id),
  id text not null,
  kind text not null check (kind in ('members', 'balances', 'events', 'tiers')),
  state text not null check (state in ('dry_run', 'committing', 'committed', 'undone')),
  file_name text,
  -- rows read, valid (staged), invalid, and at commit: applied, already imported (skipped)
  rows_read bigint not null default 0,
  rows_valid bigint not null default 0,
  rows_invalid bigint not null default 0,
  rows_applied bigint not null default 0,
  rows_skipped bigint not null default 0,
  -- points the valid rows carry (balances), and what the commit created
  points bigint not null default 0,
  members_created bigint not null default 0,
  entries_made bigint not null default 0,
  skip_errors boolean not null default false,
  -- the first errors by line and column (the count is rows_invalid)
  errors jsonb not null default '[]',
  created_at timestamptz not null,
  committed_at timestamptz,
  undone_at timestamptz,
  primary key (program_id, id)
);
create index imports_by_program on imports (program_id, id desc);

-- The valid rows of an import as staged by its dry run, in file order, and what applying each did.
-- `external_id` is the row's own id (a member's id, a balance's importId, an event's id): unique
-- within an import, so a file naming one twice has its later rows refused.
create table import_rows (
  program_id text not null,
  import_id text not null,
  line bigint not null,
  external_id text not null,
  -- the instant the row counts from (balances, events): rows are applied in this order
  sort_at timestamptz,
  payload jsonb not null,
  row_hash text not null,
  -- set when applied: the entries it made and whether it created its member
  entry_ids text[],
  member_created boolean not null default false,
  primary key (program_id, import_id, line),
  foreign key (program_id, import_id) references imports (program_id, id)
);
create unique index import_rows_by_external_id on import_rows (program_id, import_id, external_id);
create index import_rows_in_time_order on import_rows (program_id, import_id, sort_at, line);

-- The rows in force: each external id of a kind applied by a committed import and not undone. A
-- re-import skips the ids found here (the same row twice changes nothing); an undo deletes its
-- import's ids, so importing the file again imports it again.
create table import_applied (
  program_id text not null,
  kind text not null,
  external_id text not null,
  import_id text not null,
  row_hash text not null,
  -- the id before the kind: a chunk's look-up (`external_id = any($ids)`) is an index condition
  primary key (program_id, external_id, kind)
);
create index import_applied_by_import on import_applied (program_id, import_id);

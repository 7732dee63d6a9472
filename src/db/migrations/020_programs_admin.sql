-- 020: programs through the API (issue 14). A deployment-level admin key belongs to no program: it
-- creates, lists and archives programs and mints a program's first owner key, and nothing else.
-- Only the SHA-256 of a key is stored, as for program keys.
create table admin_keys (
  id text primary key,
  name text not null,
  key_prefix text not null,
  key_hash text not null unique,
  created_at timestamptz not null,
  revoked_at timestamptz
);

-- An archived program keeps its data and answers reads and exports; every write is refused
-- (409 program_archived).
alter table programs add column archived_at timestamptz;

-- 028: the vault (issue 17): the data keys that encrypt personal data at rest.
-- A data key is 32 random bytes (AES-256-GCM for fields, HMAC-SHA256 for blind indexes), one
-- active per program and purpose, stored only wrapped (AES-256-GCM) by the master key, which never
-- enters the database: JIFEN_MASTER_KEY, or the key file beside the embedded data directory.
-- `master_fingerprint` names the master key that wrapped the row, so a rotation (every row
-- re-wrapped, one at a time) can be resumed, and a wrong master key is refused at start.
-- `program_id` is a program's id, or `deployment` for what belongs to none.
create table vault_data_keys (
  id text primary key,
  program_id text not null,
  purpose text not null check (purpose in ('field', 'index')),
  wrapped bytea not null,
  master_fingerprint text not null,
  created_at timestamptz not null,
  rewrapped_at timestamptz
);
create unique index vault_data_keys_active on vault_data_keys (program_id, purpose);

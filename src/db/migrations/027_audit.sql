-- 027: the tamper-evident audit log (issue 16, section 4). Who changed what, appended in the same
-- transaction as the change; nobody can silently edit or delete a record afterwards.

-- One record per audited action. Writers only INSERT, taking `seq` from a sequence: no head row,
-- no lock, so concurrent staff never wait for one another here. The chain is made afterwards by
-- the sealer (`audit_seals`). `record_hash` is the SHA-256 of the canonical serialisation of every
-- other column but `seq` (src/audit/record-hash.ts), ciphertext included; the seal binds `seq`.
-- `program_id` is a program's id, or `deployment` for failed sign-ins no program can be told of.
-- `summary` is what changed without personal data; `personal` is the personal part (address, user
-- agent, member details) as AES-256-GCM ciphertext under `subject`'s key (audit_subject_keys).
create sequence audit_records_seq;
create table audit_records (
  program_id text not null,
  seq bigint not null,
  id text not null,
  at timestamptz not null,
  actor_kind text not null check (actor_kind in ('staff', 'api_key', 'system', 'anonymous')),
  actor_id text,
  role text,
  action text not null,
  target_type text,
  target_id text,
  request_id text,
  outcome integer not null,
  summary jsonb not null,
  personal bytea,
  subject text,
  record_hash text not null,
  primary key (program_id, seq)
);
-- Two indexes only, each one more write per record: the primary key (lists page by seq, newest
-- first; a time window is a range of seqs) and the target (a member's or a rule's history). Ids
-- are random (ULIDs) and never looked up alone.
create index audit_records_by_target on audit_records (program_id, target_type, target_id, seq);

-- The chain, per program in seq order: chain_hash = SHA-256(prev_hash ‖ seq ‖ record_hash). A seq
-- that was taken by a transaction that rolled back is sealed as a gap (`gap`, no record hash), so
-- a missing record is never silently skipped. Written only by the sealer (one at a time: an
-- advisory lock), and only up to a seq that no transaction still in flight can hold.
create table audit_seals (
  program_id text not null,
  seq bigint not null,
  gap boolean not null,
  record_hash text,
  prev_hash text not null,
  chain_hash text not null,
  sealed_at timestamptz not null,
  primary key (program_id, seq),
  check (gap = (record_hash is null))
);

-- What the sealer noted on a pass (PostgreSQL): the sequence's value and the snapshot's xmax. Once
-- every transaction older than that xmax has ended, every seq up to `seq_upto` is final (committed
-- and visible, or rolled back for good).
create table audit_watermarks (
  id integer primary key check (id = 1),
  seq_upto bigint not null,
  snapshot_xmax text not null,
  noted_at timestamptz not null
);

-- One random AES-256 key per subject (a staff member, an API key, a member, a login that failed).
-- Destroying the key (`key` null, `destroyed_at` set) erases the personal part of every record of
-- the subject without touching the records, so the chain still verifies.
create table audit_subject_keys (
  program_id text not null,
  subject text not null,
  key bytea,
  created_at timestamptz not null,
  destroyed_at timestamptz,
  primary key (program_id, subject),
  check ((key is null) = (destroyed_at is not null))
);

-- Records and seals are append-only: UPDATE, DELETE and TRUNCATE are refused with a clear error.
create function audit_refuse_change() returns trigger language plpgsql as $$
begin
  raise exception 'the audit log is append-only: % on % is refused', tg_op, tg_table_name
    using errcode = 'insufficient_privilege';
end;
$$;
create trigger audit_records_append_only before update or delete on audit_records
  for each row execute function audit_refuse_change();
create trigger audit_records_no_truncate before truncate on audit_records
  for each statement execute function audit_refuse_change();
create trigger audit_seals_append_only before update or delete on audit_seals
  for each row execute function audit_refuse_change();
create trigger audit_seals_no_truncate before truncate on audit_seals
  for each statement execute function audit_refuse_change();

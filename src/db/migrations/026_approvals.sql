-- 026: maker–checker (issue 16 §3). A points-giving or points-taking action a staff member starts
-- above the program's threshold (or any bulk action) is stored as a pending approval; nothing
-- touches the ledger until a different staff member with `approvals:decide` approves it, and the
-- approval executes the stored request once, in the transaction that marks it approved.

-- What needs approval in a program. No row: nothing does (the default, as before staff existed).
-- `points_above`: actions moving more points than this (null: no threshold on points);
-- `bulk`: every bulk action (credit batches, import commits and undos); `tier_assignments`: every
-- manual tier assignment. Requests not decided within `expires_after_hours` expire.
create table approval_policies (
  program_id text primary key references programs (id),
  points_above bigint check (points_above >= 0),
  bulk boolean not null,
  tier_assignments boolean not null,
  expires_after_hours integer not null check (expires_after_hours between 1 and 8760),
  updated_at timestamptz not null
);

-- A request waiting for a checker, and what became of it. `action` names what to execute
-- (src/approvals/approvable-actions.ts) and `payload` its input exactly as the maker's request
-- carried it; `member_key` (and a transfer's `counterparty_key`) the member it is about, by key, so
-- a member whose id changes while the request waits is still the one it executes for; `maker_*` who asked (a staff member, or an API key given the threshold) and the store
-- they asked at; `checker_*` who decided. `executing`: a bulk action claimed by its approval and
-- running outside the approval's transaction (its items are idempotent). `result_*` is the answer
-- of the executed request (a problem when it failed: status `failed`).
create table approval_requests (
  program_id text not null references programs (id),
  id text not null,
  action text not null,
  payload jsonb not null,
  points bigint,
  member_key text,
  counterparty_key text,
  target text,
  summary text not null,
  maker_kind text not null check (maker_kind in ('staff', 'api_key')),
  maker_id text not null,
  maker_account_id text,
  store text,
  status text not null
    check (status in ('pending', 'executing', 'approved', 'rejected', 'cancelled', 'failed')),
  created_at timestamptz not null,
  expires_at timestamptz not null,
  checker_kind text,
  checker_id text,
  decided_at timestamptz,
  comment text,
  result_status integer,
  result jsonb,
  primary key (program_id, id)
);
create index approval_requests_by_time on approval_requests (program_id, created_at desc, id desc);
create index approval_requests_pending on approval_requests (program_id, expires_at) where status = 'pending';
create index approval_requests_by_member on approval_requests (program_id, member_key) where member_key is not null;

-- A staff member's notices (the console's bell): an approval waits for them, or theirs was
-- decided. `email_to` is their login when it is an e-mail address; serve sends those on its sweep
-- beat (`email_status` pending → sent or failed after retries), when SMTP is configured.
create table staff_notices (
  program_id text not null,
  id text not null,
  staff_id text not null,
  kind text not null,
  approval_id text,
  text text not null,
  created_at timestamptz not null,
  read_at timestamptz,
  email_to text,
  email_status text not null check (email_status in ('none', 'pending', 'sent', 'failed')),
  email_attempts integer not null default 0,
  email_next_at timestamptz,
  primary key (program_id, id),
  foreign key (program_id, staff_id) references staff (program_id, id)
);
create index staff_notices_by_staff on staff_notices (program_id, staff_id, created_at desc, id desc);
create index staff_notices_mail_due on staff_notices (email_next_at) where email_status = 'pending';

-- An API key can be given the staff threshold (keys are integrations: not gated by default).
alter table api_keys add column requires_approval boolean not null default false;

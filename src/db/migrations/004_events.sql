-- 004: events and what they earned (SPEC §3.2). An event's id is its idempotency key within the
-- program: the row keeps the request's fingerprint and the answer, so a retry gets the same answer.
-- Rule limits are counted in their own tables, read and written under the member's lock (per-member
-- limits, once-per-object) or the budget row's lock (campaign budgets), so they hold exactly.

alter table programs add column auto_create_members boolean not null default true;

create table events (
  program_id text not null references programs (id),
  id text not null,
  type text not null,
  member_id text not null,
  occurred_at timestamptz not null,
  received_at timestamptz not null,
  attributes jsonb not null,
  order_id text,
  request_hash text not null,
  points bigint not null default 0,
  growth bigint not null default 0,
  -- the answer the event got: awards with rule versions and entries, or why each rule did not fire
  -- json, not jsonb: stored and answered as written, never searched inside; cheaper to write
  outcome json not null,
  primary key (program_id, id)
);
-- back-tests and listings read events by time; member pages by member
create index events_by_time on events (program_id, occurred_at);
create index events_by_member on events (program_id, member_id, occurred_at);

-- One row per paid order: what it cost and earned, and how much of that refunds took back.
create table orders (
  program_id text not null,
  id text not null,
  member_id text not null,
  status text not null check (status in ('paid', 'refunded', 'cancelled')),
  currency text,
  amount_minor bigint not null check (amount_minor >= 0),
  refunded_minor bigint not null default 0 check (refunded_minor >= 0 and refunded_minor <= amount_minor),
  -- line items as paid, each with the quantity refunded so far
  items jsonb not null default '[]',
  points bigint not null default 0,
  growth bigint not null default 0,
  points_refunded bigint not null default 0,
  growth_refunded bigint not null default 0,
  lot_ids text[] not null default '{}',
  paid_event_id text,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  primary key (program_id, id)
);

-- Points a member earned from a rule per period: 'day:2026-11-23', 'week:2026-W48',
-- 'month:2026-11', 'lifetime' (days, weeks and months in the program's timezone).
create table rule_member_usage (
  program_id text not null,
  member_id text not null,
  rule_id text not null,
  period text not null,
  points bigint not null,
  primary key (program_id, member_id, rule_id, period)
);

-- Objects (e.g. orders) a rule has already awarded for, per member: `oncePer` limits.
create table rule_once_keys (
  program_id text not null,
  member_id text not null,
  rule_id text not null,
  object_key text not null,
  event_id text not null,
  primary key (program_id, member_id, rule_id, object_key)
);

-- Points a rule has issued to everyone: its campaign budget. Locked while an award is decided.
create table rule_budgets (
  program_id text not null,
  rule_id text not null,
  issued_points bigint not null default 0,
  primary key (program_id, rule_id)
);

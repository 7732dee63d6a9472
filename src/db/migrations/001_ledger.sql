-- 001: programs, API keys, members, the lot-based points ledger, holds and idempotency.
-- Every table is keyed by program first and every hot-path row by (program_id, member_id), so the
-- schema can be distributed by member without rewriting queries. Timestamps come from the
-- application's clock, never from now(), so tests can move time.

create table programs (
  id text primary key,
  name text not null,
  currency text not null default 'CNY',
  -- money value of points: `point_value_points` points are worth `point_value_minor` minor units.
  point_value_points integer not null default 100 check (point_value_points > 0),
  point_value_minor integer not null default 100 check (point_value_minor >= 0),
  timezone text not null default 'Asia/Shanghai',
  expiry_policy jsonb not null default '{"kind":"never"}',
  negative_balance text not null default 'cap_at_zero'
    check (negative_balance in ('allow_debt', 'cap_at_zero')),
  restored_lot_grace_days integer not null default 30 check (restored_lot_grace_days >= 0),
  transfer_limits jsonb not null default '{"minPoints":1}',
  hold_ttl_seconds integer not null default 900 check (hold_ttl_seconds > 0),
  created_at timestamptz not null,
  updated_at timestamptz not null
);

create table api_keys (
  id text primary key,
  program_id text not null references programs (id),
  name text not null,
  key_prefix text not null,
  key_hash text not null unique,
  scopes text[] not null,
  created_at timestamptz not null,
  revoked_at timestamptz
);
create index api_keys_by_program on api_keys (program_id, id);

create table members (
  program_id text not null references programs (id),
  member_id text not null,
  status text not null default 'active' check (status in ('active', 'frozen', 'blocked')),
  birthday date,
  joined_at timestamptz not null,
  channel text,
  store text,
  tags text[] not null default '{}',
  attributes jsonb not null default '{}',
  -- Cached balances, each equal to the sum of its column in `entries` (checked by `jifen verify`).
  -- available = remaining of released lots - debt; it is negative only while the member is in debt.
  available_points bigint not null default 0,
  pending_points bigint not null default 0 check (pending_points >= 0),
  held_points bigint not null default 0 check (held_points >= 0),
  debt_points bigint not null default 0 check (debt_points >= 0),
  growth_points bigint not null default 0,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  primary key (program_id, member_id),
  check (available_points + debt_points >= 0)
);

-- A lot is one credit of points with its own expiry. Pending lots become available at available_at.
create table lots (
  program_id text not null,
  id text not null,
  member_id text not null,
  status text not null check (status in ('pending', 'available')),
  amount bigint not null check (amount > 0),
  remaining bigint not null check (remaining >= 0 and remaining <= amount),
  earned_at timestamptz not null,
  available_at timestamptz not null,
  expires_at timestamptz,
  entry_id text not null,
  origin_lot_id text,
  primary key (program_id, id),
  foreign key (program_id, member_id) references members (program_id, member_id)
);
-- Earliest expiry first, no-expiry last, then earned_at, then id: the spending order.
create index lots_spending_order on lots (program_id, member_id, expires_at, earned_at, id) where remaining > 0;
create index lots_due_to_expire on lots (expires_at)
  where remaining > 0 and status = 'available' and expires_at is not null;
create index lots_due_to_release on lots (available_at) where status = 'pending' and remaining > 0;

-- The journal. Append-only: no statement in Jifen updates or deletes a row here.
-- Each entry is a balanced posting set: the member-side deltas plus contra_delta on one system
-- account sum to zero, and an entry moves either points or growth value, never both.
create table entries (
  program_id text not null,
  id text not null,
  txn_id text not null,
  member_id text not null,
  type text not null,
  available_delta bigint not null default 0,
  pending_delta bigint not null default 0,
  held_delta bigint not null default 0,
  debt_delta bigint not null default 0,
  growth_delta bigint not null default 0,
  contra_account text not null,
  contra_delta bigint not null,
  available_after bigint not null,
  pending_after bigint not null,
  held_after bigint not null,
  debt_after bigint not null,
  growth_after bigint not null,
  -- points a clawback could not recover and the cap-at-zero policy wrote off
  unrecovered_points bigint not null default 0 check (unrecovered_points >= 0),
  lots jsonb not null default '[]',
  hold_id text,
  reverses_entry_id text,
  counterparty_member_id text,
  source jsonb not null,
  reason_zh text not null,
  reason_en text not null,
  operator text,
  created_at timestamptz not null,
  primary key (program_id, id),
  check (available_delta + pending_delta + held_delta + growth_delta + contra_delta = 0),
  check (growth_delta = 0 or (available_delta = 0 and pending_delta = 0 and held_delta = 0))
);
create index entries_by_member on entries (program_id, member_id, id);
create index entries_by_txn on entries (program_id, txn_id);
create unique index entries_reversed_once on entries (program_id, reverses_entry_id)
  where reverses_entry_id is not null;

-- Double-entry view of the journal: one row per posting, in points or growth units.
create view postings as
  select program_id, txn_id, id as entry_id, 'member:available' as account, member_id, 'points' as unit,
         available_delta as amount, created_at from entries where available_delta <> 0
  union all
  select program_id, txn_id, id, 'member:pending', member_id, 'points', pending_delta, created_at
    from entries where pending_delta <> 0
  union all
  select program_id, txn_id, id, 'member:held', member_id, 'points', held_delta, created_at
    from entries where held_delta <> 0
  union all
  select program_id, txn_id, id, 'member:growth', member_id, 'growth', growth_delta, created_at
    from entries where growth_delta <> 0
  union all
  select program_id, txn_id, id, 'system:' || contra_account, null,
         case when growth_delta <> 0 then 'growth' else 'points' end, contra_delta, created_at
    from entries where contra_delta <> 0;

create table holds (
  program_id text not null,
  id text not null,
  member_id text not null,
  points bigint not null check (points > 0),
  captured_points bigint not null default 0 check (captured_points >= 0 and captured_points <= points),
  status text not null check (status in ('open', 'captured', 'voided', 'expired')),
  lots jsonb not null,
  expires_at timestamptz not null,
  reason_zh text not null,
  reason_en text not null,
  created_at timestamptz not null,
  closed_at timestamptz,
  primary key (program_id, id),
  foreign key (program_id, member_id) references members (program_id, member_id)
);
create index holds_by_member on holds (program_id, member_id, id);
create index holds_due_to_expire on holds (expires_at) where status = 'open';

-- One row per idempotency key: the request's fingerprint and the answer it got.
create table idempotency_keys (
  program_id text not null,
  key text not null,
  request_hash text not null,
  status_code integer not null,
  response jsonb not null,
  created_at timestamptz not null,
  primary key (program_id, key)
);

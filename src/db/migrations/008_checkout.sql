-- 008: points as cash at checkout (积分抵现, SPEC §3.4). A program's checkout settings, and one
-- payment per order: the ledger hold that reserves the points, what was captured, and what refunds
-- have given back. Payments are read and written under their member's lock (members first).

create table checkout_settings (
  program_id text primary key references programs (id),
  -- {"enabled", "maxShareOfOrder", "minPoints", "stepPoints"}
  settings jsonb not null,
  updated_at timestamptz not null
);

create table checkout_payments (
  program_id text not null references programs (id),
  order_id text not null,
  member_id text not null,
  hold_id text not null,
  -- 'expired' is never stored: a payment is expired when its hold timed out (see the hold)
  status text not null check (status in ('authorized', 'captured', 'voided')),
  currency text not null,
  points bigint not null check (points > 0),
  value_minor bigint not null check (value_minor >= 0),
  deductible_minor bigint not null check (deductible_minor >= 0),
  shipping_minor bigint not null check (shipping_minor >= 0),
  -- the cart's items, each with its refundedQuantity
  items jsonb not null,
  captured_points bigint not null default 0 check (captured_points >= 0 and captured_points <= points),
  captured_value_minor bigint not null default 0 check (captured_value_minor >= 0),
  -- refunds so far, as a part of deductible_minor, and the points they gave back (cumulative)
  refunded_minor bigint not null default 0 check (refunded_minor >= 0 and refunded_minor <= deductible_minor),
  points_refunded bigint not null default 0 check (points_refunded >= 0 and points_refunded <= captured_points),
  created_at timestamptz not null,
  updated_at timestamptz not null,
  primary key (program_id, order_id),
  foreign key (program_id, member_id) references members (program_id, member_id)
);
create index checkout_payments_by_hold on checkout_payments (program_id, hold_id);

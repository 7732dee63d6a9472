-- 006: the rewards catalogue and redemption orders (SPEC §3.4). A reward's stock lives on its row,
-- locked FOR UPDATE by each redemption after the member (members first, then rewards), so stock
-- never oversells; CHECK constraints back every count that must not go negative.

create table rewards (
  program_id text not null references programs (id),
  id text not null,
  type text not null check (type in ('goods', 'coupon', 'voucher', 'privilege')),
  status text not null check (status in ('draft', 'live', 'paused', 'retired')),
  name_zh text not null,
  name_en text not null,
  description_zh text not null default '',
  description_en text not null default '',
  image_url text,
  price_points bigint not null check (price_points >= 1),
  -- points + cash (later): the money part of the price in minor units; null = points only
  cash_minor bigint check (cash_minor >= 0),
  -- units left; null = unlimited
  stock bigint check (stock >= 0),
  redeemed_quantity bigint not null default 0 check (redeemed_quantity >= 0),
  -- per-member quantity limits: {"perDay", "perWeek", "perMonth", "lifetime"} (each optional)
  limits jsonb not null default '{}',
  -- tier codes that may redeem; empty = everyone
  eligible_tiers text[] not null default '{}',
  available_from timestamptz,
  available_until timestamptz,
  -- what each type needs: {"codePattern"} for coupons, {"valueMinor", "currency"} for vouchers
  details jsonb not null default '{}',
  created_at timestamptz not null,
  updated_at timestamptz not null,
  primary key (program_id, id),
  check (available_from is null or available_until is null or available_from < available_until)
);
create index rewards_status on rewards (program_id, status, id);

-- Quantity each member redeemed per period in the program's timezone ('day:2026-11-23',
-- 'week:2026-W48', 'month:2026-11', 'lifetime'); read and written under the member's lock.
create table reward_member_usage (
  program_id text not null,
  member_id text not null,
  reward_id text not null,
  period text not null,
  quantity bigint not null check (quantity >= 0),
  primary key (program_id, member_id, reward_id, period)
);

create table redemptions (
  program_id text not null,
  id text not null,
  member_id text not null,
  reward_id text not null,
  reward_type text not null,
  -- the reward's names when redeemed: the order keeps them if the catalogue changes
  reward_name_zh text not null,
  reward_name_en text not null,
  quantity integer not null check (quantity >= 1),
  points_per_unit bigint not null check (points_per_unit >= 1),
  points_total bigint not null check (points_total >= 1),
  status text not null
    check (status in ('fulfilled', 'awaiting_shipment', 'shipped', 'delivered', 'cancelled')),
  -- the 'spend' entry that paid for it, and the 'reverse' entry that gave the points back
  spend_entry_id text not null,
  cancel_entry_id text,
  -- the usage periods counted, so a cancellation gives back exactly what it took
  usage_periods text[] not null,
  details jsonb not null default '{}',
  shipping_address jsonb,
  shipment jsonb,
  cancel_reason text,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  shipped_at timestamptz,
  delivered_at timestamptz,
  cancelled_at timestamptz,
  primary key (program_id, id),
  foreign key (program_id, member_id) references members (program_id, member_id),
  foreign key (program_id, reward_id) references rewards (program_id, id),
  check ((status = 'cancelled') = (cancel_entry_id is not null))
);
create index redemptions_member on redemptions (program_id, member_id, id);
create index redemptions_reward on redemptions (program_id, reward_id, id);
create index redemptions_status on redemptions (program_id, status, id);

-- Coupon codes: generated at redemption now; an uploaded pool later adds rows with source 'pool'
-- and status 'available' that redemptions claim. The primary key means a code is never handed out
-- twice within a program.
create table coupon_codes (
  program_id text not null,
  code text not null,
  reward_id text not null,
  source text not null check (source in ('generated', 'pool')),
  status text not null check (status in ('available', 'issued', 'voided')),
  redemption_id text,
  member_id text,
  issued_at timestamptz,
  voided_at timestamptz,
  primary key (program_id, code),
  foreign key (program_id, reward_id) references rewards (program_id, id),
  check ((status = 'available') = (redemption_id is null))
);
create index coupon_codes_redemption on coupon_codes (program_id, redemption_id)
  where redemption_id is not null;
create index coupon_codes_pool on coupon_codes (program_id, reward_id) where status = 'available';

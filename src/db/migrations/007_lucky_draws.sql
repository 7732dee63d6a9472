-- 007: lucky draws (积分抽奖, SPEC §3.4). A play locks the member first, then the draw's prize rows
-- FOR UPDATE in id order, so stock never goes below zero; every play is kept with the random value
-- that decided it, for audit.

create table lucky_draws (
  program_id text not null references programs (id),
  id text not null,
  status text not null check (status in ('draft', 'live', 'paused', 'retired')),
  name_zh text not null,
  name_en text not null,
  cost_points bigint not null check (cost_points >= 1),
  -- plays per member per local day in the program's timezone; null = no limit
  per_member_per_day integer check (per_member_per_day >= 1),
  available_from timestamptz,
  available_until timestamptz,
  consolation_name_zh text not null,
  consolation_name_en text not null,
  consolation_weight bigint not null check (consolation_weight >= 0),
  consolation_points bigint not null default 0 check (consolation_points >= 0),
  created_at timestamptz not null,
  updated_at timestamptz not null,
  primary key (program_id, id),
  check (available_from is null or available_until is null or available_from < available_until)
);
create index lucky_draws_status on lucky_draws (program_id, status, id);

create table lucky_draw_prizes (
  program_id text not null,
  id text not null,
  draw_id text not null,
  -- the prize's place in the table: tickets map to segments in this order
  position integer not null check (position >= 0),
  name_zh text not null,
  name_en text not null,
  weight bigint not null check (weight >= 1),
  -- prizes left; null = unlimited
  stock bigint check (stock >= 0),
  awarded bigint not null default 0 check (awarded >= 0),
  kind text not null check (kind in ('points', 'item')),
  points bigint check (points >= 1),
  primary key (program_id, id),
  unique (program_id, draw_id, position),
  foreign key (program_id, draw_id) references lucky_draws (program_id, id),
  check ((kind = 'points') = (points is not null))
);

create table lucky_draw_plays (
  program_id text not null,
  id text not null,
  draw_id text not null,
  member_id text not null,
  -- the local day (program timezone) the play counts against for per-day limits
  local_day text not null,
  random_value bigint not null check (random_value >= 0),
  total_weight bigint not null check (total_weight >= 1),
  ticket bigint not null check (ticket >= 0 and ticket < total_weight),
  drawn_prize_id text,
  prize_id text,
  prize_name_zh text not null,
  prize_name_en text not null,
  prize_kind text not null check (prize_kind in ('points', 'item', 'consolation')),
  prize_points bigint not null check (prize_points >= 0),
  cost_points bigint not null check (cost_points >= 1),
  cost_entry_id text not null,
  prize_entry_id text,
  created_at timestamptz not null,
  primary key (program_id, id),
  foreign key (program_id, draw_id) references lucky_draws (program_id, id),
  foreign key (program_id, member_id) references members (program_id, member_id),
  foreign key (program_id, prize_id) references lucky_draw_prizes (program_id, id),
  check ((prize_kind = 'consolation') = (prize_id is null))
);
create index lucky_draw_plays_member_day on lucky_draw_plays (program_id, draw_id, member_id, local_day);
create index lucky_draw_plays_draw on lucky_draw_plays (program_id, draw_id, id);

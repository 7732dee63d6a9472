-- 005: tiers and growth value (SPEC §3.3). The configuration is versioned (a change is a new row);
-- a member's tier lives in member_tiers, and every change to it is a row of tier_history (which is
-- also the `tier.changed` record notifications read). Growth in a window is summed from the journal.

create table tier_configs (
  program_id text not null references programs (id),
  version integer not null check (version >= 1),
  config jsonb not null,
  created_at timestamptz not null,
  primary key (program_id, version)
);

-- A member without a row is in the program's first tier and has never been evaluated.
create table member_tiers (
  program_id text not null,
  member_id text not null,
  -- the tier growth earned (upgrades, evaluations)
  earned_tier text not null,
  -- when earned_tier was reached, or last kept at an evaluation
  since timestamptz not null,
  -- the tier held after the last evaluation: a refund never undoes an upgrade below it
  floor_tier text not null,
  -- an operator's assignment, in force until manual_until (never a silent permanent floor)
  manual_tier text,
  manual_until timestamptz,
  -- the evaluation (its local date) the member kept the tier for by spending points
  retained_for text,
  next_evaluation_at timestamptz,
  updated_at timestamptz not null,
  primary key (program_id, member_id),
  foreign key (program_id, member_id) references members (program_id, member_id),
  check ((manual_tier is null) = (manual_until is null))
);
create index member_tiers_due on member_tiers (next_evaluation_at) where next_evaluation_at is not null;
create index member_tiers_manual_due on member_tiers (manual_until) where manual_until is not null;

create table tier_history (
  program_id text not null,
  id text not null,
  member_id text not null,
  kind text not null check (kind in ('upgrade', 'downgrade', 'retained', 'retained_with_points',
                                     'refund_downgrade', 'manual', 'manual_ended')),
  from_tier text not null,
  to_tier text not null,
  growth_in_window bigint,
  -- the evaluation this row records (its local date): one per member and evaluation
  period text,
  config_version integer not null,
  reason_zh text not null,
  reason_en text not null,
  actor text,
  created_at timestamptz not null,
  primary key (program_id, id)
);
create index tier_history_by_member on tier_history (program_id, member_id, id);
create unique index tier_history_one_evaluation on tier_history (program_id, member_id, period)
  where period is not null;

-- Growth in a window, per member, without reading the member's whole journal.
create index entries_growth_by_member on entries (program_id, member_id, created_at) include (growth_delta)
  where growth_delta <> 0;

-- 035: segments (用户分层, issue 19). A segment is a condition over members, defined as data in the
-- earning rules' condition language. Lifecycle stages are built-in segments (`stage_<name>`) whose
-- definition is the program's settings: they have members and sizes here, but no row in `segments`.
-- Membership is materialised in `member_segments` (a key lookup for rules and member pages),
-- recomputed by a sweep and refreshed for members whose ledger moved. RFM scores are not stored per
-- member: the quintile cut points of the last computation are, and a member's scores follow from
-- their own orders (`segment_runs`).

create table segments (
  program_id text not null references programs (id),
  id text not null,
  name jsonb not null,
  description text,
  condition jsonb not null,
  status text not null check (status in ('active', 'archived')),
  created_at timestamptz not null,
  updated_at timestamptz not null,
  primary key (program_id, id)
);

-- Who is in each segment, since when. Read by member (rules, the member page) and by segment
-- (listings, exports, sizes).
create table member_segments (
  program_id text not null,
  member_key text not null,
  segment_id text not null,
  since timestamptz not null,
  primary key (program_id, member_key, segment_id)
);
create index member_segments_by_segment on member_segments (program_id, segment_id, member_key);

-- The size of each segment at the last computation of each day (the program's timezone).
create table segment_sizes (
  program_id text not null,
  segment_id text not null,
  day date not null,
  members bigint not null,
  primary key (program_id, segment_id, day)
);

-- The program's lifecycle and RFM settings (defaults when absent), and its last full computation:
-- when, how many members, each segment's size ({ id: members }), and the RFM cut points it found:
-- { recency: [4 instants], frequency: [4 counts], monetary: [4 minor amounts] }.
create table segment_runs (
  program_id text primary key references programs (id),
  settings jsonb,
  computed_at timestamptz,
  members bigint,
  sizes jsonb,
  rfm_cuts jsonb,
  -- counts changes to the definitions and settings: a computation that began before one is not
  -- the program's last (computed_at stays null, so the next sweep computes again)
  generation bigint not null default 0,
  -- a server computing the program holds it until then (several servers sweep one database)
  claimed_until timestamptz
);

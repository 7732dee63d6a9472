-- 003: earning rules (SPEC §3.2). A rule is a stable id; what it says lives in numbered versions.
-- A version is a draft (editable) until published; published versions are never changed again —
-- entries record the rule id and version that produced them. Publishing a new version supersedes
-- the old one; retiring stops the rule.
create table rules (
  program_id text not null references programs (id),
  id text not null,
  created_at timestamptz not null,
  primary key (program_id, id)
);

create table rule_versions (
  program_id text not null,
  rule_id text not null,
  version integer not null check (version >= 1),
  status text not null check (status in ('draft', 'published', 'superseded', 'retired')),
  definition jsonb not null,
  created_at timestamptz not null,
  published_at timestamptz,
  ended_at timestamptz,
  primary key (program_id, rule_id, version),
  foreign key (program_id, rule_id) references rules (program_id, id)
);
create unique index rule_versions_one_draft on rule_versions (program_id, rule_id) where status = 'draft';
create unique index rule_versions_one_published on rule_versions (program_id, rule_id)
  where status = 'published';
create index rule_versions_published on rule_versions (program_id) where status = 'published';

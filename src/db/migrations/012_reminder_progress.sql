-- 012: expiry reminders that scale (SPEC §3.5, §5). A reminder pass used to aggregate every lot
-- expiring within the largest offset, once a minute; it now looks only at what can have become due
-- since the pass before it, and remembers how far it got.

-- Per program and offset, how far completed passes got: every available lot expiring up to
-- `scanned_until` was looked at for that offset (the frontier is "now + offset"), and the journal
-- was read from `entries_read_at` (wall clock, as in entry ids; the next pass reads again from a
-- margin before it, for transactions that commit late) for points that arrived behind the frontier.
-- Several servers may advance a row; it only ever moves forward.
create table reminder_progress (
  program_id text not null references programs (id),
  offset_days integer not null,
  scanned_until timestamptz not null,
  entries_read_at timestamptz not null,
  updated_at timestamptz not null,
  primary key (program_id, offset_days)
);

-- The instant a reminder was about (its first expiry), so that a change of the program's timezone,
-- which moves the last local day, does not remind of the same points again. Reminders sent before
-- this migration take it from their message.
alter table expiry_reminders add column first_expiry timestamptz;
update expiry_reminders r set first_expiry = (o.data ->> 'expiresAt')::timestamptz
  from outbox o
 where o.program_id = r.program_id and o.id = r.message_id;
create unique index expiry_reminders_once_per_instant
  on expiry_reminders (program_id, member_id, first_expiry, offset_days);

-- The reminder pass pages through the lots of one program whose expiry crossed a frontier, in
-- (expires_at, member_id) order: a cohort of a million lots expiring at the same instant (a fixed
-- expiry date) is read once, a page at a time, instead of once per page. lots_due_to_expire has
-- neither the program nor the member, so it cannot page; and because this index also holds pending
-- lots (few, and left alone later), a query that does not ask for the status can only be planned on
-- it, even by a generic plan of a prepared statement (which, offered lots_due_to_expire, sorted the
-- whole rest of the band for every page). The cost is one more index entry per lot write that
-- leaves the lot with points and an expiry.
create index lots_expiring_by_program on lots (program_id, expires_at, member_id)
  where remaining > 0 and expires_at is not null;

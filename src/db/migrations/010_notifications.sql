-- 010: notifications (SPEC §3.5 reminders, §3.6 outbox, webhooks, email, SMS, inbox).
-- A change worth telling anyone about writes an `outbox` row in its own transaction. A dispatcher
-- later fans each row out (once: `dispatched_at`, taken with SKIP LOCKED) into `deliveries` for
-- webhooks, email and SMS and into `inbox_messages`, then delivers the deliveries as due rows.

create table outbox (
  program_id text not null,
  -- the stable message id receivers de-duplicate on
  id text not null,
  type text not null,
  member_id text,
  data jsonb not null,
  created_at timestamptz not null,
  dispatched_at timestamptz,
  primary key (program_id, id)
);
create index outbox_to_dispatch on outbox (created_at, id) where dispatched_at is null;
create index outbox_by_time on outbox (program_id, created_at, id);

-- Per program: which member channels each type goes out on, reminder offsets, quiet hours, language.
create table notification_settings (
  program_id text primary key references programs (id),
  settings jsonb not null,
  updated_at timestamptz not null
);

-- A program's own wording; types, channels and languages without a row use the built-in defaults.
create table notification_templates (
  program_id text not null references programs (id),
  type text not null,
  channel text not null check (channel in ('inbox', 'email', 'sms')),
  language text not null check (language in ('zh-CN', 'en')),
  subject text,
  body text not null,
  category text not null check (category in ('transactional', 'marketing')),
  updated_at timestamptz not null,
  primary key (program_id, type, channel, language)
);

-- How a member wants to hear from the program. No row: inbox only, in the program's language.
create table member_notification_preferences (
  program_id text not null,
  member_id text not null,
  email text,
  phone text,
  language text check (language in ('zh-CN', 'en')),
  inbox boolean not null default true,
  email_enabled boolean not null default true,
  sms_enabled boolean not null default true,
  marketing_consent boolean not null default false,
  consent_updated_at timestamptz,
  updated_at timestamptz not null,
  primary key (program_id, member_id)
);

create table webhook_endpoints (
  program_id text not null references programs (id),
  id text not null,
  url text not null,
  secret text not null,
  -- empty: every type
  types text[] not null default '{}',
  status text not null check (status in ('enabled', 'disabled')),
  description text not null default '',
  created_at timestamptz not null,
  updated_at timestamptz not null,
  primary key (program_id, id)
);

-- One row per message and target. A dispatcher claims due rows with SKIP LOCKED by pushing
-- `next_attempt_at` past a lease, sends outside any transaction, then records the outcome: a crash
-- mid-send leaves the row pending and it is sent again after the lease (at least once; receivers
-- de-duplicate on the message id). Nothing is marked delivered before the receiver said so.
create table deliveries (
  program_id text not null,
  id text not null,
  message_id text not null,
  channel text not null check (channel in ('webhook', 'email', 'sms')),
  endpoint_id text,
  member_id text,
  -- email address or phone number, and the rendered message (what the member was sent)
  recipient text,
  subject text,
  body text,
  status text not null check (status in ('pending', 'delivered', 'dead')),
  attempts integer not null default 0,
  next_attempt_at timestamptz not null,
  -- failed attempts are retried until then (24 hours after creation or after a replay), then dead
  retry_until timestamptz not null,
  last_attempt_at timestamptz,
  last_status_code integer,
  last_error text,
  created_at timestamptz not null,
  delivered_at timestamptz,
  primary key (program_id, id),
  check ((channel = 'webhook') = (endpoint_id is not null))
);
create unique index deliveries_one_per_target
  on deliveries (program_id, message_id, channel, coalesce(endpoint_id, ''));
create index deliveries_due on deliveries (next_attempt_at) where status = 'pending';
create index deliveries_by_endpoint on deliveries (program_id, endpoint_id, id) where endpoint_id is not null;

create table delivery_attempts (
  program_id text not null,
  delivery_id text not null,
  attempt integer not null,
  started_at timestamptz not null,
  duration_ms integer not null,
  ok boolean not null,
  status_code integer,
  error text,
  response_excerpt text,
  primary key (program_id, delivery_id, attempt)
);

create table inbox_messages (
  program_id text not null,
  member_id text not null,
  -- the outbox message id: one inbox message per message and member
  id text not null,
  type text not null,
  subject text not null,
  body text not null,
  category text not null,
  created_at timestamptz not null,
  read_at timestamptz,
  primary key (program_id, member_id, id)
);
create index inbox_unread on inbox_messages (program_id, member_id) where read_at is null;

-- A reminder sent: one per member, expiry date and offset, whatever the number of servers.
create table expiry_reminders (
  program_id text not null,
  member_id text not null,
  expires_on date not null,
  offset_days integer not null,
  points bigint not null,
  message_id text not null,
  created_at timestamptz not null,
  primary key (program_id, member_id, expires_on, offset_days)
);

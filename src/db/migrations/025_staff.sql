-- 025: staff, roles and sessions (issue 16). People sign in to the console (or a script) as staff
-- of a program instead of holding an API key. A person has one account (login and password) and
-- may be staff of several programs, with a role and, for store clerks, the stores they work at.

-- A person: the login (a normalised e-mail or phone number) and the credentials. The password is
-- stored as `scrypt$N$r$p$salt$hash` (src/staff/password-hash.ts), so its parameters can be raised
-- later and old hashes still verify. The TOTP secret (base32) is set at enrolment and counts only
-- once confirmed; `totp_last_step` is the last time step accepted, so a code is never used twice.
create table staff_accounts (
  id text primary key,
  login text not null unique,
  password_hash text not null,
  password_changed_at timestamptz not null,
  totp_secret text,
  totp_confirmed_at timestamptz,
  totp_last_step bigint,
  created_at timestamptz not null
);

-- A person's place in one program. `role` is a built-in role's name (owner, admin, operator,
-- customer_service, finance, auditor, store_clerk) or a custom role's id (`rol_...`).
create table staff (
  program_id text not null references programs (id),
  id text not null,
  account_id text not null references staff_accounts (id),
  name text not null,
  role text not null,
  store_ids text[] not null default '{}',
  status text not null check (status in ('active', 'disabled')),
  last_login_at timestamptz,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  primary key (program_id, id),
  unique (program_id, account_id)
);
create index staff_by_account on staff (account_id);

-- Custom roles: a named set of permissions (src/staff/permissions.ts names them).
create table staff_roles (
  program_id text not null references programs (id),
  id text not null,
  name text not null,
  permissions text[] not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  primary key (program_id, id),
  unique (program_id, name)
);

-- Sessions: only the SHA-256 of the token (and of the CSRF token of a cookie session) is stored.
-- A session ends at `expires_at` (absolute), after its idle time without a request (from
-- `last_seen_at`), or when revoked (logout, refresh, switch, the staff member disabled or their
-- role changed, a password change or reset).
create table staff_sessions (
  id text primary key,
  token_hash text not null unique,
  csrf_hash text,
  account_id text not null references staff_accounts (id),
  program_id text not null,
  staff_id text not null,
  mode text not null check (mode in ('cookie', 'token')),
  created_at timestamptz not null,
  last_seen_at timestamptz not null,
  expires_at timestamptz not null,
  revoked_at timestamptz,
  foreign key (program_id, staff_id) references staff (program_id, id)
);
create index staff_sessions_by_staff on staff_sessions (program_id, staff_id) where revoked_at is null;
create index staff_sessions_by_account on staff_sessions (account_id) where revoked_at is null;

-- Failed sign-ins per login (the SHA-256 of the normalised login, known or not: an unknown login
-- locks like a known one, so the answers tell nothing), counted in a window; past the limit the
-- login is locked until `locked_until`.
create table staff_login_failures (
  login_hash text primary key,
  failures integer not null,
  window_started_at timestamptz not null,
  locked_until timestamptz
);

import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from '../db/database.ts';
import { JifenError } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';

export const SCOPES = [
  'members:read',
  'members:write',
  'ledger:read',
  'ledger:write',
  'rules:read',
  'rules:write',
  'events:read',
  'events:write',
  'rewards:read',
  'rewards:write',
  'imports:read',
  'imports:write',
  'keys:manage',
  'program:manage',
  'staff:manage',
  'approvals:decide',
  'audit:read',
  'finance:read',
  'personal_data',
] as const;
export type Scope = (typeof SCOPES)[number];
/** The largest per-key rate limit (the column is an integer; a million a minute is no limit). */
export const MAX_RATE_LIMIT_PER_MINUTE = 1_000_000;
/** The owner key's scope: everything. */
export const ALL_SCOPES = '*';

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdAt: string;
  revokedAt: string | null;
  /** Requests a minute this key may make; null: the deployment's default. */
  rateLimitPerMinute: number | null;
  /** The key's points actions above the program's approval threshold wait for a checker, as staff's do. */
  requiresApproval: boolean;
}

/** Who an API key acts as (src/staff/principal.ts: a key or a staff session). */
export interface ApiKeyPrincipal {
  kind: 'api_key';
  keyId: string;
  /**
   * The key's program. For the deployment's admin key, which belongs to no program, this is
   * `ADMIN_NAMESPACE`: the name its idempotency records are kept under, never a program's id.
   */
  programId: string;
  scopes: readonly string[];
  rateLimitPerMinute: number | null;
  /** Gated by the program's approval policy like staff (keys are integrations: not by default). */
  requiresApproval: boolean;
  /** The deployment-level admin key: programs only, never a program's own routes. */
  admin?: true;
}

/** Where the admin key's idempotency records live (program ids start with `prg_`, so no clash). */
export const ADMIN_NAMESPACE = 'deployment';

/** Keys are 32 random bytes; only their SHA-256 is stored, so a database leak reveals no key. */
export function generateKeySecret(): string {
  return `jf_${randomBytes(32).toString('base64url')}`;
}

export function hashKey(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

interface KeyRow {
  id: string;
  program_id: string;
  name: string;
  key_prefix: string;
  scopes: string[];
  created_at: Date;
  revoked_at: Date | null;
  rate_limit_per_minute: number | null;
  requires_approval: boolean;
}

function toView(row: KeyRow): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.key_prefix,
    scopes: row.scopes,
    createdAt: new Date(row.created_at).toISOString(),
    revokedAt: row.revoked_at ? new Date(row.revoked_at).toISOString() : null,
    rateLimitPerMinute: row.rate_limit_per_minute,
    requiresApproval: row.requires_approval,
  };
}

export async function createApiKey(
  db: Queryable,
  programId: string,
  input: {
    name: string;
    scopes: string[];
    secret?: string;
    rateLimitPerMinute?: number | null;
    requiresApproval?: boolean;
  },
  now: Date,
): Promise<{ key: ApiKeyView; secret: string }> {
  const secret = input.secret ?? generateKeySecret();
  const [row] = await db.query<KeyRow>(
    `insert into api_keys
       (id, program_id, name, key_prefix, key_hash, scopes, created_at, rate_limit_per_minute, requires_approval)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning *`,
    [
      newId('key'),
      programId,
      input.name,
      secret.slice(0, 10),
      hashKey(secret),
      input.scopes,
      now.toISOString(),
      input.rateLimitPerMinute ?? null,
      input.requiresApproval ?? false,
    ],
  );
  return { key: toView(row!), secret };
}

/** Whether the deployment has any key at all (bootstrap creates the first one only once). */
export async function anyApiKeyExists(db: Queryable): Promise<boolean> {
  const [row] = await db.query('select 1 from api_keys limit 1');
  return row !== undefined;
}

export async function listApiKeys(db: Queryable, programId: string): Promise<ApiKeyView[]> {
  const rows = await db.query<KeyRow>('select * from api_keys where program_id = $1 order by id', [
    programId,
  ]);
  return rows.map(toView);
}

/** One key of the program, revoked or not; null when the program has no such key. */
export async function findApiKey(
  db: Queryable,
  programId: string,
  keyId: string,
): Promise<ApiKeyView | null> {
  const [row] = await db.query<KeyRow>('select * from api_keys where program_id = $1 and id = $2', [
    programId,
    keyId,
  ]);
  return row ? toView(row) : null;
}

export async function revokeApiKey(
  db: Queryable,
  programId: string,
  keyId: string,
  now: Date,
): Promise<ApiKeyView> {
  const [row] = await db.query<KeyRow>(
    `update api_keys set revoked_at = coalesce(revoked_at, $3)
      where program_id = $1 and id = $2 returning *`,
    [programId, keyId, now.toISOString()],
  );
  if (!row) {
    throw new JifenError('api_key_not_found', {
      detail: `There is no API key "${keyId}" in this program.`,
      extensions: { keyId },
    });
  }
  return toView(row);
}

/**
 * Finds the live key for a secret, a program's or the deployment's admin key, in one statement;
 * null for unknown or revoked keys (callers learn nothing more).
 */
export async function findPrincipal(db: Queryable, secret: string): Promise<ApiKeyPrincipal | null> {
  const [row] = await db.query<{
    id: string;
    program_id: string | null;
    scopes: string[];
    rate_limit_per_minute: number | null;
    requires_approval: boolean;
  }>(
    `select id, program_id, scopes, rate_limit_per_minute, requires_approval from api_keys
      where key_hash = $1 and revoked_at is null
     union all
     select id, null, array[]::text[], null, false from admin_keys
      where key_hash = $1 and revoked_at is null
     limit 1`,
    [hashKey(secret)],
  );
  if (!row) return null;
  if (row.program_id === null) {
    return {
      kind: 'api_key',
      keyId: row.id,
      programId: ADMIN_NAMESPACE,
      scopes: [],
      rateLimitPerMinute: null,
      requiresApproval: false,
      admin: true,
    };
  }
  return {
    kind: 'api_key',
    keyId: row.id,
    programId: row.program_id,
    scopes: row.scopes,
    rateLimitPerMinute: row.rate_limit_per_minute,
    requiresApproval: row.requires_approval,
  };
}

export interface AdminKeyView {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
}

/**
 * Creates a deployment-level admin key (`secret` for automation: JIFEN_ADMIN_KEY). Its secret is
 * returned once and never stored; only its SHA-256 is.
 */
export async function createAdminKey(
  db: Queryable,
  input: { name: string; secret?: string },
  now: Date,
): Promise<{ key: AdminKeyView; secret: string }> {
  const secret = input.secret ?? generateKeySecret();
  const [row] = await db.query<{ id: string; name: string; key_prefix: string; created_at: Date }>(
    `insert into admin_keys (id, name, key_prefix, key_hash, created_at)
     values ($1, $2, $3, $4, $5) returning id, name, key_prefix, created_at`,
    [newId('adm'), input.name, secret.slice(0, 10), hashKey(secret), now.toISOString()],
  );
  return {
    key: {
      id: row!.id,
      name: row!.name,
      prefix: row!.key_prefix,
      createdAt: new Date(row!.created_at).toISOString(),
    },
    secret,
  };
}

/** Whether the deployment has a live admin key. */
export async function anyAdminKeyExists(db: Queryable): Promise<boolean> {
  const [row] = await db.query('select 1 from admin_keys where revoked_at is null limit 1');
  return row !== undefined;
}

/**
 * Whether the program has a live key (the admin key mints a program's first owner key only, or a
 * new one when every key of the program was revoked).
 */
export async function programHasLiveKeys(db: Queryable, programId: string): Promise<boolean> {
  const [row] = await db.query(
    'select 1 from api_keys where program_id = $1 and revoked_at is null limit 1',
    [programId],
  );
  return row !== undefined;
}

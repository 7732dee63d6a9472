import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, test } from 'vitest';

/**
 * Every table belongs to one area, and only that area's files name it in SQL; other areas go
 * through the functions it exports (ARCHITECTURE.md, "Layers"). The operational areas read across
 * tables by design: `verify` checks every invariant as one SQL query, `observability` measures
 * backlogs, `demo` and `cli` are tools. A new cross-area read fails this test: put the statement
 * behind a function the table's owner exports instead.
 */

const OWNER: Record<string, string> = {
  programs: 'programs',
  api_keys: 'keys',
  admin_keys: 'keys',
  staff_accounts: 'staff',
  staff: 'staff',
  staff_roles: 'staff',
  staff_sessions: 'staff',
  staff_login_failures: 'staff',
  staff_notices: 'staff',
  audit_records: 'audit',
  audit_seals: 'audit',
  audit_watermarks: 'audit',
  audit_subject_keys: 'audit',
  vault_data_keys: 'vault',
  members: 'members',
  lots: 'ledger',
  entries: 'ledger',
  holds: 'ledger',
  idempotency_keys: 'idempotency',
  rules: 'rules',
  rule_versions: 'rules',
  events: 'events',
  orders: 'events',
  rule_member_usage: 'events',
  rule_once_keys: 'events',
  rule_budgets: 'events',
  segments: 'segments',
  segment_sizes: 'segments',
  segment_runs: 'segments',
  member_segments: 'members',
  tier_configs: 'tiers',
  member_tiers: 'tiers',
  tier_history: 'tiers',
  rewards: 'rewards',
  reward_member_usage: 'rewards',
  redemptions: 'rewards',
  coupon_codes: 'rewards',
  lucky_draws: 'rewards',
  lucky_draw_prizes: 'rewards',
  lucky_draw_plays: 'rewards',
  checkout_settings: 'checkout',
  checkout_payments: 'checkout',
  outbox: 'notifications',
  notification_settings: 'notifications',
  notification_templates: 'notifications',
  member_notification_preferences: 'notifications',
  webhook_endpoints: 'notifications',
  deliveries: 'notifications',
  delivery_attempts: 'notifications',
  inbox_messages: 'notifications',
  expiry_reminders: 'notifications',
  reminder_progress: 'notifications',
  imports: 'imports',
  import_rows: 'imports',
  import_applied: 'imports',
  approval_policies: 'approvals',
  approval_requests: 'approvals',
};

/** Areas that read any table by design. */
const READ_EVERYTHING = new Set(['verify', 'observability', 'demo', 'cli']);

/**
 * The designed exceptions to one owner per table: the ledger keeps the balance columns of `members`
 * (written with every draft, read with the lock that serialises a member's changes), and reads the
 * program's ledger settings in the same statement that takes that lock.
 */
const SHARED: Record<string, string[]> = { members: ['ledger'], programs: ['ledger'] };

const ROOT = join(import.meta.dirname, '../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

/** `file: table` for every table a file names in SQL (from, join, into, update) that its area does not own. */
function crossAreaTables(): string[] {
  const found = new Set<string>();
  for (const path of sourceFiles(join(ROOT, 'src'))) {
    const file = relative(ROOT, path);
    const area = file.split('/')[1]!;
    if (READ_EVERYTHING.has(area)) continue;
    for (const match of readFileSync(path, 'utf8').matchAll(/\b(?:from|join|into|update)\s+([a-z_]+)\b/g)) {
      const table = match[1]!;
      const owner = OWNER[table];
      if (owner === undefined || owner === area || SHARED[table]?.includes(area)) continue;
      found.add(`${file}: ${table}`);
    }
  }
  return [...found].sort();
}

describe('table ownership', () => {
  test('every table created by a migration has an owner', () => {
    const dir = join(ROOT, 'src/db/migrations');
    const tables = readdirSync(dir).flatMap((name) =>
      [...readFileSync(join(dir, name), 'utf8').matchAll(/create table (?:if not exists )?([a-z_]+)/g)].map(
        (match) => match[1]!,
      ),
    );
    expect(tables.filter((table) => table !== 'schema_migrations' && !(table in OWNER))).toEqual([]);
  });

  test('areas name only their own tables in SQL', () => {
    expect(crossAreaTables()).toEqual([]);
  });
});

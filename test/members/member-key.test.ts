import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import { listMigrations, migrate } from '../../src/db/migrate.ts';
import { listEntries } from '../../src/ledger/ledger-queries.ts';
import { newMemberKey } from '../../src/members/member-key.ts';
import { verifyLedger } from '../../src/verify/verify-ledger.ts';
import { ENGINES, openTestDatabase } from '../support/test-database.ts';

/**
 * The internal member key (issue 13, migration 019): `members` is the only table that holds the
 * merchant's member id; every other row refers to its member by key. Keys are `mbr_` + 26
 * characters of Crockford base32, time first, so new ones sort last.
 */

const KEY = /^mbr_[0-9abcdefghjkmnpqrstvwxyz]{26}$/;
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/** The milliseconds a key's first ten characters encode (48 bits, then two bits of padding). */
const millisOf = (key: string) =>
  [...key.slice(4, 14)].reduce((value, char) => value * 32 + ALPHABET.indexOf(char), 0) / 4;

/** Every table with a member in it, and whether the member may be absent (program-wide rows). */
const MEMBER_TABLES: Record<string, { nullable?: boolean }> = {
  lots: {},
  entries: {},
  holds: {},
  events: {},
  orders: {},
  rule_member_usage: {},
  rule_once_keys: {},
  member_tiers: {},
  tier_history: {},
  reward_member_usage: {},
  redemptions: {},
  coupon_codes: { nullable: true },
  lucky_draw_plays: {},
  checkout_payments: {},
  outbox: { nullable: true },
  member_notification_preferences: {},
  deliveries: { nullable: true },
  inbox_messages: {},
  expiry_reminders: {},
};

/** Tables made after migration 019 (with keys from the start): not in its migration test. */
const LATER_MEMBER_TABLES: Record<string, { nullable?: boolean }> = {
  approval_requests: { nullable: true },
  member_segments: {},
};

describe('new member keys', () => {
  test('are mbr_ and 26 base32 characters, time first: later keys sort later', () => {
    const keys = [0, 1, 2, 1_000, 86_400_000].map((offset) => newMemberKey(1_780_000_000_000 + offset));
    for (const key of keys) expect(key).toMatch(KEY);
    expect([...keys].sort()).toEqual(keys);
    expect(millisOf(keys[4]!)).toBe(1_780_000_000_000 + 86_400_000);
    // Random beyond the time: two keys of the same instant differ.
    expect(newMemberKey(5)).not.toBe(newMemberKey(5));
  });
});

describe.each(ENGINES)('the member key in the schema (%s)', (engine) => {
  let db: Database;
  beforeAll(async () => {
    db = await openTestDatabase(engine);
  });
  afterAll(async () => db?.close());

  test("members is the only table (or view) with the merchant's member id", async () => {
    const columns = await db.query<{ table_name: string; column_name: string }>(
      `select table_name, column_name from information_schema.columns
        where table_schema = current_schema() and column_name like '%member_id%'
        order by table_name, column_name`,
    );
    expect(columns).toEqual([{ table_name: 'members', column_name: 'member_id' }]);
  });

  test('every other table with a member refers to it by key; members are keyed by it', async () => {
    const columns = await db.query<{ table_name: string; is_nullable: string }>(
      `select table_name, is_nullable from information_schema.columns c
        where table_schema = current_schema() and column_name = 'member_key'
          and exists (select 1 from information_schema.tables t
                       where t.table_schema = c.table_schema and t.table_name = c.table_name
                         and t.table_type = 'BASE TABLE')
        order by table_name`,
    );
    expect(Object.fromEntries(columns.map((column) => [column.table_name, column.is_nullable]))).toEqual({
      members: 'NO',
      ...Object.fromEntries(
        Object.entries({ ...MEMBER_TABLES, ...LATER_MEMBER_TABLES }).map(([table, { nullable }]) => [
          table,
          nullable ? 'YES' : 'NO',
        ]),
      ),
    });
    const keys = await db.query<{ constraint_name: string; columns: string }>(
      `select c.constraint_name, string_agg(k.column_name, ', ' order by k.ordinal_position) as columns
         from information_schema.table_constraints c
         join information_schema.key_column_usage k
           on k.constraint_schema = c.constraint_schema and k.constraint_name = c.constraint_name
        where c.table_schema = current_schema() and c.table_name = 'members'
          and c.constraint_type in ('PRIMARY KEY', 'UNIQUE')
        group by c.constraint_name order by c.constraint_name`,
    );
    expect(keys).toEqual([
      { constraint_name: 'members_member_id_key', columns: 'member_id, program_id' },
      { constraint_name: 'members_pkey', columns: 'program_id, member_key' },
    ]);
  });
});

describe.each(ENGINES)('migration 019 on a database of migration 018 (%s)', (engine) => {
  let db: Database;
  const before = new Map<string, string>();
  const at = (day: number) => `2026-01-1${day}T08:00:00.123Z`;

  beforeAll(async () => {
    db = await openTestDatabase(engine, { migrate: false });
    await db.exec(`create table if not exists schema_migrations (
      version integer primary key, name text not null, applied_at timestamptz not null default now())`);
    for (const migration of listMigrations().filter((each) => each.version <= 18)) {
      await db.transaction(async (tx) => {
        await tx.exec(migration.sql);
        await tx.query('insert into schema_migrations (version, name) values ($1, $2)', [
          migration.version,
          migration.name,
        ]);
      });
    }
    await seed018(db, at);
    for (const table of Object.keys(MEMBER_TABLES))
      before.set(table, await membersOf(db, table, 'member_id'));
    before.set('counterparties', await counterparties(db, 'counterparty_member_id'));
    // 019 first, then whatever came after it.
    expect(await migrate(db)).toEqual(
      listMigrations()
        .map((each) => each.version)
        .filter((version) => version >= 19),
    );
  });
  afterAll(async () => db?.close());

  test('each member gets a key of its own, made of its creation time and randomness', async () => {
    const members = await db.query<{
      program_id: string;
      member_id: string;
      member_key: string;
      created_at: Date;
    }>('select program_id, member_id, member_key, created_at from members order by program_id, member_id');
    expect(members.map((member) => `${member.program_id}/${member.member_id}`)).toEqual([
      'prg_a/amy',
      'prg_a/bob',
      'prg_b/amy',
    ]);
    for (const member of members) {
      expect(member.member_key).toMatch(KEY);
      expect(millisOf(member.member_key)).toBe(new Date(member.created_at).getTime());
    }
    expect(new Set(members.map((member) => member.member_key)).size).toBe(3);
  });

  test('every row refers to the member it named, by key; no row lost its member', async () => {
    for (const table of Object.keys(MEMBER_TABLES)) {
      expect(await membersOf(db, table, 'key'), table).toBe(before.get(table));
    }
    expect(await counterparties(db, 'key')).toBe(before.get('counterparties'));
    const [orphans] = await db.query<{ n: number }>(
      `select count(*)::int as n from entries e
        where not exists (select 1 from members m where m.program_id = e.program_id and m.member_key = e.member_key)`,
    );
    expect(orphans?.n).toBe(0);
  });

  test('the ledger verifies and reads as before, by the merchant ids', async () => {
    expect((await verifyLedger(db)).violations).toEqual([]);
    const page = await listEntries(db, 'prg_a', 'amy', { limit: 10 });
    expect(page.data.map((entry) => [entry.type, entry.memberId, entry.counterpartyMemberId])).toEqual([
      ['hold', 'amy', null],
      ['transfer_out', 'amy', 'bob'],
      ['earn', 'amy', null],
    ]);
    const [posting] = await db.query<{ member_key: string }>(
      "select member_key from postings where entry_id = 'ent_3'",
    );
    expect(posting?.member_key).toMatch(KEY);
  });
});

/** `program/member: rows` of a table, by the member's id (before) or through its key (after). */
async function membersOf(db: Database, table: string, by: 'member_id' | 'key'): Promise<string> {
  const rows = await db.query<{ member: string | null; rows: number }>(
    by === 'member_id'
      ? `select t.program_id || '/' || t.member_id as member, count(*)::int as rows from ${table} t group by 1 order by 1`
      : `select t.program_id || '/' || m.member_id as member, count(*)::int as rows
           from ${table} t left join members m on m.program_id = t.program_id and m.member_key = t.member_key
          group by 1 order by 1`,
  );
  return JSON.stringify(rows);
}

async function counterparties(db: Database, by: 'counterparty_member_id' | 'key'): Promise<string> {
  const rows = await db.query(
    by === 'key'
      ? `select e.id, m.member_id as counterparty from entries e
           left join members m on m.program_id = e.program_id and m.member_key = e.counterparty_member_key order by e.id`
      : 'select id, counterparty_member_id as counterparty from entries order by id',
  );
  return JSON.stringify(rows);
}

/**
 * Two programs (one member id in both), with a row in every table that names a member as
 * migration 018 left them: amy earned 100, sent 30 to bob, and holds 10.
 */
async function seed018(db: Database, at: (day: number) => string): Promise<void> {
  await db.exec(`
    insert into programs (id, name, created_at, updated_at) values
      ('prg_a', 'A', '${at(1)}', '${at(1)}'), ('prg_b', 'B', '${at(1)}', '${at(1)}');
    insert into members (program_id, member_id, joined_at, available_points, held_points, growth_points,
                         created_at, updated_at) values
      ('prg_a', 'amy', '${at(2)}', 60, 10, 0, '${at(2)}', '${at(5)}'),
      ('prg_a', 'bob', '${at(3)}', 30, 0, 0, '${at(3)}', '${at(4)}'),
      ('prg_b', 'amy', '${at(4)}', 0, 0, 0, '${at(4)}', '${at(4)}');
    insert into entries (program_id, id, txn_id, member_id, type, available_delta, held_delta, contra_account,
                         contra_delta, available_after, held_after, pending_after, debt_after, growth_after, lots,
                         hold_id, counterparty_member_id, source, reason_zh, reason_en, created_at) values
      ('prg_a', 'ent_1', 'txn_1', 'amy', 'earn', 100, 0, 'issued', -100, 100, 0, 0, 0, 0,
       '[{"lotId":"lot_1","points":100}]', null, null, '{"kind":"api"}', '送', 'gift', '${at(2)}'),
      ('prg_a', 'ent_2', 'txn_2', 'amy', 'transfer_out', -30, 0, 'transfers', 30, 70, 0, 0, 0, 0,
       '[{"lotId":"lot_1","points":-30}]', null, 'bob', '{"kind":"api"}', '转', 'sent', '${at(3)}'),
      ('prg_a', 'ent_3', 'txn_2', 'bob', 'transfer_in', 30, 0, 'transfers', -30, 30, 0, 0, 0, 0,
       '[{"lotId":"lot_2","points":30}]', null, 'amy', '{"kind":"api"}', '转', 'received', '${at(3)}'),
      ('prg_a', 'ent_4', 'txn_3', 'amy', 'hold', -10, 10, 'holds', 0, 60, 10, 0, 0, 0,
       '[{"lotId":"lot_1","points":-10}]', 'hld_1', null, '{"kind":"api"}', '冻', 'held', '${at(4)}');
    insert into lots (program_id, id, member_id, status, amount, remaining, earned_at, available_at, entry_id) values
      ('prg_a', 'lot_1', 'amy', 'available', 100, 60, '${at(2)}', '${at(2)}', 'ent_1'),
      ('prg_a', 'lot_2', 'bob', 'available', 30, 30, '${at(3)}', '${at(3)}', 'ent_3');
    insert into holds (program_id, id, member_id, points, status, lots, expires_at, reason_zh, reason_en,
                       created_at) values
      ('prg_a', 'hld_1', 'amy', 10, 'open', '[{"lotId":"lot_1","points":-10}]', '2030-01-01T00:00:00Z', '冻', 'held',
       '${at(4)}');
    insert into events (program_id, id, type, member_id, occurred_at, received_at, attributes, order_id,
                        request_hash, outcome) values
      ('prg_a', 'ev_1', 'order.paid', 'amy', '${at(2)}', '${at(2)}', '{}', 'o_1', 'h', '{"memberId":"amy"}'),
      ('prg_b', 'ev_1', 'signup', 'amy', '${at(4)}', '${at(4)}', '{}', null, 'h', '{}');
    insert into orders (program_id, id, member_id, status, amount_minor, created_at, updated_at) values
      ('prg_a', 'o_1', 'amy', 'paid', 1000, '${at(2)}', '${at(2)}');
    insert into rule_member_usage (program_id, member_id, rule_id, period, points) values
      ('prg_a', 'amy', 'rul_1', 'lifetime', 100), ('prg_a', 'bob', 'rul_1', 'lifetime', 5);
    insert into rule_once_keys (program_id, member_id, rule_id, object_key, event_id) values
      ('prg_a', 'amy', 'rul_1', 'o_1', 'ev_1');
    insert into member_tiers (program_id, member_id, earned_tier, since, floor_tier, updated_at) values
      ('prg_a', 'amy', 'silver', '${at(2)}', 'normal', '${at(2)}');
    insert into tier_history (program_id, id, member_id, kind, from_tier, to_tier, period, config_version,
                              reason_zh, reason_en, created_at) values
      ('prg_a', 'tch_1', 'amy', 'upgrade', 'normal', 'silver', null, 1, '升', 'up', '${at(2)}'),
      ('prg_a', 'tch_2', 'amy', 'retained', 'silver', 'silver', '2026-12-31', 1, '保', 'kept', '${at(5)}');
    insert into rewards (program_id, id, type, status, name_zh, name_en, price_points, created_at, updated_at) values
      ('prg_a', 'rwd_1', 'coupon', 'live', '券', 'Coupon', 10, '${at(1)}', '${at(1)}');
    insert into reward_member_usage (program_id, member_id, reward_id, period, quantity) values
      ('prg_a', 'amy', 'rwd_1', 'lifetime', 1);
    insert into redemptions (program_id, id, member_id, reward_id, reward_type, reward_name_zh, reward_name_en,
                             quantity, points_per_unit, points_total, status, spend_entry_id, usage_periods,
                             created_at, updated_at) values
      ('prg_a', 'rdm_1', 'amy', 'rwd_1', 'coupon', '券', 'Coupon', 1, 10, 10, 'fulfilled', 'ent_x', '{lifetime}',
       '${at(3)}', '${at(3)}');
    insert into coupon_codes (program_id, code, reward_id, source, status, redemption_id, member_id, issued_at) values
      ('prg_a', 'JF-1', 'rwd_1', 'generated', 'issued', 'rdm_1', 'amy', '${at(3)}');
    insert into coupon_codes (program_id, code, reward_id, source, status, position) values
      ('prg_a', 'JF-2', 'rwd_1', 'pool', 'available', 1);
    insert into lucky_draws (program_id, id, status, name_zh, name_en, cost_points, consolation_name_zh,
                             consolation_name_en, consolation_weight, created_at, updated_at) values
      ('prg_a', 'drw_1', 'live', '抽', 'Draw', 5, '谢', 'Thanks', 1, '${at(1)}', '${at(1)}');
    insert into lucky_draw_plays (program_id, id, draw_id, member_id, local_day, random_value, total_weight, ticket,
                                  prize_name_zh, prize_name_en, prize_kind, prize_points, cost_points, cost_entry_id,
                                  created_at) values
      ('prg_a', 'ply_1', 'drw_1', 'bob', '2026-01-12', 7, 1, 0, '谢', 'Thanks', 'consolation', 0, 5, 'ent_y',
       '${at(3)}');
    insert into checkout_payments (program_id, order_id, member_id, hold_id, status, currency, points, value_minor,
                                   deductible_minor, shipping_minor, items, created_at, updated_at) values
      ('prg_a', 'shop_1', 'amy', 'hld_1', 'authorized', 'CNY', 10, 5, 100, 0, '[]', '${at(4)}', '${at(4)}');
    insert into outbox (program_id, id, type, member_id, data, created_at) values
      ('prg_a', 'msg_1', 'points.earned', 'amy', '{"memberId":"amy"}', '${at(2)}'),
      ('prg_a', 'msg_2', 'risk.case.opened', null, '{}', '${at(2)}'),
      ('prg_b', 'msg_3', 'points.earned', 'amy', '{"memberId":"amy"}', '${at(4)}');
    insert into member_notification_preferences (program_id, member_id, phone, updated_at) values
      ('prg_a', 'amy', '13800000000', '${at(2)}'), ('prg_b', 'amy', '13900000000', '${at(4)}');
    insert into deliveries (program_id, id, message_id, channel, endpoint_id, member_id, status, next_attempt_at,
                            retry_until, created_at) values
      ('prg_a', 'dlv_1', 'msg_1', 'sms', null, 'amy', 'delivered', '${at(2)}', '${at(3)}', '${at(2)}'),
      ('prg_a', 'dlv_2', 'msg_2', 'webhook', 'whk_1', null, 'pending', '${at(2)}', '${at(3)}', '${at(2)}');
    insert into inbox_messages (program_id, member_id, id, type, subject, body, category, created_at) values
      ('prg_a', 'amy', 'msg_1', 'points.earned', 's', 'b', 'transactional', '${at(2)}'),
      ('prg_b', 'amy', 'msg_3', 'points.earned', 's', 'b', 'transactional', '${at(4)}');
    insert into expiry_reminders (program_id, member_id, expires_on, offset_days, points, message_id, created_at,
                                  first_expiry) values
      ('prg_a', 'bob', '2026-12-31', 30, 30, 'msg_9', '${at(5)}', '2026-12-31T16:00:00Z');
  `);
}

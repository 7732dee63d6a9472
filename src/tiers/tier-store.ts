import { type ReadStatement, WriteStatement } from '../db/combined-statements.ts';
import type { Queryable } from '../db/database.ts';
import { canonicalJson } from '../idempotency/request-hash.ts';
import { asMemberKey, type MemberKey } from '../members/member-key.ts';
import { memberKeyOf } from '../members/member-store.ts';
import { JifenError } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import { cursorKey, type Page, toPage } from '../shared/pages.ts';
import { tierChangeHooks } from './tier-change-hooks.ts';
import {
  checkTierConfig,
  type TierChange,
  type TierChangeKind,
  type TierConfig,
  type TierConfigVersion,
} from './tier-types.ts';

/** Tier configuration versions, members' tiers, their history, and growth in a window. */

export async function currentTierConfig(db: Queryable, programId: string): Promise<TierConfigVersion | null> {
  const [row] = await db.query<{ version: number; config: TierConfig; created_at: Date }>(
    'select version, config, created_at from tier_configs where program_id = $1 order by version desc limit 1',
    [programId],
  );
  return row
    ? { version: row.version, config: row.config, createdAt: new Date(row.created_at).toISOString() }
    : null;
}

// Writers of members' tier codes hold this lock shared; a new configuration takes it exclusively,
// so a tier cannot be removed while a transaction is moving members into it.
const CONFIG_LOCK = 7_212_016;

/**
 * The configuration in force, read under the shared configuration lock (see CONFIG_LOCK). A program
 * without tiers costs one statement (the lock and the check together); with tiers, the
 * configuration is read by a second statement, whose snapshot is taken after the lock was granted.
 */
export async function readTierConfig(tx: Queryable, programId: string): Promise<TierConfigVersion | null> {
  const [row] = await tx.query<{ configured: boolean }>(
    `select pg_advisory_xact_lock_shared($1, hashtext($2)) is not null
            and exists (select 1 from tier_configs where program_id = $2) as configured`,
    [CONFIG_LOCK, programId],
  );
  return row?.configured ? currentTierConfig(tx, programId) : null;
}

/**
 * `readTierConfig` as part of a combined read: the shared lock and the check are one of its
 * queries; with tiers, the returned function reads the configuration by a statement of its own,
 * whose snapshot is taken after the lock was granted.
 */
export function readTierConfigLocked(
  read: ReadStatement,
): (tx: Queryable) => Promise<TierConfigVersion | null> {
  const rows = read.add<{ configured: boolean }>(
    `select pg_advisory_xact_lock_shared(${read.param(CONFIG_LOCK, 'int4')}, hashtext($1)) is not null
            and exists (select 1 from tier_configs where program_id = $1) as configured`,
  );
  return async (tx) => (rows()[0]?.configured ? currentTierConfig(tx, read.params[0] as string) : null);
}

/**
 * A new configuration version. Members' tiers and their history stay as they are; a tier some
 * member holds cannot disappear (rename it instead: codes are stable, names are not). Putting the
 * configuration in force again makes no new version (`created: false`): PUT is idempotent.
 */
export async function putTierConfig(
  tx: Queryable,
  programId: string,
  config: TierConfig,
  now: Date,
): Promise<TierConfigVersion & { created: boolean }> {
  const errors = checkTierConfig(config);
  if (errors.length > 0) {
    throw new JifenError('validation_failed', {
      detail: errors.map((error) => `${error.field} ${error.message}`).join('; '),
      extensions: { errors },
    });
  }
  // Versions are numbered in order, and no upgrade into a tier being removed is in flight.
  await tx.query('select pg_advisory_xact_lock($1, hashtext($2))', [CONFIG_LOCK, programId]);
  const current = await currentTierConfig(tx, programId);
  if (current && canonicalJson(current.config) === canonicalJson(config))
    return { ...current, created: false };
  const codes = config.tiers.map((tier) => tier.code);
  const inUse = await tx.query<{ code: string; members: string }>(
    `select code, count(*)::int8 as members from (
       select earned_tier as code from member_tiers where program_id = $1
       union all select floor_tier from member_tiers where program_id = $1
       union all select manual_tier from member_tiers where program_id = $1 and manual_tier is not null
     ) held where not (code = any($2::text[])) group by code`,
    [programId, codes],
  );
  if (inUse.length > 0) {
    throw new JifenError('tier_in_use', {
      detail: `Members hold ${inUse.map((row) => `"${row.code}" (${row.members})`).join(', ')}: keep those codes in the configuration.`,
      extensions: { codes: inUse.map((row) => row.code) },
    });
  }
  const [row] = await tx.query<{ version: number }>(
    `insert into tier_configs (program_id, version, config, created_at)
     select $1, coalesce(max(version), 0) + 1, $2, $3 from tier_configs where program_id = $1
     returning version`,
    [programId, JSON.stringify(config), now.toISOString()],
  );
  return { version: row!.version, config, createdAt: now.toISOString(), created: true };
}

/** A member's tier row, by the member's key. */
export interface MemberTier {
  memberKey: MemberKey;
  earnedTier: string;
  since: Date;
  floorTier: string;
  manualTier: string | null;
  manualUntil: Date | null;
  retainedFor: string | null;
  nextEvaluationAt: Date | null;
}

export interface MemberTierRow {
  member_key: string;
  earned_tier: string;
  since: Date;
  floor_tier: string;
  manual_tier: string | null;
  manual_until: Date | null;
  retained_for: string | null;
  next_evaluation_at: Date | null;
}

export const MEMBER_TIER_COLUMNS =
  'member_key, earned_tier, since, floor_tier, manual_tier, manual_until, retained_for, next_evaluation_at';

const date = (value: Date | null) => (value ? new Date(value) : null);

export function toMemberTier(row: MemberTierRow): MemberTier {
  return {
    memberKey: asMemberKey(row.member_key),
    earnedTier: row.earned_tier,
    since: new Date(row.since),
    floorTier: row.floor_tier,
    manualTier: row.manual_tier,
    manualUntil: date(row.manual_until),
    retainedFor: row.retained_for,
    nextEvaluationAt: date(row.next_evaluation_at),
  };
}

export async function loadMemberTiers(
  db: Queryable,
  programId: string,
  memberKeys: readonly MemberKey[],
): Promise<Map<MemberKey, MemberTier>> {
  if (memberKeys.length === 0) return new Map();
  const rows = await db.query<MemberTierRow>(
    `select ${MEMBER_TIER_COLUMNS} from member_tiers where program_id = $1 and member_key = any($2::text[])`,
    [programId, memberKeys],
  );
  return new Map(rows.map((row) => [asMemberKey(row.member_key), toMemberTier(row)]));
}

/** $1 the program, $2–$9 the rows' columns (in MEMBER_TIER_COLUMNS order), $10 the time. */
function tierParams(programId: string, tiers: readonly MemberTier[], now: Date): unknown[] {
  const column = <T>(get: (tier: MemberTier) => T) => tiers.map(get);
  const iso = (value: Date | null) => (value ? value.toISOString() : null);
  return [
    programId,
    column((t) => t.memberKey),
    column((t) => t.earnedTier),
    column((t) => t.since.toISOString()),
    column((t) => t.floorTier),
    column((t) => t.manualTier),
    column((t) => iso(t.manualUntil)),
    column((t) => t.retainedFor),
    column((t) => iso(t.nextEvaluationAt)),
    now.toISOString(),
  ];
}

/** Writes back rows the caller read (sweeps): an update, cheaper than an upsert. */
export async function updateMemberTiers(
  tx: Queryable,
  programId: string,
  tiers: readonly MemberTier[],
  now: Date,
): Promise<void> {
  if (tiers.length === 0) return;
  await tx.query(
    `update member_tiers t set earned_tier = u.earned_tier, since = u.since, floor_tier = u.floor_tier,
            manual_tier = u.manual_tier, manual_until = u.manual_until, retained_for = u.retained_for,
            next_evaluation_at = u.next_evaluation_at, updated_at = $10
       from unnest($2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::text[], $7::timestamptz[],
                   $8::text[], $9::timestamptz[])
            as u (member_key, earned_tier, since, floor_tier, manual_tier, manual_until, retained_for,
                  next_evaluation_at)
      where t.program_id = $1 and t.member_key = u.member_key`,
    tierParams(programId, tiers, now),
  );
}

export async function saveMemberTiers(
  tx: Queryable,
  programId: string,
  tiers: readonly MemberTier[],
  now: Date,
): Promise<void> {
  if (tiers.length === 0) return;
  await tx.query(
    `insert into member_tiers (program_id, member_key, earned_tier, since, floor_tier, manual_tier, manual_until,
                               retained_for, next_evaluation_at, updated_at)
     select $1, * , $10::timestamptz from unnest($2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::text[],
                                               $7::timestamptz[], $8::text[], $9::timestamptz[])
     on conflict (program_id, member_key) do update set
       earned_tier = excluded.earned_tier, since = excluded.since, floor_tier = excluded.floor_tier,
       manual_tier = excluded.manual_tier, manual_until = excluded.manual_until,
       retained_for = excluded.retained_for, next_evaluation_at = excluded.next_evaluation_at,
       updated_at = excluded.updated_at`,
    tierParams(programId, tiers, now),
  );
}

/**
 * Records tier changes in the history, and in the same statement what the tier change hooks add
 * (the `tier.changed` messages of the notifications).
 */
export async function insertTierHistory(
  tx: Queryable,
  programId: string,
  changes: readonly TierChange[],
  now: Date,
  current: Pick<TierConfigVersion, 'config'>,
): Promise<void> {
  if (changes.length === 0) return;
  const hooks = tierChangeHooks();
  for (const each of hooks) await each.prepare?.(tx, programId);
  const statement = new WriteStatement(programId);
  const { param } = statement;
  const column = <T>(get: (change: TierChange) => T, cast: string) => param(changes.map(get), cast);
  const history = `insert into tier_history (program_id, id, member_key, kind, from_tier, to_tier, growth_in_window,
                                period, config_version, reason_zh, reason_en, actor, created_at)
     select $1, c.*, ${param(now.toISOString(), 'timestamptz')}
       from unnest(${param(
         changes.map(() => newId('tch', now.getTime())),
         'text[]',
       )}, ${column((c) => c.memberKey, 'text[]')}, ${column((c) => c.kind, 'text[]')},
                   ${column((c) => c.fromTier, 'text[]')}, ${column((c) => c.toTier, 'text[]')},
                   ${column((c) => c.growthInWindow, 'int8[]')}, ${column((c) => c.period, 'text[]')},
                   ${column((c) => c.configVersion, 'int4[]')}, ${column((c) => c.reason.zh, 'text[]')},
                   ${column((c) => c.reason.en, 'text[]')}, ${column((c) => c.actor, 'text[]')}) as c`;
  statement.add(history);
  for (const each of hooks)
    statement.add(...each.writtenAlongside(tx, programId, { changes, current, now }, param));
  await statement.run(tx);
}

/** A line of history as the API shows it: the member by the merchant's id it was asked for. */
export interface TierHistoryEntry extends Omit<TierChange, 'memberKey' | 'reason'> {
  id: string;
  reason: { 'zh-CN': string; en: string };
  createdAt: string;
}

/** A member's tier history, newest first (member_not_found for an unknown member). */
export async function listTierHistory(
  db: Queryable,
  programId: string,
  memberId: string,
  options: { limit: number; cursor?: string | undefined },
): Promise<Page<TierHistoryEntry>> {
  const memberKey = await memberKeyOf(db, programId, memberId);
  const rows = await db.query<{
    id: string;
    kind: TierChangeKind;
    from_tier: string;
    to_tier: string;
    growth_in_window: string | null;
    period: string | null;
    config_version: number;
    reason_zh: string;
    reason_en: string;
    actor: string | null;
    created_at: Date;
  }>(
    `select * from tier_history where program_id = $1 and member_key = $2 and ($3::text is null or id < $3)
      order by id desc limit $4`,
    [programId, memberKey, cursorKey(options.cursor) ?? null, options.limit + 1],
  );
  return toPage(rows, options.limit, (row) => ({
    id: row.id,
    memberId,
    kind: row.kind,
    fromTier: row.from_tier,
    toTier: row.to_tier,
    growthInWindow: row.growth_in_window === null ? null : Number(row.growth_in_window),
    period: row.period,
    configVersion: row.config_version,
    reason: { 'zh-CN': row.reason_zh, en: row.reason_en },
    actor: row.actor,
    createdAt: new Date(row.created_at).toISOString(),
  }));
}

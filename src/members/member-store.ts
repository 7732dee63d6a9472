import type { Queryable } from '../db/database.ts';
import type { MemberStatus } from '../ledger/ledger-types.ts';
import { JifenError } from '../shared/errors.ts';
import type { MemberProfileInput } from './member-types.ts';

interface MemberRow {
  member_id: string;
  status: MemberStatus;
  birthday: string | null;
  joined_at: Date;
  channel: string | null;
  store: string | null;
  tags: string[];
  attributes: Record<string, unknown>;
  available_points: number;
  pending_points: number;
  held_points: number;
  debt_points: number;
  growth_points: number;
  expired_unswept: number;
  tier: string | null;
  first_tier: string | null;
  created_at: Date;
  updated_at: Date;
}

export function memberNotFound(memberId: string): JifenError {
  return new JifenError('member_not_found', {
    detail: `There is no member "${memberId}" in this program.`,
    extensions: { memberId },
  });
}

function toView(row: MemberRow) {
  return {
    memberId: row.member_id,
    status: row.status,
    birthday: row.birthday,
    joinedAt: new Date(row.joined_at).toISOString(),
    channel: row.channel,
    store: row.store,
    tags: row.tags,
    attributes: row.attributes,
    // The tier in force (an operator's assignment while it lasts); null when the program has no tiers.
    tier: row.tier ?? row.first_tier,
    balances: {
      // Points past their expiry are never spendable, even before the expiry sweep removes them.
      available: row.available_points - row.expired_unswept,
      pending: row.pending_points,
      held: row.held_points,
      growth: row.growth_points,
      debt: row.debt_points,
    },
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

export type MemberView = ReturnType<typeof toView>;

const MEMBER_SELECT = `select m.*, to_char(m.birthday, 'YYYY-MM-DD') as birthday,
  coalesce((select sum(l.remaining) from lots l
             where l.program_id = m.program_id and l.member_id = m.member_id and l.remaining > 0
               and l.status = 'available' and l.expires_at <= $3), 0)::int8 as expired_unswept,
  (select case when t.manual_until > $3 then t.manual_tier else t.earned_tier end from member_tiers t
    where t.program_id = m.program_id and t.member_id = m.member_id) as tier,
  (select c.config->'tiers'->0->>'code' from tier_configs c where c.program_id = m.program_id
    order by c.version desc limit 1) as first_tier
  from members m where m.program_id = $1 and m.member_id = $2`;

export async function getMember(
  db: Queryable,
  programId: string,
  memberId: string,
  now: Date,
): Promise<MemberView> {
  const [row] = await db.query<MemberRow>(MEMBER_SELECT, [programId, memberId, now.toISOString()]);
  if (!row) throw memberNotFound(memberId);
  return toView(row);
}

/** PUT semantics for a member: creates it, or changes exactly the fields given. */
/** Custom attributes are read with every event a member sends: keep them small. */
export const MAX_ATTRIBUTES_BYTES = 16_384;

export async function upsertMember(
  db: Queryable,
  programId: string,
  memberId: string,
  input: MemberProfileInput,
  now: Date,
): Promise<{ member: MemberView; created: boolean }> {
  if (input.attributes && Buffer.byteLength(JSON.stringify(input.attributes)) > MAX_ATTRIBUTES_BYTES) {
    const message = `is larger than ${MAX_ATTRIBUTES_BYTES} bytes as JSON`;
    throw new JifenError('validation_failed', {
      detail: `body/attributes ${message}`,
      extensions: { errors: [{ field: 'body/attributes', message }] },
    });
  }
  const [result] = await db.query<{ created: boolean }>(
    `insert into members (program_id, member_id, status, birthday, joined_at, channel, store, tags, attributes,
                          created_at, updated_at)
     values ($1, $2, coalesce($3, 'active'), $4::date, coalesce($5::timestamptz, $10::timestamptz), $6, $7,
             coalesce($8::text[], '{}'), coalesce($9::jsonb, '{}'), $10, $10)
     on conflict (program_id, member_id) do update set
       status = coalesce($3, members.status),
       birthday = case when $11 then $4::date else members.birthday end,
       joined_at = coalesce($5::timestamptz, members.joined_at),
       channel = case when $12 then $6 else members.channel end,
       store = case when $13 then $7 else members.store end,
       tags = coalesce($8::text[], members.tags),
       attributes = coalesce($9::jsonb, members.attributes),
       updated_at = $10
     returning (xmax = 0) as created`,
    [
      programId,
      memberId,
      input.status ?? null,
      input.birthday ?? null,
      input.joinedAt ?? null,
      input.channel ?? null,
      input.store ?? null,
      input.tags ?? null,
      input.attributes === undefined ? null : JSON.stringify(input.attributes),
      now.toISOString(),
      input.birthday !== undefined,
      input.channel !== undefined,
      input.store !== undefined,
    ],
  );
  return { member: await getMember(db, programId, memberId, now), created: result?.created ?? false };
}

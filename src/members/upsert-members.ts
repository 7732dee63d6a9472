import type { Queryable } from '../db/database.ts';
import { sealedBirthday } from './member-birthdays.ts';
import { newMemberKey } from './member-key.ts';
import type { MemberProfileInput } from './member-types.ts';

/**
 * PUT semantics for many members in one statement (imports): each is created with a new key, or
 * has exactly the fields given changed. Answers the ids it created. The rows are bound as one JSON
 * parameter, so a thousand members are one round trip.
 */
export async function upsertMembers(
  tx: Queryable,
  programId: string,
  members: readonly { memberId: string; profile: MemberProfileInput }[],
  now: Date,
): Promise<Set<string>> {
  if (members.length === 0) return new Set();
  const rows = [];
  for (const { memberId, profile } of members) {
    // Birthdays are sealed at rest, with their day's keyed hash (member-birthdays.ts).
    const birthday = await sealedBirthday(tx, programId, profile.birthday);
    rows.push({
      member_id: memberId,
      member_key: newMemberKey(now.getTime()),
      status: profile.status ?? null,
      birthday: birthday.birthday,
      birth_day_index: birthday.index,
      has_birthday: profile.birthday !== undefined,
      joined_at: profile.joinedAt ?? null,
      channel: profile.channel ?? null,
      has_channel: profile.channel !== undefined,
      store: profile.store ?? null,
      has_store: profile.store !== undefined,
      tags: profile.tags ?? null,
      attributes: profile.attributes ?? null,
    });
  }
  const json = JSON.stringify(rows);
  const recordset = `json_to_recordset($2::json) as r (member_id text, member_key text, status text,
    birthday text, birth_day_index text, has_birthday boolean, joined_at timestamptz, channel text, has_channel boolean, store text,
    has_store boolean, tags jsonb, attributes jsonb)`;
  const created = await tx.query<{ member_id: string }>(
    `insert into members (program_id, member_id, member_key, status, birthday, birth_day_index, joined_at, channel,
                          store, tags, attributes, created_at, updated_at)
     select $1, r.member_id, r.member_key, coalesce(r.status, 'active'), r.birthday, r.birth_day_index,
            coalesce(r.joined_at, $3::timestamptz), r.channel, r.store,
            coalesce(array(select jsonb_array_elements_text(r.tags)), '{}'), coalesce(r.attributes, '{}'), $3, $3
       from ${recordset}
     on conflict (program_id, member_id) do nothing
     returning member_id`,
    [programId, json, now.toISOString()],
  );
  const createdIds = new Set(created.map((row) => row.member_id));
  // The others existed: the fields given change, the rest stay.
  await tx.query(
    `update members m set
       status = coalesce(r.status, m.status),
       birthday = case when r.has_birthday then r.birthday else m.birthday end,
       birth_day_index = case when r.has_birthday then r.birth_day_index else m.birth_day_index end,
       joined_at = coalesce(r.joined_at, m.joined_at),
       channel = case when r.has_channel then r.channel else m.channel end,
       store = case when r.has_store then r.store else m.store end,
       tags = case when r.tags is null then m.tags else array(select jsonb_array_elements_text(r.tags)) end,
       attributes = coalesce(r.attributes, m.attributes),
       updated_at = $3
       from ${recordset}
      where m.program_id = $1 and m.member_id = r.member_id and not (r.member_id = any($4::text[]))`,
    [programId, json, now.toISOString(), [...createdIds]],
  );
  return createdIds;
}

import type { Database, Queryable } from '../db/database.ts';
import { blindIndex, isSealed, openNullable, sealNullable } from '../vault/field-cipher.ts';
import { LEGACY_BATCH, sealInBatches } from '../vault/legacy-plaintext.ts';

/**
 * A member's birthday is sealed at rest (`members.birthday`, docs/privacy.md); birthday gifts find
 * whose birthday a day is through `birth_day_index`, a keyed hash of the month and day alone.
 */
const BIRTHDAY = 'members.birthday';
const BIRTH_DAY = 'members.birthday.day';

/** `YYYY-MM-DD` (or `MM-DD` when the year is unknown): its month and day. */
const monthDay = (birthday: string) => birthday.slice(-5);

export function birthDayIndex(q: Queryable, programId: string, day: string): Promise<string> {
  return blindIndex(q, programId, BIRTH_DAY, day);
}

/** The columns a birthday is stored in: its ciphertext and its day's index (both null for none). */
export async function sealedBirthday(
  q: Queryable,
  programId: string,
  birthday: string | null | undefined,
): Promise<{ birthday: string | null; index: string | null }> {
  if (birthday === null || birthday === undefined) return { birthday: null, index: null };
  return {
    birthday: await sealNullable(q, programId, BIRTHDAY, birthday),
    index: await birthDayIndex(q, programId, monthDay(birthday)),
  };
}

export function openBirthday(q: Queryable, programId: string, stored: string | null): Promise<string | null> {
  return openNullable(q, programId, BIRTHDAY, stored);
}

/** Seals birthdays stored in plain text before the vault (migration 033 kept them as text) and indexes them. */
export async function sealLegacyBirthdays(db: Database): Promise<number> {
  return sealInBatches(db, async (tx) => {
    const rows = await tx.query<{ program_id: string; member_key: string; birthday: string }>(
      `select program_id, member_key, birthday from members
        where birthday is not null and birthday not like 'enc:v1:%'
        order by program_id, member_key limit ${LEGACY_BATCH} for update`,
    );
    for (const row of rows) {
      if (isSealed(row.birthday)) continue;
      const sealed = await sealedBirthday(tx, row.program_id, row.birthday);
      await tx.query(
        'update members set birthday = $3, birth_day_index = $4 where program_id = $1 and member_key = $2',
        [row.program_id, row.member_key, sealed.birthday, sealed.index],
      );
    }
    return rows.length;
  });
}

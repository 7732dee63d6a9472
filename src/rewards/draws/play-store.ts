import type { Queryable } from '../../db/database.ts';
import { reasonView } from '../../ledger/ledger-views.ts';
import { asMemberKey, type MemberKey } from '../../members/member-key.ts';
import { memberIdOfKeySql, memberKeyOfIdSql } from '../../members/member-store.ts';
import type { Play } from './draw-types.ts';

/** The audit table of plays: one row per play with the random value that decided it. */

interface PlayRow {
  id: string;
  draw_id: string;
  member_id: string;
  member_key: string;
  local_day: string;
  random_value: string | number;
  total_weight: string | number;
  ticket: string | number;
  drawn_prize_id: string | null;
  prize_id: string | null;
  prize_name_zh: string;
  prize_name_en: string;
  prize_kind: Play['prizeKind'];
  prize_points: string | number;
  cost_points: string | number;
  cost_entry_id: string;
  prize_entry_id: string | null;
  created_at: Date;
}

export async function insertPlay(tx: Queryable, programId: string, play: Play): Promise<void> {
  await tx.query(
    `insert into lucky_draw_plays (program_id, id, draw_id, member_key, local_day, random_value,
       total_weight, ticket, drawn_prize_id, prize_id, prize_name_zh, prize_name_en, prize_kind,
       prize_points, cost_points, cost_entry_id, prize_entry_id, created_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
    [
      programId,
      play.id,
      play.drawId,
      play.memberKey,
      play.localDay,
      play.randomValue,
      play.totalWeight,
      play.ticket,
      play.drawnPrizeId,
      play.prizeId,
      play.prizeName.zh,
      play.prizeName.en,
      play.prizeKind,
      play.prizePoints,
      play.costPoints,
      play.costEntryId,
      play.prizeEntryId,
      play.createdAt,
    ],
  );
}

/** Plays of the member in the draw on one local day; read under the member's lock. */
export async function countPlaysOnDay(
  db: Queryable,
  programId: string,
  drawId: string,
  memberKey: MemberKey,
  localDay: string,
): Promise<number> {
  const [row] = await db.query<{ plays: string | number }>(
    `select count(*)::int8 as plays from lucky_draw_plays
      where program_id = $1 and draw_id = $2 and member_key = $3 and local_day = $4`,
    [programId, drawId, memberKey, localDay],
  );
  return Number(row?.plays ?? 0);
}

/** The member's plays of each of the draws on one local day (no lock: what a listing shows). */
export async function playsOnDayByDraw(
  db: Queryable,
  programId: string,
  memberKey: MemberKey,
  drawIds: readonly string[],
  localDay: string,
): Promise<Map<string, number>> {
  if (drawIds.length === 0) return new Map();
  const rows = await db.query<{ draw_id: string; plays: string | number }>(
    `select draw_id, count(*)::int8 as plays from lucky_draw_plays
      where program_id = $1 and member_key = $2 and draw_id = any($3::text[]) and local_day = $4
      group by draw_id`,
    [programId, memberKey, [...drawIds], localDay],
  );
  return new Map(rows.map((row) => [row.draw_id, Number(row.plays)]));
}

/** Of `lucky_draw_plays` (unaliased): the member by the merchant's id as it is now. */
const PLAY_COLUMNS = `lucky_draw_plays.*,
  ${memberIdOfKeySql('lucky_draw_plays.member_key', 'lucky_draw_plays.program_id')} as member_id`;

/** Plays of a draw, newest first, optionally of one member (by the merchant's id). */
export async function listPlays(
  db: Queryable,
  programId: string,
  filter: { drawId: string; memberId?: string | undefined; limit: number; before?: string | undefined },
): Promise<Play[]> {
  const rows = await db.query<PlayRow>(
    `select ${PLAY_COLUMNS} from lucky_draw_plays
      where program_id = $1 and draw_id = $2 and ($3::text is null or member_key = ${memberKeyOfIdSql('$3')})
        and ($4::text is null or id < $4)
      order by id desc limit $5`,
    [programId, filter.drawId, filter.memberId ?? null, filter.before ?? null, filter.limit],
  );
  return rows.map(toPlay);
}

/** Plays by id (the plays lucky_draw redemptions made). */
export async function playsByIds(
  db: Queryable,
  programId: string,
  playIds: readonly string[],
): Promise<Map<string, Play>> {
  if (playIds.length === 0) return new Map();
  const rows = await db.query<PlayRow>(
    `select ${PLAY_COLUMNS} from lucky_draw_plays where program_id = $1 and id = any($2::text[])`,
    [programId, [...playIds]],
  );
  return new Map(rows.map((row) => [row.id, toPlay(row)]));
}

function toPlay(row: PlayRow): Play {
  return {
    id: row.id,
    drawId: row.draw_id,
    memberId: row.member_id,
    memberKey: asMemberKey(row.member_key),
    localDay: row.local_day,
    randomValue: Number(row.random_value),
    totalWeight: Number(row.total_weight),
    ticket: Number(row.ticket),
    drawnPrizeId: row.drawn_prize_id,
    prizeId: row.prize_id,
    prizeName: { zh: row.prize_name_zh, en: row.prize_name_en },
    prizeKind: row.prize_kind,
    prizePoints: Number(row.prize_points),
    costPoints: Number(row.cost_points),
    costEntryId: row.cost_entry_id,
    prizeEntryId: row.prize_entry_id,
    createdAt: new Date(row.created_at),
  };
}

export function playView(play: Play) {
  return {
    id: play.id,
    drawId: play.drawId,
    memberId: play.memberId,
    localDay: play.localDay,
    randomValue: play.randomValue,
    totalWeight: play.totalWeight,
    ticket: play.ticket,
    drawnPrizeId: play.drawnPrizeId,
    outcome: play.prizeId === null ? ('consolation' as const) : ('prize' as const),
    prizeId: play.prizeId,
    prizeName: reasonView(play.prizeName),
    prizeKind: play.prizeKind,
    prizePoints: play.prizePoints,
    costPoints: play.costPoints,
    costEntryId: play.costEntryId,
    prizeEntryId: play.prizeEntryId,
    createdAt: play.createdAt.toISOString(),
  };
}

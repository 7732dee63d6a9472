import type { Queryable } from '../../db/database.ts';
import { JifenError } from '../../shared/errors.ts';
import type { Draw, DrawStatus, Prize } from './draw-types.ts';

/** Storage of draws and their prize tables. Every statement is scoped by program. */

interface DrawRow {
  id: string;
  status: DrawStatus;
  name_zh: string;
  name_en: string;
  cost_points: string | number;
  per_member_per_day: number | null;
  available_from: Date | null;
  available_until: Date | null;
  consolation_name_zh: string;
  consolation_name_en: string;
  consolation_weight: string | number;
  consolation_points: string | number;
  created_at: Date;
  updated_at: Date;
}

interface PrizeRow {
  id: string;
  draw_id: string;
  position: number;
  name_zh: string;
  name_en: string;
  weight: string | number;
  stock: string | number | null;
  awarded: string | number;
  kind: 'points' | 'item';
  points: string | number | null;
}

const dateOrNull = (value: Date | null) => (value === null ? null : new Date(value));
const numberOrNull = (value: string | number | null) => (value === null ? null : Number(value));

function toPrize(row: PrizeRow): Prize {
  return {
    id: row.id,
    position: row.position,
    name: { zh: row.name_zh, en: row.name_en },
    weight: Number(row.weight),
    stock: numberOrNull(row.stock),
    awarded: Number(row.awarded),
    kind: row.kind,
    points: numberOrNull(row.points),
  };
}

function toDraw(row: DrawRow, prizes: Prize[]): Draw {
  return {
    id: row.id,
    status: row.status,
    name: { zh: row.name_zh, en: row.name_en },
    costPoints: Number(row.cost_points),
    perMemberPerDay: row.per_member_per_day,
    availableFrom: dateOrNull(row.available_from),
    availableUntil: dateOrNull(row.available_until),
    consolation: {
      name: { zh: row.consolation_name_zh, en: row.consolation_name_en },
      weight: Number(row.consolation_weight),
      points: Number(row.consolation_points),
    },
    prizes,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

export async function insertDraw(tx: Queryable, programId: string, draw: Draw): Promise<void> {
  await tx.query(
    `insert into lucky_draws (program_id, id, status, name_zh, name_en, cost_points, per_member_per_day,
       available_from, available_until, consolation_name_zh, consolation_name_en, consolation_weight,
       consolation_points, created_at, updated_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)`,
    [
      programId,
      draw.id,
      draw.status,
      draw.name.zh,
      draw.name.en,
      draw.costPoints,
      draw.perMemberPerDay,
      draw.availableFrom,
      draw.availableUntil,
      draw.consolation.name.zh,
      draw.consolation.name.en,
      draw.consolation.weight,
      draw.consolation.points,
      draw.createdAt,
    ],
  );
  for (const prize of draw.prizes) {
    await tx.query(
      `insert into lucky_draw_prizes (program_id, id, draw_id, position, name_zh, name_en, weight, stock,
         awarded, kind, points)
       values ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $10)`,
      [
        programId,
        prize.id,
        draw.id,
        prize.position,
        prize.name.zh,
        prize.name.en,
        prize.weight,
        prize.stock,
        prize.kind,
        prize.points,
      ],
    );
  }
}

export async function updateDraw(tx: Queryable, programId: string, draw: Draw): Promise<void> {
  await tx.query(
    `update lucky_draws set status = $3, name_zh = $4, name_en = $5, cost_points = $6,
       per_member_per_day = $7, available_from = $8, available_until = $9, updated_at = $10
      where program_id = $1 and id = $2`,
    [
      programId,
      draw.id,
      draw.status,
      draw.name.zh,
      draw.name.en,
      draw.costPoints,
      draw.perMemberPerDay,
      draw.availableFrom,
      draw.availableUntil,
      draw.updatedAt,
    ],
  );
}

const DRAW_COLUMNS = `id, status, name_zh, name_en, cost_points, per_member_per_day, available_from,
  available_until, consolation_name_zh, consolation_name_en, consolation_weight, consolation_points,
  created_at, updated_at`;
const PRIZE_COLUMNS = 'id, draw_id, position, name_zh, name_en, weight, stock, awarded, kind, points';

async function prizesOf(db: Queryable, programId: string, drawIds: string[], lock: boolean) {
  // Locked in id order (every play takes the same order, so plays queue instead of deadlocking);
  // returned in table order.
  const rows = await db.query<PrizeRow>(
    `select ${PRIZE_COLUMNS} from lucky_draw_prizes where program_id = $1 and draw_id = any($2::text[])
      order by id ${lock ? 'for update' : ''}`,
    [programId, drawIds],
  );
  const byDraw = new Map<string, Prize[]>();
  for (const row of rows) byDraw.set(row.draw_id, [...(byDraw.get(row.draw_id) ?? []), toPrize(row)]);
  for (const prizes of byDraw.values()) prizes.sort((a, b) => a.position - b.position);
  return byDraw;
}

/**
 * One draw with its prizes. `lock: 'draw'` locks the draw row (edits); `lock: 'prizes'` locks the
 * prize rows in id order (plays), after the caller locked the member.
 */
export async function getDraw(
  db: Queryable,
  programId: string,
  drawId: string,
  options: { lock?: 'draw' | 'prizes' } = {},
): Promise<Draw> {
  const [row] = await db.query<DrawRow>(
    `select ${DRAW_COLUMNS} from lucky_draws where program_id = $1 and id = $2
      ${options.lock === 'draw' ? 'for update' : ''}`,
    [programId, drawId],
  );
  if (!row) {
    throw new JifenError('draw_not_found', { detail: `No lucky draw ${drawId}.`, extensions: { drawId } });
  }
  const prizes = await prizesOf(db, programId, [drawId], options.lock === 'prizes');
  return toDraw(row, prizes.get(drawId) ?? []);
}

export async function listDraws(
  db: Queryable,
  programId: string,
  filter: { status?: DrawStatus | undefined; limit: number; after?: string | undefined },
): Promise<Draw[]> {
  const rows = await db.query<DrawRow>(
    `select ${DRAW_COLUMNS} from lucky_draws
      where program_id = $1 and ($2::text is null or status = $2) and ($3::text is null or id > $3)
      order by id limit $4`,
    [programId, filter.status ?? null, filter.after ?? null, filter.limit],
  );
  const prizes = await prizesOf(
    db,
    programId,
    rows.map((row) => row.id),
    false,
  );
  return rows.map((row) => toDraw(row, prizes.get(row.id) ?? []));
}

/** One prize given: stock down (the CHECK refuses below zero), awarded up. */
export async function awardPrize(tx: Queryable, programId: string, prizeId: string): Promise<void> {
  await tx.query(
    `update lucky_draw_prizes set stock = stock - 1, awarded = awarded + 1
      where program_id = $1 and id = $2`,
    [programId, prizeId],
  );
}

/** The cost of a play, or null when the program has no such draw (a catalogue entry checks it). */
export async function drawCostPoints(
  db: Queryable,
  programId: string,
  drawId: string,
): Promise<number | null> {
  const [row] = await db.query<{ cost_points: string | number }>(
    'select cost_points from lucky_draws where program_id = $1 and id = $2',
    [programId, drawId],
  );
  return row ? Number(row.cost_points) : null;
}

/** Draws by id, with their prizes (no lock): what catalogue listings show of them. */
export async function getDrawsByIds(
  db: Queryable,
  programId: string,
  drawIds: readonly string[],
): Promise<Map<string, Draw>> {
  const draws = new Map<string, Draw>();
  if (drawIds.length === 0) return draws;
  const rows = await db.query<DrawRow>(
    `select ${DRAW_COLUMNS} from lucky_draws where program_id = $1 and id = any($2::text[])`,
    [programId, [...drawIds]],
  );
  const prizes = await prizesOf(
    db,
    programId,
    rows.map((row) => row.id),
    false,
  );
  for (const row of rows) draws.set(row.id, toDraw(row, prizes.get(row.id) ?? []));
  return draws;
}

import type { ReadStatement } from '../db/combined-statements.ts';
import type { Queryable } from '../db/database.ts';
import { JifenError } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import { isValidTimezone } from './expiry-policy.ts';
import type { Program, ProgramSettingsPatch } from './program-types.ts';

interface ProgramRow {
  id: string;
  name: string;
  currency: string;
  point_value_points: number;
  point_value_minor: number;
  timezone: string;
  expiry_policy: Program['expiryPolicy'];
  negative_balance: Program['negativeBalance'];
  restored_lot_grace_days: number;
  transfer_limits: Program['transferLimits'];
  hold_ttl_seconds: number;
  auto_create_members: boolean;
  created_at: Date;
  updated_at: Date;
  archived_at: Date | null;
}

function toProgram(row: ProgramRow): Program {
  return {
    id: row.id,
    name: row.name,
    currency: row.currency,
    pointValue: { points: row.point_value_points, amountMinor: row.point_value_minor },
    timezone: row.timezone,
    expiryPolicy: row.expiry_policy,
    negativeBalance: row.negative_balance,
    restoredLotGraceDays: row.restored_lot_grace_days,
    transferLimits: row.transfer_limits,
    holdTtlSeconds: row.hold_ttl_seconds,
    autoCreateMembers: row.auto_create_members,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    archivedAt: row.archived_at ? new Date(row.archived_at).toISOString() : null,
  };
}

export async function createProgram(db: Queryable, name: string, now: Date): Promise<Program> {
  const [row] = await db.query<ProgramRow>(
    'insert into programs (id, name, created_at, updated_at) values ($1, $2, $3, $3) returning *',
    [newId('prg'), name, now.toISOString()],
  );
  return toProgram(row!);
}

/**
 * A new program with its settings (the defaults for what `settings` leaves out), checked as
 * `PATCH /v1/program` checks them.
 */
export async function createProgramWith(
  db: Queryable,
  settings: ProgramSettingsPatch & { name: string },
  now: Date,
): Promise<Program> {
  const { name, ...rest } = settings;
  // Checked before the insert: a refusal must leave no program behind.
  checkSettings(rest);
  const program = await createProgram(db, name, now);
  return Object.keys(rest).length === 0 ? program : updateProgramSettings(db, program.id, rest, now);
}

/** The program, or null when there is none with this id. */
export async function findProgram(db: Queryable, programId: string): Promise<Program | null> {
  const [row] = await db.query<ProgramRow>('select * from programs where id = $1', [programId]);
  return row ? toProgram(row) : null;
}

/** The first program with this name (oldest first), or null: `jifen demo` finds its own by name. */
export async function findProgramByName(db: Queryable, name: string): Promise<Program | null> {
  const [row] = await db.query<ProgramRow>(
    'select * from programs where name = $1 order by created_at, id limit 1',
    [name],
  );
  return row ? toProgram(row) : null;
}

/** Programs in id (creation) order after `afterId`, `limit` of them (the caller asks one more to page). */
export async function listPrograms(
  db: Queryable,
  options: { afterId?: string | undefined; limit: number },
): Promise<Program[]> {
  const rows = await db.query<ProgramRow>(
    'select * from programs where ($1::text is null or id > $1) order by id limit $2',
    [options.afterId ?? null, options.limit],
  );
  return rows.map(toProgram);
}

/**
 * Archives the program: its data stays and is read as before, and every write under it is
 * refused (`program_archived`). Archiving again keeps the first time. Null when there is none.
 */
export async function archiveProgram(db: Queryable, programId: string, now: Date): Promise<Program | null> {
  const [row] = await db.query<ProgramRow>(
    'update programs set archived_at = coalesce(archived_at, $2) where id = $1 returning *',
    [programId, now.toISOString()],
  );
  return row ? toProgram(row) : null;
}

/** When the program was archived (null: it is live, or there is no such program). */
export async function programArchivedAt(db: Queryable, programId: string): Promise<string | null> {
  const [row] = await db.query<{ archived_at: Date | null }>(
    'select archived_at from programs where id = $1',
    [programId],
  );
  return row?.archived_at ? new Date(row.archived_at).toISOString() : null;
}

export async function getProgram(db: Queryable, programId: string): Promise<Program> {
  const [row] = await db.query<ProgramRow>('select * from programs where id = $1', [programId]);
  if (!row) throw new Error(`program ${programId} does not exist`);
  return toProgram(row);
}

/** `getProgram` as part of a combined read (event intake reads the program and its rules at once). */
export function readProgram(read: ReadStatement): () => Program {
  const rows = read.add<ProgramRow>('select * from programs where id = $1');
  return () => {
    const [row] = rows();
    if (!row) throw new Error(`program ${read.params[0]} does not exist`);
    return toProgram(row);
  };
}

/** Every program's id and timezone, in id order: for passes over all programs (reminders, birthdays). */
export async function listProgramTimezones(db: Queryable): Promise<{ id: string; timezone: string }[]> {
  return db.query<{ id: string; timezone: string }>('select id, timezone from programs order by id');
}

/** The timezones of these programs. */
export async function programTimezones(
  db: Queryable,
  programIds: readonly string[],
): Promise<Map<string, string>> {
  if (programIds.length === 0) return new Map();
  const rows = await db.query<{ id: string; timezone: string }>(
    'select id, timezone from programs where id = any($1::text[])',
    [[...new Set(programIds)]],
  );
  return new Map(rows.map((row) => [row.id, row.timezone]));
}

/**
 * Queues the caller behind other transactions that queue on the same program (e.g. two creations
 * that must count what exists first): a `for no key update` lock on the program's row, which does
 * not hold up other programs or this program's foreign keys.
 */
export async function queueOnProgram(tx: Queryable, programId: string): Promise<void> {
  await tx.query('select 1 from programs where id = $1 for no key update', [programId]);
}

function invalid(field: string, message: string): JifenError {
  return new JifenError('validation_failed', {
    detail: `${field} ${message}`,
    extensions: { errors: [{ field, message }] },
  });
}

/** What the schema cannot check of a program's settings. */
function checkSettings(patch: ProgramSettingsPatch): void {
  if (patch.timezone !== undefined && !isValidTimezone(patch.timezone)) {
    throw invalid('/timezone', `"${patch.timezone}" is not an IANA timezone (e.g. "Asia/Shanghai")`);
  }
}

/** Settings changes apply to what happens next; nothing already in the journal is rewritten. */
export async function updateProgramSettings(
  db: Queryable,
  programId: string,
  patch: ProgramSettingsPatch,
  now: Date,
): Promise<Program> {
  checkSettings(patch);
  const current = await getProgram(db, programId);
  const next = { ...current, ...patch };
  const [row] = await db.query<ProgramRow>(
    `update programs set name = $2, currency = $3, point_value_points = $4, point_value_minor = $5,
            timezone = $6, expiry_policy = $7, negative_balance = $8, restored_lot_grace_days = $9,
            transfer_limits = $10, hold_ttl_seconds = $11, updated_at = $12,
            auto_create_members = $13
      where id = $1 returning *`,
    [
      programId,
      next.name,
      next.currency,
      next.pointValue.points,
      next.pointValue.amountMinor,
      next.timezone,
      JSON.stringify(next.expiryPolicy),
      next.negativeBalance,
      next.restoredLotGraceDays,
      JSON.stringify(next.transferLimits),
      next.holdTtlSeconds,
      now.toISOString(),
      next.autoCreateMembers,
    ],
  );
  return toProgram(row!);
}

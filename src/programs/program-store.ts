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
  };
}

export async function createProgram(db: Queryable, name: string, now: Date): Promise<Program> {
  const [row] = await db.query<ProgramRow>(
    'insert into programs (id, name, created_at, updated_at) values ($1, $2, $3, $3) returning *',
    [newId('prg'), name, now.toISOString()],
  );
  return toProgram(row!);
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

/** Settings changes apply to what happens next; nothing already in the journal is rewritten. */
export async function updateProgramSettings(
  db: Queryable,
  programId: string,
  patch: ProgramSettingsPatch,
  now: Date,
): Promise<Program> {
  if (patch.timezone !== undefined && !isValidTimezone(patch.timezone)) {
    throw invalid('/timezone', `"${patch.timezone}" is not an IANA timezone (e.g. "Asia/Shanghai")`);
  }
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

import type { Queryable } from '../db/database.ts';

/**
 * What needs a checker in a program (maker–checker). Without a saved policy nothing does: staff
 * act as their role allows, as before the policy existed.
 */
export interface ApprovalPolicy {
  /** Actions moving more points than this wait for a checker; null: no threshold on points. */
  pointsAbove: number | null;
  /** Every bulk action (credit batches, import commits and undos) waits for a checker. */
  bulk: boolean;
  /** Every manual tier assignment waits for a checker. */
  tierAssignments: boolean;
  /** Requests not decided within this many hours expire. */
  expiresAfterHours: number;
  /** When the policy was last saved; null: never (the default policy). */
  updatedAt: string | null;
}

export const DEFAULT_EXPIRY_HOURS = 72;

export const NO_POLICY: ApprovalPolicy = {
  pointsAbove: null,
  bulk: false,
  tierAssignments: false,
  expiresAfterHours: DEFAULT_EXPIRY_HOURS,
  updatedAt: null,
};

interface PolicyRow {
  points_above: string | number | null;
  bulk: boolean;
  tier_assignments: boolean;
  expires_after_hours: number;
  updated_at: Date;
}

export async function readApprovalPolicy(db: Queryable, programId: string): Promise<ApprovalPolicy> {
  const [row] = await db.query<PolicyRow>(
    `select points_above, bulk, tier_assignments, expires_after_hours, updated_at
       from approval_policies where program_id = $1`,
    [programId],
  );
  if (!row) return NO_POLICY;
  return {
    pointsAbove: row.points_above === null ? null : Number(row.points_above),
    bulk: row.bulk,
    tierAssignments: row.tier_assignments,
    expiresAfterHours: row.expires_after_hours,
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

export async function saveApprovalPolicy(
  db: Queryable,
  programId: string,
  policy: Omit<ApprovalPolicy, 'updatedAt'>,
  now: Date,
): Promise<ApprovalPolicy> {
  await db.query(
    `insert into approval_policies (program_id, points_above, bulk, tier_assignments, expires_after_hours, updated_at)
     values ($1, $2, $3, $4, $5, $6)
     on conflict (program_id) do update set points_above = excluded.points_above, bulk = excluded.bulk,
       tier_assignments = excluded.tier_assignments, expires_after_hours = excluded.expires_after_hours,
       updated_at = excluded.updated_at`,
    [
      programId,
      policy.pointsAbove,
      policy.bulk,
      policy.tierAssignments,
      policy.expiresAfterHours,
      now.toISOString(),
    ],
  );
  return { ...policy, updatedAt: now.toISOString() };
}

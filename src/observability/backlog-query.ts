import type { Queryable } from '../db/database.ts';

export const SWEEP_KINDS = ['expiry', 'pending_release', 'hold_timeout', 'tier_evaluation'] as const;
export type SweepLagKind = (typeof SWEEP_KINDS)[number];

export interface Backlog {
  /** Age in seconds of the oldest row due for each sweep (0 when nothing is due). */
  sweepLagSeconds: Record<SweepLagKind, number>;
  outboxUndispatched: number;
  deliveriesPending: number;
}

/** Counts stop here: a backlog this large is an alarm whatever its exact size, and stays cheap. */
const COUNT_CAP = 100_000;

/**
 * One statement, every part answered from a partial index the sweeps and the dispatcher already
 * use (`lots_due_to_expire`, `lots_due_to_release`, `holds_due_to_expire`, `member_tiers_due`,
 * `member_tiers_manual_due`, `outbox_to_dispatch`, `deliveries_due`): the oldest due row is the
 * first entry of its index, and the counts read at most COUNT_CAP index entries.
 */
const BACKLOG_SQL = `select
  (select min(expires_at) from lots
    where remaining > 0 and status = 'available' and expires_at is not null and expires_at <= $1) as expiry,
  (select min(available_at) from lots
    where status = 'pending' and remaining > 0 and available_at <= $1) as pending_release,
  (select min(expires_at) from holds where status = 'open' and expires_at <= $1) as hold_timeout,
  least((select min(next_evaluation_at) from member_tiers
          where next_evaluation_at is not null and next_evaluation_at <= $1),
        (select min(manual_until) from member_tiers
          where manual_until is not null and manual_until <= $1)) as tier_evaluation,
  (select count(*) from (select 1 from outbox where dispatched_at is null limit ${COUNT_CAP}) o)::int as outbox,
  (select count(*) from (select 1 from deliveries where status = 'pending' limit ${COUNT_CAP}) d)::int as deliveries`;

type BacklogRow = Record<SweepLagKind, Date | string | null> & { outbox: number; deliveries: number };

export async function readBacklog(db: Queryable, now: Date): Promise<Backlog> {
  const [row] = await db.query<BacklogRow>(BACKLOG_SQL, [now.toISOString()]);
  const ageSeconds = (due: Date | string | null) =>
    due === null ? 0 : Math.max(0, (now.getTime() - new Date(due).getTime()) / 1000);
  const sweepLagSeconds = Object.fromEntries(
    SWEEP_KINDS.map((kind) => [kind, ageSeconds(row![kind])]),
  ) as Record<SweepLagKind, number>;
  return { sweepLagSeconds, outboxUndispatched: row!.outbox, deliveriesPending: row!.deliveries };
}

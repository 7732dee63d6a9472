import type { Queryable } from '../db/database.ts';

export interface Violation {
  invariant: string;
  programId: string;
  subject: string;
  detail: string;
}

interface Check {
  invariant: string;
  description: string;
  /** Returns one row per violation: program_id, subject, detail. */
  sql: string;
}

/**
 * Every invariant of the ledger (SPEC §3.1), recomputed from the journal and the lots. Each check
 * is one set-based query; `jifen verify` runs them all and exits non-zero naming any that fails.
 */
export const CHECKS: readonly Check[] = [
  {
    invariant: 'postings_balance',
    description: "Every transaction's postings sum to zero, per unit (points, growth).",
    sql: `select program_id, txn_id as subject, unit || ' postings sum to ' || sum(amount) as detail
            from postings group by program_id, txn_id, unit having sum(amount) <> 0`,
  },
  {
    invariant: 'cached_balances_match_journal',
    description: "Each member's cached balances equal the sums of their journal entries.",
    sql: `select m.program_id, m.member_id as subject,
                 format('cached available/pending/held/debt/growth %s/%s/%s/%s/%s, journal %s/%s/%s/%s/%s',
                   m.available_points, m.pending_points, m.held_points, m.debt_points, m.growth_points,
                   coalesce(j.available, 0), coalesce(j.pending, 0), coalesce(j.held, 0), coalesce(j.debt, 0),
                   coalesce(j.growth, 0)) as detail
            from members m
            left join (select program_id, member_key, sum(available_delta) as available, sum(pending_delta) as pending,
                              sum(held_delta) as held, sum(debt_delta) as debt, sum(growth_delta) as growth
                         from entries group by program_id, member_key) j
              on j.program_id = m.program_id and j.member_key = m.member_key
           where m.available_points <> coalesce(j.available, 0) or m.pending_points <> coalesce(j.pending, 0)
              or m.held_points <> coalesce(j.held, 0) or m.debt_points <> coalesce(j.debt, 0)
              or m.growth_points <> coalesce(j.growth, 0)`,
  },
  {
    invariant: 'lot_remainders_match_balances',
    description:
      'Available lot remainders minus debt equal the available balance; pending lots equal pending.',
    sql: `select m.program_id, m.member_id as subject,
                 format('available %s but lots %s minus debt %s; pending %s but pending lots %s',
                   m.available_points, coalesce(l.available, 0), m.debt_points, m.pending_points,
                   coalesce(l.pending, 0)) as detail
            from members m
            left join (select program_id, member_key,
                              sum(remaining) filter (where status = 'available') as available,
                              sum(remaining) filter (where status = 'pending') as pending
                         from lots group by program_id, member_key) l
              on l.program_id = m.program_id and l.member_key = m.member_key
           where m.available_points <> coalesce(l.available, 0) - m.debt_points
              or m.pending_points <> coalesce(l.pending, 0)`,
  },
  {
    invariant: 'held_matches_open_holds',
    description: 'The held balance equals the points of open holds.',
    sql: `select m.program_id, m.member_id as subject,
                 format('held %s but open holds %s', m.held_points, coalesce(h.points, 0)) as detail
            from members m
            left join (select program_id, member_key, sum(points) as points from holds where status = 'open'
                        group by program_id, member_key) h
              on h.program_id = m.program_id and h.member_key = m.member_key
           where m.held_points <> coalesce(h.points, 0)`,
  },
  {
    invariant: 'lot_remaining_in_range',
    description: 'No lot has a negative remainder or more remaining than its amount.',
    sql: `select program_id, id as subject, format('remaining %s of %s', remaining, amount) as detail
            from lots where remaining < 0 or remaining > amount`,
  },
  {
    invariant: 'no_spending_of_expired_lots',
    description: 'No spend, hold or transfer took points from a lot past its expiry.',
    sql: `select e.program_id, e.id as subject, format('took %s from lot %s expired at %s', -(t.touch->>'points')::int8,
                 l.id, l.expires_at) as detail
            from entries e cross join lateral jsonb_array_elements(e.lots) as t(touch)
            join lots l on l.program_id = e.program_id and l.id = t.touch->>'lotId'
           where e.type in ('spend', 'hold', 'transfer_out') and (t.touch->>'points')::int8 < 0
             and l.expires_at is not null and l.expires_at <= e.created_at`,
  },
  {
    invariant: 'reversed_at_most_once',
    description: 'No entry is reversed twice.',
    sql: `select program_id, reverses_entry_id as subject, count(*) || ' reversals' as detail
            from entries where reverses_entry_id is not null group by program_id, reverses_entry_id
          having count(*) > 1`,
  },
  {
    invariant: 'hold_captures_within_hold',
    description: 'Captured points never exceed the hold; closed holds have a close time.',
    sql: `select program_id, id as subject, format('status %s captured %s of %s', status, captured_points, points)
            from holds where captured_points > points or (status <> 'open') <> (closed_at is not null)`,
  },
];

export async function verifyLedger(db: Queryable): Promise<{ checks: number; violations: Violation[] }> {
  const violations: Violation[] = [];
  for (const check of CHECKS) {
    const rows = await db.query<{ program_id: string; subject: string; detail: string }>(
      `select * from (${check.sql}) v limit 100`,
    );
    for (const row of rows) {
      violations.push({
        invariant: check.invariant,
        programId: row.program_id,
        subject: row.subject,
        detail: row.detail,
      });
    }
  }
  return { checks: CHECKS.length, violations };
}

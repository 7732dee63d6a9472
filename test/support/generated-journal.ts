import type { Queryable } from '../../src/db/database.ts';

/**
 * A large journal written set-based, for the streaming test and the export bench: `members`
 * members and `entries` entries, one a second from `start` (`effectiveAt` = `createdAt`, and every
 * seventh entry written as before dated history, with no `effective_at`: it counts from
 * `createdAt`). Two entries in three earn 100–299 points, one in three spends 1–50 (never a
 * member's first: with `members` not a multiple of 3, no balance goes below zero); each balances
 * (its `issued` or `redeemed` posting), and the members' cached balances are the sums, so the
 * totals tie. Nothing else (lots, after-balances) is consistent: export and totals never read it.
 */
export async function generateJournal(
  db: Queryable,
  programId: string,
  options: { members: number; entries: number; start: string; prefix?: string },
): Promise<void> {
  if (options.members % 3 === 0) throw new Error('members must not be a multiple of 3');
  const prefix = options.prefix ?? 'gen';
  await db.query(
    `insert into members (program_id, member_id, member_key, joined_at, created_at, updated_at)
     select $1, '${prefix}-m' || i, 'mbr_${prefix}' || lpad(i::text, 12, '0'), $2, $2, $2
       from generate_series(0, $3 - 1) as i`,
    [programId, options.start, options.members],
  );
  await db.query(
    `insert into entries (program_id, id, txn_id, member_key, type, available_delta, contra_account, contra_delta,
                          available_after, pending_after, held_after, debt_after, growth_after, source,
                          reason_zh, reason_en, created_at, effective_at)
     select $1, 'ent_${prefix}' || lpad(i::text, 12, '0'), 'txn_${prefix}' || lpad(i::text, 12, '0'),
            'mbr_${prefix}' || lpad((i % $3)::text, 12, '0'),
            case when spend then 'spend' else 'earn' end, points, case when spend then 'redeemed' else 'issued' end,
            -points, 0, 0, 0, 0, 0, '{"kind":"api","ref":"bench"}',
            case when spend then '兑换礼品' else '消费积分' end, case when spend then 'Redeemed a gift' else 'Points for an order' end,
            at, case when i % 7 = 0 then null else at end
       from generate_series(0, $4 - 1) as i
      cross join lateral (select i >= $3 and i % 3 = 2 as spend) s
      cross join lateral (select case when s.spend then -(1 + i % 50) else 100 + (i::int8 * 7919) % 200 end as points,
                                 $2::timestamptz + interval '1 second' * i as at) p`,
    [programId, options.start, options.members, options.entries],
  );
  await db.query(
    `update members m set available_points = t.points
       from (select member_key, sum(available_delta)::int8 as points from entries
              where program_id = $1 and member_key like 'mbr_${prefix}%' group by member_key) t
      where m.program_id = $1 and m.member_key = t.member_key`,
    [programId],
  );
}

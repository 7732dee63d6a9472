import type { Queryable } from '../db/database.ts';
import type { Candidate, IngestContext } from './intake-types.ts';

/** Creates the members the program has not seen, joined when their first event in the batch happened. */
export async function createUnknownMembers(
  tx: Queryable,
  context: IngestContext,
  fresh: readonly Candidate[],
): Promise<Set<string>> {
  const joinedAt = new Map<string, Date>();
  for (const { event, occurredAt } of fresh) {
    const earlier = joinedAt.get(event.memberId);
    if (!earlier || occurredAt < earlier) joinedAt.set(event.memberId, occurredAt);
  }
  const memberIds = [...joinedAt.keys()].sort();
  if (memberIds.length === 0) return new Set();
  const rows = await tx.query<{ member_id: string }>(
    `insert into members (program_id, member_id, joined_at, created_at, updated_at)
     select $1, m.member_id, m.joined_at, $4, $4
       from unnest($2::text[], $3::timestamptz[]) as m (member_id, joined_at)
     on conflict (program_id, member_id) do nothing
     returning member_id`,
    [
      context.programId,
      memberIds,
      memberIds.map((memberId) => joinedAt.get(memberId)!.toISOString()),
      context.now.toISOString(),
    ],
  );
  return new Set(rows.map((row) => row.member_id));
}

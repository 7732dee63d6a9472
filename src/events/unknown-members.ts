import type { Queryable } from '../db/database.ts';
import { createMissingMembers } from '../members/member-store.ts';
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
  return createMissingMembers(tx, context.programId, joinedAt, context.now);
}

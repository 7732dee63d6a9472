import type { MemberProfileInput } from '../members/member-types.ts';
import { upsertMembers } from '../members/upsert-members.ts';
import { type ApplyChunk, emptyResult } from './apply-chunk.ts';

/** A chunk of member rows: created or updated in one statement, like PUT /v1/members/{id}. */
export const applyMembers: ApplyChunk = (context, rows, record) =>
  context.db.transaction(async (tx) => {
    const members = rows.map((row) => row.payload as { memberId: string; profile: MemberProfileInput });
    const created = await upsertMembers(tx, context.programId, members, context.now);
    const result = emptyResult();
    result.membersCreated = created.size;
    result.applied = rows.map((row, index) => ({
      line: row.line,
      externalId: row.externalId,
      rowHash: row.rowHash,
      entryIds: [],
      memberCreated: created.has(members[index]!.memberId),
    }));
    await record(tx, result);
    return result;
  });

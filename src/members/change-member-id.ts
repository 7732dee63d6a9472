import type { Queryable } from '../db/database.ts';
import { renameAnswerSubject } from '../idempotency/answer-book.ts';
import { JifenError } from '../shared/errors.ts';
import { getMember, type MemberRecord, memberNotFound } from './member-store.ts';

/**
 * Gives a member a new member id (merged accounts, a phone number that changed): under the member's
 * row lock — the lock every command on the member takes first, so none is halfway through — only
 * `members.member_id` changes. Every other table refers to the member by key, so the journal, the
 * lots, the tier, the orders and everything else stay as they are and answer to the new id at once;
 * the old id is free (an event naming it later creates a new member, if the program does so).
 */
export async function changeMemberId(
  tx: Queryable,
  programId: string,
  memberId: string,
  newMemberId: string,
  now: Date,
): Promise<MemberRecord> {
  if (newMemberId === memberId) {
    const message = "must differ from the member's current id";
    throw new JifenError('validation_failed', {
      detail: `body/newMemberId ${message}`,
      extensions: { errors: [{ field: 'body/newMemberId', message }] },
    });
  }
  const [locked] = await tx.query<{ member_key: string; taken: boolean }>(
    `select m.member_key,
            exists (select 1 from members t where t.program_id = $1 and t.member_id = $3) as taken
       from members m where m.program_id = $1 and m.member_id = $2
        for update of m`,
    [programId, memberId, newMemberId],
  );
  if (!locked) throw memberNotFound(memberId);
  if (locked.taken) throw memberIdTaken(newMemberId);
  // A member created with the new id meanwhile makes this fail on the unique member id; the
  // transaction is then retried (RACE_CONSTRAINTS) and answers member_id_taken.
  await tx.query(
    'update members set member_id = $3, updated_at = $4 where program_id = $1 and member_key = $2',
    [programId, locked.member_key, newMemberId, now.toISOString()],
  );
  await renameAnswerSubject(tx, programId, memberId, newMemberId);
  return getMember(tx, programId, newMemberId);
}

function memberIdTaken(memberId: string): JifenError {
  return new JifenError('member_id_taken', {
    detail: `Another member of this program has the id "${memberId}".`,
    extensions: { memberId },
  });
}

import type { Queryable } from '../../db/database.ts';
import { openOutboxData, prepareOutbox, sealOutboxData } from './outbox-sql.ts';

/**
 * Erasure (issue 17) with the merchant's member id forgotten (it was a phone number): the member's
 * messages named them by it, as the id was when each was composed. Each payload is rewritten
 * (sealed again) naming the member by `memberId`, the pseudonym; points, balances, the ledger's
 * reasons and times stay, as the ledger keeps them. Webhooks not delivered yet send the rewritten
 * payload, and the delivery log shows it.
 */
export async function renameMemberInMessages(
  tx: Queryable,
  programId: string,
  memberKey: string,
  memberId: string,
): Promise<number> {
  const rows = await tx.query<{ id: string; data: unknown }>(
    'select id, data from outbox where program_id = $1 and member_key = $2 for update',
    [programId, memberKey],
  );
  if (rows.length === 0) return 0;
  await prepareOutbox(tx, programId);
  const rewritten = await Promise.all(
    rows.map(async (row) => {
      const data = await openOutboxData(tx, programId, row.data);
      return sealOutboxData(tx, programId, { ...data, memberId });
    }),
  );
  await tx.query(
    `update outbox o set data = to_json(s.data)
       from unnest($2::text[], $3::text[]) as s (id, data)
      where o.program_id = $1 and o.id = s.id`,
    [programId, rows.map((row) => row.id), rewritten],
  );
  return rows.length;
}

import type { Queryable } from '../../db/database.ts';
import { jsonArray } from '../../db/sql-params.ts';
import type { OutboxMessage } from '../message-types.ts';

type Param = (value: unknown, cast: string) => string;

/**
 * `insert into outbox ... select from unnest(...)` for any number of messages of one program,
 * with `$1` bound to the program id: callers splice it into their own statement (persistDraft
 * writes it as one more CTE), so recording a notification costs no extra round trip.
 */
export function outboxInsertSql(
  messages: readonly OutboxMessage[],
  param: Param,
  options: { onlyIds?: string } = {},
): string {
  const ids = param(
    messages.map((m) => m.id),
    'text[]',
  );
  const types = param(
    messages.map((m) => m.type),
    'text[]',
  );
  const members = param(
    messages.map((m) => m.memberKey),
    'text[]',
  );
  const data = jsonArray(
    param,
    messages.map((m) => m.data),
    'json',
  );
  const createdAt = param(
    messages.map((m) => m.createdAt.toISOString()),
    'timestamptz[]',
  );
  // `onlyIds`: a query naming the messages to keep, e.g. those whose cause was not a duplicate.
  const where = options.onlyIds ? ` where m.id in (${options.onlyIds})` : '';
  return `insert into outbox (program_id, id, type, member_key, data, created_at)
          select $1, m.* from unnest(${ids}, ${types}, ${members}, ${data}, ${createdAt})
            as m (id, type, member_key, data, created_at)${where}`;
}

/**
 * SQL for a recorded message's member by the merchant's id, as the payload carried it when the
 * message was composed (`alias`: the outbox row): what webhook envelopes and the delivery log show.
 */
export function outboxMemberIdSql(alias: string): string {
  return `case when ${alias}.member_key is null then null else ${alias}.data->>'memberId' end`;
}

/** Records messages in the caller's transaction, for changes written outside persistDraft. */
export async function writeOutbox(
  tx: Queryable,
  programId: string,
  messages: readonly OutboxMessage[],
): Promise<void> {
  if (messages.length === 0) return;
  const params: unknown[] = [programId];
  const param: Param = (value, cast) => {
    params.push(value);
    return `$${params.length}::${cast}`;
  };
  await tx.query(outboxInsertSql(messages, param), params);
}

/** One recorded message of the program, or null (e.g. a template preview with a real message's data). */
export async function findOutboxMessage(
  db: Queryable,
  programId: string,
  messageId: string,
): Promise<Pick<OutboxMessage, 'type' | 'data'> | null> {
  const [row] = await db.query<Pick<OutboxMessage, 'type' | 'data'>>(
    'select type, data from outbox where program_id = $1 and id = $2',
    [programId, messageId],
  );
  return row ?? null;
}

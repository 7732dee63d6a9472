import type { Database, Queryable } from '../../db/database.ts';
import { jsonArray } from '../../db/sql-params.ts';
import { isSealed, openText, sealTextNow } from '../../vault/field-cipher.ts';
import { LEGACY_BATCH, sealInBatches } from '../../vault/legacy-plaintext.ts';
import { activeDataKey } from '../../vault/vault-keys.ts';
import type { OutboxMessage } from '../message-types.ts';

type Param = (value: unknown, cast: string) => string;

/**
 * A message's payload names its member by the merchant's id (which may be a phone number), and
 * may carry a tracking number or a staff member's words: it is sealed at rest like every personal
 * field (docs/privacy.md), as a JSON string `enc:v1:…` in the `data` column, and opened by what
 * reads it (`openOutboxData`).
 */
const DATA_FIELD = 'outbox.data';

/**
 * Fetches the key `outboxInsertSql` seals with, in `tx` (no query once the key is known): run it
 * in the transaction before building the statement (the ledger's and the tiers' `prepare` hooks).
 */
export async function prepareOutbox(tx: Queryable, programId: string): Promise<void> {
  await activeDataKey(tx, programId, 'field');
}

export function sealOutboxData(tx: Queryable, programId: string, data: unknown): string {
  return sealTextNow(tx, programId, DATA_FIELD, JSON.stringify(data));
}

/** A stored payload, opened (plain payloads written before the vault read as they are). */
export async function openOutboxData<T = Record<string, unknown>>(
  q: Queryable,
  programId: string,
  stored: unknown,
): Promise<T> {
  if (typeof stored !== 'string' || !isSealed(stored)) return stored as T;
  return JSON.parse(await openText(q, programId, DATA_FIELD, stored)) as T;
}

/**
 * The member a message names by the merchant's id, as its payload carried it when it was
 * composed: what webhook envelopes and the delivery log show. Null for news about the program.
 */
export function outboxMemberId(
  row: { member_key: string | null },
  data: Record<string, unknown>,
): string | null {
  return row.member_key === null || typeof data.memberId !== 'string' ? null : data.memberId;
}

/**
 * `insert into outbox ... select from unnest(...)` for any number of messages of one program,
 * with `$1` bound to the program id: callers splice it into their own statement (persistDraft
 * writes it as one more CTE), so recording a notification costs no extra round trip. The payloads
 * are sealed with the key `prepareOutbox` fetched in `tx`.
 */
export function outboxInsertSql(
  tx: Queryable,
  programId: string,
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
    messages.map((m) => sealOutboxData(tx, programId, m.data)),
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

/** Records messages in the caller's transaction, for changes written outside persistDraft. */
export async function writeOutbox(
  tx: Queryable,
  programId: string,
  messages: readonly OutboxMessage[],
): Promise<void> {
  if (messages.length === 0) return;
  await prepareOutbox(tx, programId);
  const params: unknown[] = [programId];
  const param: Param = (value, cast) => {
    params.push(value);
    return `$${params.length}::${cast}`;
  };
  await tx.query(outboxInsertSql(tx, programId, messages, param), params);
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
  return row ? { type: row.type, data: await openOutboxData(db, programId, row.data) } : null;
}

/**
 * Seals outbox payloads stored in plain text before the vault (`jifen serve` runs it at start):
 * 500 rows per transaction, only payloads that are still JSON objects.
 */
export async function sealLegacyOutbox(db: Database): Promise<number> {
  return sealInBatches(db, async (tx) => {
    const rows = await tx.query<{ program_id: string; id: string; data: unknown }>(
      `select program_id, id, data from outbox where json_typeof(data) = 'object'
        order by program_id, id limit ${LEGACY_BATCH} for update`,
    );
    if (rows.length === 0) return 0;
    for (const programId of new Set(rows.map((row) => row.program_id))) await prepareOutbox(tx, programId);
    await tx.query(
      `update outbox o set data = to_json(s.data)
         from unnest($1::text[], $2::text[], $3::text[]) as s (program_id, id, data)
        where o.program_id = s.program_id and o.id = s.id`,
      [
        rows.map((row) => row.program_id),
        rows.map((row) => row.id),
        rows.map((row) => sealOutboxData(tx, row.program_id, row.data)),
      ],
    );
    return rows.length;
  });
}

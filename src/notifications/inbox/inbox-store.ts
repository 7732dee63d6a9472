import type { Database, Queryable } from '../../db/database.ts';
import type { MemberKey } from '../../members/member-key.ts';
import { memberKeyOf } from '../../members/member-store.ts';
import { JifenError } from '../../shared/errors.ts';
import { cursorKey, type Page, toPage } from '../../shared/pages.ts';
import { isSealed, openText, sealText } from '../../vault/field-cipher.ts';
import { LEGACY_BATCH, sealInBatches } from '../../vault/legacy-plaintext.ts';

/** A member's in-app inbox (站内信): what the dispatcher rendered for them, and what they read. */
interface InboxRow {
  id: string;
  type: string;
  subject: string;
  body: string;
  category: string;
  created_at: Date;
  read_at: Date | null;
}

/**
 * What the inbox says is about the member (points, tier, rewards): sealed at rest by the
 * dispatcher that writes it (fan-out.ts), opened here for the API.
 */
export const INBOX_SUBJECT = 'inbox_messages.subject';
export const INBOX_BODY = 'inbox_messages.body';

/** A stored subject and body, opened (also for tools that read the table themselves: the demo). */
export async function openInboxText(
  db: Queryable,
  programId: string,
  stored: { subject: string; body: string },
): Promise<{ subject: string; body: string }> {
  const [subject, body] = await Promise.all([
    openText(db, programId, INBOX_SUBJECT, stored.subject),
    openText(db, programId, INBOX_BODY, stored.body),
  ]);
  return { subject, body };
}

/** The row with its subject and body opened. */
async function opened(db: Queryable, programId: string, row: InboxRow): Promise<InboxRow> {
  return { ...row, ...(await openInboxText(db, programId, row)) };
}

function toView(row: InboxRow) {
  return {
    id: row.id,
    type: row.type,
    subject: row.subject,
    body: row.body,
    category: row.category,
    createdAt: new Date(row.created_at).toISOString(),
    readAt: row.read_at === null ? null : new Date(row.read_at).toISOString(),
  };
}

export type InboxMessageView = ReturnType<typeof toView>;

const INBOX_COLUMNS = 'id, type, subject, body, category, created_at, read_at';

/** Newest first; the cursor is the last id of the previous page (message ids sort by time). */
export async function listInbox(
  db: Queryable,
  programId: string,
  memberId: string,
  options: { limit: number; cursor?: string | undefined; unreadOnly: boolean },
): Promise<Page<InboxMessageView>> {
  const memberKey = await memberKeyOf(db, programId, memberId);
  const rows = await db.query<InboxRow>(
    `select ${INBOX_COLUMNS} from inbox_messages
      where program_id = $1 and member_key = $2 and ($3::text is null or id < $3)
        and (not $4::boolean or read_at is null)
      order by id desc limit $5`,
    [programId, memberKey, cursorKey(options.cursor) ?? null, options.unreadOnly, options.limit + 1],
  );
  const shown = await Promise.all(rows.map((row) => opened(db, programId, row)));
  return toPage(shown, options.limit, toView);
}

export async function countUnread(db: Queryable, programId: string, memberId: string): Promise<number> {
  const memberKey = await memberKeyOf(db, programId, memberId);
  const [row] = await db.query<{ unread: number }>(
    `select count(*)::int as unread from inbox_messages
      where program_id = $1 and member_key = $2 and read_at is null`,
    [programId, memberKey],
  );
  return row?.unread ?? 0;
}

/** Idempotent: a message read before keeps its first read time. */
export async function markInboxMessageRead(
  db: Queryable,
  programId: string,
  memberId: string,
  messageId: string,
  now: Date,
): Promise<InboxMessageView> {
  const memberKey = await memberKeyOf(db, programId, memberId);
  const [row] = await db.query<InboxRow>(
    `update inbox_messages set read_at = coalesce(read_at, $4)
      where program_id = $1 and member_key = $2 and id = $3 returning ${INBOX_COLUMNS}`,
    [programId, memberKey, messageId, now.toISOString()],
  );
  if (!row) {
    throw new JifenError('inbox_message_not_found', {
      detail: `Member "${memberId}" has no inbox message "${messageId}".`,
      extensions: { memberId, messageId },
    });
  }
  return toView(await opened(db, programId, row));
}

/** Marks every unread message read; the count is how many were unread. */
export async function markAllInboxRead(
  db: Queryable,
  programId: string,
  memberId: string,
  now: Date,
): Promise<number> {
  const memberKey = await memberKeyOf(db, programId, memberId);
  const [row] = await db.query<{ marked: number }>(
    `with marked as (
       update inbox_messages set read_at = $3
        where program_id = $1 and member_key = $2 and read_at is null returning 1)
     select count(*)::int as marked from marked`,
    [programId, memberKey, now.toISOString()],
  );
  return row?.marked ?? 0;
}

/**
 * Seals inbox subjects and bodies stored in plain text before the vault: 500 rows per
 * transaction, only values without the prefix.
 */
export async function sealLegacyInbox(db: Database): Promise<number> {
  return sealInBatches(db, async (tx) => {
    const rows = await tx.query<{
      program_id: string;
      member_key: string;
      id: string;
      subject: string;
      body: string;
    }>(
      `select program_id, member_key, id, subject, body from inbox_messages
          where subject not like 'enc:v1:%' or body not like 'enc:v1:%'
          order by program_id, member_key, id limit ${LEGACY_BATCH} for update`,
    );
    for (const row of rows) {
      const seal = (field: string, value: string) =>
        isSealed(value) ? Promise.resolve(value) : sealText(tx, row.program_id, field, value);
      await tx.query(
        'update inbox_messages set subject = $4, body = $5 where program_id = $1 and member_key = $2 and id = $3',
        [
          row.program_id,
          row.member_key,
          row.id,
          await seal(INBOX_SUBJECT, row.subject),
          await seal(INBOX_BODY, row.body),
        ],
      );
    }
    return rows.length;
  });
}

/** Erasure: the member's inbox is emptied. */
export async function eraseInbox(tx: Queryable, programId: string, memberKey: MemberKey): Promise<void> {
  await tx.query('delete from inbox_messages where program_id = $1 and member_key = $2', [
    programId,
    memberKey,
  ]);
}

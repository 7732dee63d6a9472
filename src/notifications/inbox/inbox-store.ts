import type { Queryable } from '../../db/database.ts';
import { memberKeyOf } from '../../members/member-store.ts';
import { JifenError } from '../../shared/errors.ts';
import { cursorKey, type Page, toPage } from '../../shared/pages.ts';

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
  return toPage(rows, options.limit, toView);
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
  return toView(row);
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

import type { Queryable } from '../db/database.ts';
import { memberIdOfKeySql, memberKeyOf } from '../members/member-store.ts';
import { JifenError } from '../shared/errors.ts';
import {
  type ActivityScope,
  inAnyWindow,
  inScope,
  type WindowRef,
  withinWindow,
} from '../shared/member-activity-sql.ts';
import { badCursor, cursorKey, type Page, toPage } from '../shared/pages.ts';
import { type EventOutcomeView, outcomeView } from './event-views.ts';
import { type OutcomeColumns, outcomeFromStored } from './stored-outcome.ts';

/** Reading stored events back: one by id, or a member's newest first. */

export interface StoredEvent {
  id: string;
  type: string;
  memberId: string;
  occurredAt: string;
  receivedAt: string;
  attributes: Record<string, unknown>;
  outcome: EventOutcomeView;
}

interface EventRow extends OutcomeColumns {
  member_id: string;
  attributes: Record<string, unknown>;
}

/** Of `events` (unaliased): the member by the merchant's id as it is now. */
const EVENT_COLUMNS = `id, type, ${memberIdOfKeySql('events.member_key', 'events.program_id')} as member_id,
  occurred_at, received_at, attributes, points, growth, outcome`;

function toStoredEvent(row: EventRow): StoredEvent {
  return {
    id: row.id,
    type: row.type,
    memberId: row.member_id,
    occurredAt: new Date(row.occurred_at).toISOString(),
    receivedAt: new Date(row.received_at).toISOString(),
    attributes: row.attributes,
    outcome: outcomeView(outcomeFromStored(row)),
  };
}

export async function getEvent(db: Queryable, programId: string, eventId: string): Promise<StoredEvent> {
  const [row] = await db.query<EventRow>(
    `select ${EVENT_COLUMNS} from events where program_id = $1 and id = $2`,
    [programId, eventId],
  );
  if (!row) {
    throw new JifenError('event_not_found', {
      detail: `There is no event "${eventId}" in this program.`,
      extensions: { eventId },
    });
  }
  return toStoredEvent(row);
}

/** Whether the program has received any event yet. */
export async function programHasEvents(db: Queryable, programId: string): Promise<boolean> {
  const rows = await db.query('select 1 from events where program_id = $1 limit 1', [programId]);
  return rows.length > 0;
}

/**
 * A member's events, newest first (member_not_found for an unknown member); the cursor is the last
 * event of the previous page.
 */
export async function listMemberEvents(
  db: Queryable,
  programId: string,
  memberId: string,
  options: { limit: number; cursor?: string | undefined },
): Promise<Page<StoredEvent>> {
  const after = eventAfter(cursorKey(options.cursor));
  const memberKey = await memberKeyOf(db, programId, memberId);
  const rows = await db.query<Omit<EventRow, 'member_id'>>(
    `select id, type, occurred_at, received_at, attributes, points, growth, outcome from events
      where program_id = $1 and member_key = $2
        and ($3::timestamptz is null or (occurred_at, id) < ($3::timestamptz, $4::text))
      order by occurred_at desc, id desc limit $5`,
    [programId, memberKey, after?.occurredAt ?? null, after?.id ?? null, options.limit + 1],
  );
  const events = rows.map((row) => toStoredEvent({ ...row, member_id: memberId }));
  return toPage(
    events,
    options.limit,
    (event) => event,
    (event) => JSON.stringify([event.occurredAt, event.id]),
  );
}

/** The event a cursor's key names: [occurredAt, id]. */
function eventAfter(key: string | undefined): { occurredAt: string; id: string } | null {
  if (key === undefined) return null;
  try {
    const [occurredAt, id] = JSON.parse(key) as [string, string];
    if (typeof occurredAt === 'string' && typeof id === 'string' && !Number.isNaN(Date.parse(occurredAt))) {
      return { occurredAt, id };
    }
  } catch {
    // falls through to the error below
  }
  throw badCursor();
}

/**
 * Erasure: what the merchant sent with the member's events (`attributes`: a buyer's phone, an
 * address) goes; the events stay, with their type, times and what they earned.
 */
export async function eraseEventAttributes(
  tx: Queryable,
  programId: string,
  memberKey: string,
): Promise<void> {
  await tx.query(
    `update events set attributes = '{}' where program_id = $1 and member_key = $2 and attributes <> '{}'::jsonb`,
    [programId, memberKey],
  );
}

/** Members' check-ins per window (`check_ins_<i>`), for segments. */
export function checkInActivitySql(scope: ActivityScope, windows: readonly WindowRef[]): string {
  const columns = windows.map(
    (days, i) => `count(*) filter (where ${withinWindow('e.occurred_at', days)}) as check_ins_${i}`,
  );
  return `select e.member_key, ${columns.join(', ')}
            from events e
           where e.program_id = $1 and ${inScope(scope, 'e.member_key')} and e.type = 'member.checked_in'
             and ${inAnyWindow('e.occurred_at', windows)}
           group by e.member_key`;
}

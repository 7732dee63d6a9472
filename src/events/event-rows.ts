import type { ReadStatement, WriteStatement } from '../db/combined-statements.ts';
import { jsonArray } from '../db/sql-params.ts';
import type { MemberKey } from '../members/member-key.ts';
import { orderIdOf } from './event-input.ts';
import type { EventOutcome } from './event-outcome.ts';
import type { Candidate, IngestContext } from './intake-types.ts';
import { type OutcomeColumns, outcomeFromStored, storedOutcome } from './stored-outcome.ts';

/** Events in the database, as intake reads and writes them (reads for the API: event-store.ts). */

interface StoredEventRow extends OutcomeColumns {
  request_hash: string;
}

/** Stored events by id: their fingerprints and answers. */
export type StoredEvents = Map<string, { hash: string; outcome: EventOutcome }>;

function toStoredEvents(rows: readonly StoredEventRow[]): StoredEvents {
  return new Map(rows.map((row) => [row.id, { hash: row.request_hash, outcome: outcomeFromStored(row) }]));
}

/** The events of these ids already stored (their fingerprints and answers), as part of a combined read. */
export function readStoredEvents(read: ReadStatement, ids: readonly string[]): () => StoredEvents {
  const rows = read.add<StoredEventRow>(
    `select id, type, occurred_at, received_at, points, growth, request_hash, outcome from events where program_id = $1 and id = any(${read.param([...new Set(ids)], 'text[]')})`,
  );
  return () => toStoredEvents(rows());
}

/** Stores decided events with their outcomes (their members by key), as part of the batch's write. */
export function addEventInserts(
  statement: WriteStatement,
  context: IngestContext,
  rows: readonly { candidate: Candidate; outcome: EventOutcome }[],
  keyOf: (memberId: string) => MemberKey,
): void {
  if (rows.length === 0) return;
  const column = <T>(get: (row: (typeof rows)[number]) => T) => rows.map(get);
  const { param } = statement;
  const arrays = [
    param(
      column(({ candidate }) => candidate.event.id),
      'text[]',
    ),
    param(
      column(({ candidate }) => candidate.event.type),
      'text[]',
    ),
    param(
      column(({ candidate }) => keyOf(candidate.event.memberId)),
      'text[]',
    ),
    param(
      column(({ candidate }) => candidate.occurredAt.toISOString()),
      'timestamptz[]',
    ),
    jsonArray(
      param,
      column(({ candidate }) => candidate.event.attributes ?? {}),
      'jsonb',
    ),
    param(
      column(({ candidate }) => orderIdOf(candidate.event)),
      'text[]',
    ),
    param(
      column(({ candidate }) => candidate.hash),
      'text[]',
    ),
    param(
      column(({ outcome }) => outcome.points),
      'int8[]',
    ),
    param(
      column(({ outcome }) => outcome.growth),
      'int8[]',
    ),
    jsonArray(
      param,
      column(({ outcome }) => storedOutcome(outcome)),
      'json',
    ),
  ];
  statement.add(
    `insert into events (program_id, id, type, member_key, occurred_at, received_at, attributes, order_id,
                         request_hash, points, growth, outcome)
     select $1, e.id, e.type, e.member_key, e.occurred_at, ${param(context.now.toISOString(), 'timestamptz')},
            e.attributes, e.order_id, e.request_hash, e.points, e.growth, e.outcome
       from unnest(${arrays.join(', ')})
            as e (id, type, member_key, occurred_at, attributes, order_id, request_hash, points, growth, outcome)`,
  );
}

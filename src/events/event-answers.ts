import { JifenError } from '../shared/errors.ts';
import { problemBody } from '../shared/problem.ts';
import type { EventInput } from './event-input.ts';
import type { EventOutcome } from './event-outcome.ts';
import { outcomeView } from './event-views.ts';
import type { Candidate, EventResult } from './intake-types.ts';

/** The answers intake gives besides outcomes: replays, refusals and their errors. */

export const REFERS_TO_ORDER: ReadonlySet<string> = new Set(['order.refunded', 'order.cancelled']);

/** An event refused after the batch's draft had changed: the batch is redone without it. */
export class EventRefused extends Error {
  constructor(
    readonly index: number,
    readonly error: JifenError,
  ) {
    super(error.message);
  }
}

/** A retry of a stored event gets its answer; another event under a used id is refused. */
export function answerToStored(
  candidate: Candidate,
  stored: { hash: string; outcome: EventOutcome },
): EventResult {
  return candidate.hash === stored.hash
    ? { status: 201, body: outcomeView(stored.outcome), replayed: true }
    : refusal(idReused(candidate.event.id));
}

export function refusal(error: JifenError): EventResult {
  return { status: error.status, body: problemBody(error), replayed: false };
}

export function idReused(eventId: string): JifenError {
  return new JifenError('event_id_reused', {
    detail: `The event id "${eventId}" was already used for a different event.`,
    extensions: { eventId },
  });
}

export function memberNotFound(event: EventInput): JifenError {
  const why = REFERS_TO_ORDER.has(event.type)
    ? `a ${event.type} event names an order the member paid, so it never creates the member`
    : 'the program does not create members from events (autoCreateMembers is off)';
  return new JifenError('member_not_found', {
    detail: `There is no member "${event.memberId}" in this program, and ${why}.`,
    extensions: { memberId: event.memberId },
  });
}

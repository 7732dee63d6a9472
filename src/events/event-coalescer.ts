import type { Database } from '../db/database.ts';
import type { Clock } from '../shared/clock.ts';
import { GroupCommit, type GroupCommitOptions } from '../shared/group-commit.ts';
import type { EventInput } from './event-input.ts';
import { ingestEvents } from './ingest-events.ts';
import type { EventResult } from './intake-types.ts';

/**
 * Group commit for single events (`POST /v1/events`): events that arrive while earlier ones are
 * being decided share the next intake transaction, each with the answer it would have had alone.
 * Under load this is what lets single events share a hot campaign budget row instead of queueing
 * for it one transaction at a time. Events of different API keys (or staff) never share a batch, so
 * every entry names the key that sent its event.
 */
export class EventCoalescer {
  private readonly group: GroupCommit<EventInput, EventResult>;

  constructor(db: Database, clock: Clock, options: GroupCommitOptions) {
    this.group = new GroupCommit((key, events) => {
      const [programId, kind, actorId] = key.split('\u0000') as [string, string, string];
      const actor = kind === 'staff' ? { staffId: actorId } : { apiKeyId: actorId };
      return ingestEvents(
        db,
        { programId, now: clock.now(), source: { kind: 'event', ...actor } },
        events,
        // Each event was a request of its own: its mistakes are reported at `body/...`.
        { at: () => 'body' },
      );
    }, options);
  }

  /** `actor`: the API key or the staff member sending the event (entries name it). */
  send(
    programId: string,
    actor: { apiKeyId: string } | { staffId: string },
    event: EventInput,
  ): Promise<EventResult> {
    const [kind, actorId] = 'staffId' in actor ? ['staff', actor.staffId] : ['key', actor.apiKeyId];
    return this.group.submit(`${programId}\u0000${kind}\u0000${actorId}`, event);
  }
}

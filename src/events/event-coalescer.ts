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
 * for it one transaction at a time. Events of different API keys never share a batch, so every
 * entry names the key that sent its event.
 */
export class EventCoalescer {
  private readonly group: GroupCommit<EventInput, EventResult>;

  constructor(db: Database, clock: Clock, options: GroupCommitOptions) {
    this.group = new GroupCommit((key, events) => {
      const [programId, apiKeyId] = key.split('\u0000') as [string, string];
      return ingestEvents(
        db,
        { programId, now: clock.now(), source: { kind: 'event', apiKeyId } },
        events,
        // Each event was a request of its own: its mistakes are reported at `body/...`.
        { at: () => 'body' },
      );
    }, options);
  }

  send(programId: string, apiKeyId: string, event: EventInput): Promise<EventResult> {
    return this.group.submit(`${programId}\u0000${apiKeyId}`, event);
  }
}

import type { Database } from '../db/database.ts';
import type { EventCoalescer } from '../events/event-coalescer.ts';
import { ingestEvents } from '../events/ingest-events.ts';
import { creditBatch } from '../ledger/commands/credit-batch.ts';
import type { CreditCoalescer } from '../ledger/credit-coalescer.ts';
import type { Clock } from '../shared/clock.ts';
import { liveAuditScope } from './audit-scope.ts';

/**
 * Single credits and events share group-committed transactions with other requests, so an audited
 * one (a staff member's: integrations' are not audited) goes alone instead, through `db`, which
 * puts it in its request's transaction, beside its audit record.
 */
export function auditedCredits(
  group: CreditCoalescer,
  db: Database,
  clock: Clock,
): Pick<CreditCoalescer, 'credit'> {
  return {
    async credit(programId, item) {
      if (!liveAuditScope()) return group.credit(programId, item);
      const [result] = await creditBatch(db, { programId, now: clock.now(), source: { kind: 'api' } }, [
        item,
      ]);
      return result!;
    },
  };
}

export function auditedEvents(
  group: EventCoalescer,
  db: Database,
  clock: Clock,
): Pick<EventCoalescer, 'send'> {
  return {
    async send(programId, actor, event) {
      if (!liveAuditScope()) return group.send(programId, actor, event);
      const [result] = await ingestEvents(
        db,
        { programId, now: clock.now(), source: { kind: 'event', ...actor } },
        [event],
        { at: () => 'body' },
      );
      return result!;
    },
  };
}

import type { Database } from '../db/database.ts';
import type { Clock } from '../shared/clock.ts';
import { GroupCommit, type GroupCommitOptions } from '../shared/group-commit.ts';
import { type BatchCreditItem, type BatchItemResult, creditBatch } from './commands/credit-batch.ts';

/**
 * Group commit for single credits (`POST /v1/members/{id}/credits`): credits that arrive while
 * earlier ones are being written share the next transaction through the batch path, each with the
 * answer and idempotency it would have had alone (see `GroupCommit`).
 */
export class CreditCoalescer {
  private readonly group: GroupCommit<BatchCreditItem, BatchItemResult>;

  constructor(db: Database, clock: Clock, options: GroupCommitOptions) {
    this.group = new GroupCommit(
      (programId, items) => creditBatch(db, { programId, now: clock.now(), source: { kind: 'api' } }, items),
      options,
    );
  }

  credit(programId: string, item: BatchCreditItem): Promise<BatchItemResult> {
    return this.group.submit(programId, item);
  }
}

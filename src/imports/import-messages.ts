import type { Queryable } from '../db/database.ts';
import type { OutboxMessage } from '../notifications/message-types.ts';
import { writeOutbox } from '../notifications/outbox/outbox-sql.ts';
import { newId } from '../shared/ids.ts';
import type { ImportRecord } from './import-types.ts';

/**
 * The one message an import sends: `import.committed` when its commit finishes, `import.undone`
 * when its undo does — to webhooks only (it is about the program, not a member). The movements it
 * recorded tell nobody (`recordAsHistory`), so an integrator hears of the history once, with counts,
 * and reads the entries by API if it wants them.
 */
export async function recordImportFinished(
  tx: Queryable,
  record: ImportRecord,
  state: 'committed' | 'undone',
  now: Date,
): Promise<void> {
  const message: OutboxMessage<'import.committed' | 'import.undone'> = {
    id: newId('msg', now.getTime()),
    programId: record.programId,
    memberId: null,
    memberKey: null,
    type: state === 'committed' ? 'import.committed' : 'import.undone',
    data: {
      importId: record.id,
      kind: record.kind,
      fileName: record.fileName,
      state,
      rows: {
        read: record.rowsRead,
        valid: record.rowsValid,
        invalid: record.rowsInvalid,
        applied: record.rowsApplied,
        skipped: record.rowsSkipped,
      },
      points: record.points,
      membersCreated: record.membersCreated,
      entriesMade: record.entriesMade,
      occurredAt: now.toISOString(),
    },
    createdAt: now,
  };
  await writeOutbox(tx, record.programId, [message]);
}

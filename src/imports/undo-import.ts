import type { Database } from '../db/database.ts';
import { forgetPaidOrders } from '../events/order-store.ts';
import { reverse } from '../ledger/commands/reverse.ts';
import { commitDraft } from '../ledger/draft-writer.ts';
import { entriesByIds, membersWhoSpentFrom } from '../ledger/entry-set-queries.ts';
import type { Entry, EntrySource } from '../ledger/ledger-types.ts';
import { deactivateUntouchedMembers } from '../members/deactivate-members.ts';
import { recordAsHistory } from '../notifications/outbox/history-scope.ts';
import { JifenError } from '../shared/errors.ts';
import { endImportedAssignments } from '../tiers/end-assignments.ts';
import { recordImportFinished } from './import-messages.ts';
import {
  forgetApplied,
  getImport,
  madeByImport,
  ordersPaidByImport,
  setImportState,
  tiersAssignedByImport,
} from './import-store.ts';
import type { ImportRecord } from './import-types.ts';

export interface UndoInput {
  programId: string;
  importId: string;
  now: Date;
  source: EntrySource;
}

/** Reversals per transaction. */
const CHUNK_ENTRIES = 200;

/**
 * Undoes a committed import: every entry it made is reversed by a new entry (the journal stays
 * append-only) — first those that took points (a refund's clawback), then those that gave them —
 * the manual tiers it assigned end, the members it created that hold nothing afterwards are
 * blocked, and its rows are no longer in force, so importing the file again imports it again.
 * Refused whole (`import_points_spent`) when points it gave have been spent since. Expiries and
 * pending releases its dates caused stay: reversing an earn takes back only what had not expired.
 */
export function undoImport(db: Database, input: UndoInput): Promise<ImportRecord> {
  // Undoing history is no news to members either: one `import.undone` webhook tells integrators.
  return recordAsHistory(() => undo(db, input));
}

async function undo(db: Database, input: UndoInput): Promise<ImportRecord> {
  const { programId, importId } = input;
  const record = await getImport(db, programId, importId);
  if (record.state === 'committing') {
    throw new JifenError('import_commit_running', {
      detail: `Import "${importId}" is still being committed (${record.rowsDone} of ${record.rowsValid} rows done): undo it once it is committed (GET /v1/imports/${importId}).`,
      extensions: { importId, state: record.state },
    });
  }
  if (record.state !== 'committed') {
    throw new JifenError('import_state_conflict', {
      detail: `Import "${importId}" is ${record.state}: only a committed import can be undone.`,
      extensions: { importId, state: record.state },
    });
  }
  const made = await madeByImport(db, programId, importId);
  const spentBy = await membersWhoSpentFrom(db, programId, made.entryIds);
  if (spentBy.length > 0) {
    throw new JifenError('import_points_spent', {
      detail: `Points this import gave have been spent since (members ${spentBy.join(', ')}${spentBy.length === 10 ? ', ...' : ''}); nothing was undone.`,
      extensions: { importId, members: spentBy },
    });
  }
  const found = await entriesByIds(db, programId, made.entryIds);
  // A cut-short undo runs again: what it reversed already stays reversed.
  const pending = found.filter(({ reversed }) => !reversed).map(({ entry }) => entry);
  const ordered = [...pending.filter((entry) => !givesPoints(entry)), ...pending.filter(givesPoints)];
  const context = { programId, now: input.now, source: { ...input.source, ref: importId } };
  for (let start = 0; start < ordered.length; start += CHUNK_ENTRIES) {
    await db.transaction(async (tx) => {
      for (const entry of ordered.slice(start, start + CHUNK_ENTRIES)) {
        let result: Awaited<ReturnType<typeof reverse>>;
        try {
          result = await reverse(tx, context, {
            entryId: entry.id,
            reason: { zh: `撤销导入 ${importId}`, en: `import ${importId} undone` },
          });
        } catch (error) {
          // An undo of the same import running at the same time reversed it first.
          if (error instanceof JifenError && error.code === 'entry_already_reversed') continue;
          throw error;
        }
        if (result.draft) await commitDraft(tx, programId, result.draft);
      }
    });
  }
  await db.transaction(async (tx) => {
    // Under the import's lock: of two undos at once, one records the undo and its message.
    const current = await getImport(tx, programId, importId, true);
    if (current.state === 'undone') return;
    if (record.kind === 'tiers') {
      await endImportedAssignments(
        tx,
        programId,
        await tiersAssignedByImport(tx, programId, importId),
        input.now,
      );
    }
    // Its orders' points are all taken back: their ids may be paid again (a corrected re-import).
    if (record.kind === 'events')
      await forgetPaidOrders(tx, programId, await ordersPaidByImport(tx, programId, importId));
    await deactivateUntouchedMembers(tx, programId, made.createdMemberIds, input.now);
    await forgetApplied(tx, programId, importId);
    await setImportState(tx, programId, importId, 'undone', input.now);
    await recordImportFinished(tx, current, 'undone', input.now);
  });
  return getImport(db, programId, importId);
}

function givesPoints(entry: Entry): boolean {
  return entry.delta.available + entry.delta.pending > 0 || entry.delta.growth > 0;
}

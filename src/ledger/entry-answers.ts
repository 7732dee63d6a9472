import type { Queryable } from '../db/database.ts';
import type { StoredAnswerForm } from '../idempotency/answer-book.ts';
import { ENTRY_COLUMNS, type EntryRow, toEntry } from './ledger-rows.ts';
import { entryView } from './ledger-views.ts';

/**
 * Answers kept for idempotent replays name the journal entries they showed instead of copying them.
 * A write's answer is mostly its entries' views (about 0.9 KB each: a credit's stored answer was
 * half of what the credit wrote), and the journal is append-only, so the entries a replay reads
 * back are the ones the first answer showed. Only the member id is read as it is now: a member
 * whose id was changed since is shown by the new id.
 *
 * Stored form: the answer with each item of its top-level `entries` replaced by the entry's id.
 * Answers stored whole (before this form, or without entries) are replayed as they are.
 */
export function answerToStore(body: unknown): unknown {
  if (!isRecord(body) || !Array.isArray(body.entries) || body.entries.length === 0) return body;
  const ids: string[] = [];
  for (const entry of body.entries) {
    if (!isRecord(entry) || typeof entry.id !== 'string') return body;
    ids.push(entry.id);
  }
  return { ...body, entries: ids };
}

/** The stored answers as first answered: entries named by id are read back as their views. */
export async function answersFromStore(
  db: Queryable,
  programId: string,
  bodies: readonly unknown[],
): Promise<unknown[]> {
  const wanted = new Set<string>();
  for (const body of bodies) for (const id of entryIdsOf(body) ?? []) wanted.add(id);
  if (wanted.size === 0) return [...bodies];
  const rows = await db.query<EntryRow>(
    `select ${ENTRY_COLUMNS} from entries where program_id = $1 and id = any($2::text[])`,
    [programId, [...wanted]],
  );
  const views = new Map(rows.map((row) => [row.id, entryView(toEntry(row))]));
  return bodies.map((body) => {
    const ids = entryIdsOf(body);
    if (!ids) return body;
    return {
      ...(body as Record<string, unknown>),
      entries: ids.map((id) => {
        const view = views.get(id);
        // Entries are never deleted: a stored answer naming one that is gone is a defect.
        if (!view) throw new Error(`stored answer names entry ${id}, which does not exist`);
        return view;
      }),
    };
  });
}

function entryIdsOf(body: unknown): string[] | null {
  if (!isRecord(body) || !Array.isArray(body.entries) || body.entries.length === 0) return null;
  return body.entries.every((entry) => typeof entry === 'string') ? (body.entries as string[]) : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The stored form of answers of writes that move points (`answer-book.ts`). */
export const ENTRY_ANSWERS: StoredAnswerForm = { toStore: answerToStore, fromStore: answersFromStore };

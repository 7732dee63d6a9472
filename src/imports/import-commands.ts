import type { Database } from '../db/database.ts';
import type { EntrySource } from '../ledger/ledger-types.ts';
import { JifenError } from '../shared/errors.ts';
import { mappingOf } from './column-mapping.ts';
import type { ImportCommitRunner } from './commit-runner.ts';
import { encodingOf } from './decode-text.ts';
import { getImport } from './import-store.ts';
import type { ImportKind } from './import-types.ts';
import { importView } from './import-views.ts';
import { stageImport } from './stage-import.ts';
import { undoImport } from './undo-import.ts';

/** The imports API's commands: each answers the import as `importView` shows it. */

export interface ImportUpload {
  kind: ImportKind;
  format?: 'csv' | 'jsonl' | undefined;
  content?: string | undefined;
  contentBase64?: string | undefined;
  encoding?: 'utf8' | 'gbk' | undefined;
  mapping?: Record<string, string> | undefined;
  fileName?: string | undefined;
}

/** A file sent in a request, checked as a dry run. */
export async function createImport(db: Database, programId: string, upload: ImportUpload, now: Date) {
  if ((upload.content === undefined) === (upload.contentBase64 === undefined)) {
    const message = 'give the file as content (text) or contentBase64 (bytes), one of them';
    throw new JifenError('validation_failed', {
      detail: `body ${message}`,
      extensions: { errors: [{ field: 'body', message }] },
    });
  }
  const bytes =
    upload.content !== undefined
      ? Buffer.from(upload.content, 'utf8')
      : Buffer.from(upload.contentBase64!, 'base64');
  const record = await stageImport(db, {
    programId,
    kind: upload.kind,
    fileName: upload.fileName ?? null,
    chunks: chunksOf(bytes),
    format: upload.format ?? 'csv',
    encoding: encodingOf(upload.content !== undefined ? 'utf8' : upload.encoding),
    mapping: mappingOf(upload.mapping),
    now,
  });
  return importView(db, record);
}

export async function readImport(db: Database, programId: string, importId: string) {
  return importView(db, await getImport(db, programId, importId));
}

/**
 * Commits in the background: answers the import as its commit starts (`committing`), after the
 * checks that refuse it at once (rows with errors, a state that cannot be committed). A commit
 * already running answers the import as it stands: one commit runs, whoever asks twice.
 */
export async function commitImportInBackground(
  db: Database,
  runner: ImportCommitRunner,
  programId: string,
  importId: string,
  input: { skipErrors?: boolean | undefined; source: EntrySource },
) {
  try {
    const record = await runner.start(programId, importId, {
      skipErrors: input.skipErrors ?? false,
      source: input.source,
    });
    return importView(db, record);
  } catch (error) {
    if (error instanceof JifenError && error.code === 'import_commit_running')
      return readImport(db, programId, importId);
    throw error;
  }
}

export async function undoImportCommand(
  db: Database,
  programId: string,
  importId: string,
  input: { now: Date; source: EntrySource },
) {
  return importView(db, await undoImport(db, { programId, importId, ...input }));
}

async function* chunksOf(bytes: Buffer): AsyncGenerator<Uint8Array> {
  const size = 256 * 1024;
  for (let start = 0; start < bytes.length; start += size) yield bytes.subarray(start, start + size);
}

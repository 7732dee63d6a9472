import { parseMapping } from '../../src/imports/column-mapping.ts';
import { commitImport } from '../../src/imports/commit-import.ts';
import type { ImportEncoding } from '../../src/imports/decode-text.ts';
import type { ImportKind, ImportRecord } from '../../src/imports/import-types.ts';
import type { ImportFormat } from '../../src/imports/read-records.ts';
import { stageImport } from '../../src/imports/stage-import.ts';
import { undoImport } from '../../src/imports/undo-import.ts';
import type { TestApi } from '../support/test-api.ts';

/** Imports for tests: a file's text (or bytes) staged as a dry run, then maybe committed. */

async function* chunksOf(bytes: Uint8Array, size = 7): AsyncGenerator<Uint8Array> {
  // Small chunks, so characters and rows are split across them as in a real stream.
  for (let start = 0; start < bytes.length; start += size) yield bytes.subarray(start, start + size);
}

export async function dryRun(
  api: TestApi,
  kind: ImportKind,
  file: string | Uint8Array,
  options: { format?: ImportFormat; encoding?: ImportEncoding; mapping?: string } = {},
): Promise<ImportRecord> {
  const bytes = typeof file === 'string' ? new TextEncoder().encode(file) : file;
  return stageImport(api.db, {
    programId: api.programId,
    kind,
    fileName: `${kind}.csv`,
    chunks: chunksOf(bytes),
    format: options.format ?? 'csv',
    encoding: options.encoding ?? 'utf8',
    mapping: parseMapping(options.mapping),
    now: api.clock.now(),
  });
}

export function commit(api: TestApi, importId: string, skipErrors = false): Promise<ImportRecord> {
  return commitImport(api.db, {
    programId: api.programId,
    importId,
    skipErrors,
    now: api.clock.now(),
    clock: api.clock,
    source: { kind: 'operator', ref: 'test' },
  });
}

export async function importFile(
  api: TestApi,
  kind: ImportKind,
  file: string,
  options: { skipErrors?: boolean; format?: ImportFormat } = {},
): Promise<ImportRecord> {
  const staged = await dryRun(api, kind, file, options);
  return commit(api, staged.id, options.skipErrors ?? false);
}

export function undo(api: TestApi, importId: string): Promise<ImportRecord> {
  return undoImport(api.db, {
    programId: api.programId,
    importId,
    now: api.clock.now(),
    source: { kind: 'operator', ref: 'test' },
  });
}

export interface EntryView {
  id: string;
  type: string;
  points: number;
  growth: number;
  change: { available: number; pending: number; growth: number };
  createdAt: string;
  effectiveAt: string;
  reversesEntryId: string | null;
}

export async function entriesOf(api: TestApi, memberId: string): Promise<EntryView[]> {
  const page = await api.call('GET', `/v1/members/${memberId}/entries?limit=200`);
  // Oldest first: the order they were recorded in.
  return [...page.body.data].reverse();
}

export async function balancesOf(api: TestApi, memberId: string) {
  return (await api.call('GET', `/v1/members/${memberId}`)).body.balances;
}

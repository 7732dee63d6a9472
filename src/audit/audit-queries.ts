import type { Queryable } from '../db/database.ts';
import { badCursor, cursorKey, type Page, toPage } from '../shared/pages.ts';
import type { ActorKind, AuditRecordView } from './audit-types.ts';
import { decryptPersonal, subjectKeys } from './subject-keys.ts';

export interface AuditFilter {
  actor?: string | undefined;
  actorKind?: ActorKind | undefined;
  /** An action, or a prefix ending in `.`. */
  action?: string | undefined;
  targetType?: string | undefined;
  targetId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  outcome?: number | undefined;
}

interface RecordRow {
  program_id: string;
  seq: string;
  id: string;
  at: Date;
  actor_kind: ActorKind;
  actor_id: string | null;
  role: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  request_id: string | null;
  outcome: number;
  summary: Record<string, unknown>;
  personal: Buffer | null;
  subject: string | null;
  record_hash: string;
}

function whereOf(programId: string, filter: AuditFilter, params: unknown[]): string {
  params.push(programId);
  const clauses = ['program_id = $1'];
  const add = (sql: (param: string) => string, value: unknown) => {
    params.push(value);
    clauses.push(sql(`$${params.length}`));
  };
  if (filter.actor !== undefined) add((p) => `actor_id = ${p}`, filter.actor);
  if (filter.actorKind !== undefined) add((p) => `actor_kind = ${p}`, filter.actorKind);
  if (filter.action !== undefined) {
    if (filter.action.endsWith('.')) add((p) => `starts_with(action, ${p})`, filter.action);
    else add((p) => `action = ${p}`, filter.action);
  }
  if (filter.targetType !== undefined) add((p) => `target_type = ${p}`, filter.targetType);
  if (filter.targetId !== undefined) add((p) => `target_id = ${p}`, filter.targetId);
  if (filter.from !== undefined) add((p) => `at >= ${p}`, filter.from.toISOString());
  if (filter.to !== undefined) add((p) => `at < ${p}`, filter.to.toISOString());
  if (filter.outcome !== undefined) add((p) => `outcome = ${p}`, filter.outcome);
  return clauses.join(' and ');
}

/** A page of a program's audit records, newest first, the personal part decrypted where its key lives. */
export async function listAuditRecords(
  db: Queryable,
  programId: string,
  filter: AuditFilter,
  page: { limit: number; cursor?: string | undefined },
): Promise<Page<AuditRecordView>> {
  const after = cursorKey(page.cursor);
  const params: unknown[] = [];
  let where = whereOf(programId, filter, params);
  if (after !== undefined) {
    if (!/^[0-9]{1,18}$/.test(after)) throw badCursor();
    params.push(after);
    where += ` and seq < $${params.length}::bigint`;
  }
  params.push(page.limit + 1);
  const rows = await db.query<RecordRow>(
    `select * from audit_records where ${where} order by seq desc limit $${params.length}`,
    params,
  );
  const views = await viewsOf(db, programId, rows);
  return toPage(
    views,
    page.limit,
    (view) => view,
    (view) => String(view.seq),
  );
}

/** Every record the filter matches, oldest first, in pages (the CSV export). */
export async function* eachAuditRecord(
  db: Queryable,
  programId: string,
  filter: AuditFilter,
  pageSize = 1_000,
): AsyncGenerator<AuditRecordView> {
  let after = 0;
  for (;;) {
    const params: unknown[] = [];
    const where = whereOf(programId, filter, params);
    params.push(after, pageSize);
    const rows = await db.query<RecordRow>(
      `select * from audit_records where ${where} and seq > $${params.length - 1}::bigint
        order by seq limit $${params.length}`,
      params,
    );
    for (const view of await viewsOf(db, programId, rows)) yield view;
    if (rows.length < pageSize) return;
    after = Number(rows.at(-1)!.seq);
  }
}

async function viewsOf(
  db: Queryable,
  programId: string,
  rows: readonly RecordRow[],
): Promise<AuditRecordView[]> {
  const keys = await subjectKeys(
    db,
    programId,
    rows.flatMap((row) => (row.subject === null ? [] : [row.subject])),
  );
  return rows.map((row) => {
    let personal: AuditRecordView['personal'] = null;
    if (row.personal !== null && row.subject !== null) {
      const key = keys.get(row.subject);
      personal = key
        ? (decryptPersonal(key, Buffer.from(row.personal), {
            programId: row.program_id,
            recordId: row.id,
            subject: row.subject,
          }) ?? 'erased')
        : 'erased';
    }
    return {
      id: row.id,
      seq: Number(row.seq),
      at: new Date(row.at).toISOString(),
      actor: { kind: row.actor_kind, id: row.actor_id, role: row.role },
      action: row.action,
      target: row.target_type === null ? null : { type: row.target_type, id: row.target_id },
      requestId: row.request_id,
      outcome: Number(row.outcome),
      summary: row.summary,
      personal,
      recordHash: row.record_hash,
    };
  });
}

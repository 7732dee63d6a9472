import type { WriteStatement } from '../db/combined-statements.ts';
import { awaitAtCommit } from '../db/commit-pipeline.ts';
import type { Queryable } from '../db/database.ts';
import { type SqlParam, sqlParams } from '../db/sql-params.ts';
import { newId } from '../shared/ids.ts';
import type { AuditEntry } from './audit-types.ts';
import { type HashedColumns, recordHash } from './record-hash.ts';
import { encryptPersonal, keyForRecord } from './subject-keys.ts';

/**
 * An audit record ready to be written: its personal part encrypted and its hash taken. Writing it
 * is one more part of a statement (`addAuditWrite`), so a command's record goes out in the same
 * statement as the change it records, and costs no statement of its own.
 */
export interface PreparedAuditRecord {
  readonly id: string;
  readonly columns: HashedColumns;
  readonly hash: string;
}

/**
 * Builds a record of `entry` (its subject's key is cached, so this usually sends nothing; see
 * subject-keys.ts). The hash leaves `seq` out (the seal binds it), so nothing has to come back
 * from the database before the record is written.
 */
export async function prepareAuditRecord(
  tx: Queryable,
  entry: AuditEntry,
  now: Date,
): Promise<PreparedAuditRecord> {
  const id = newId('aud', now.getTime());
  const subject = entry.personal === null ? null : entry.subject;
  const key = subject === null ? null : await keyForRecord(tx, entry.programId, subject, now);
  // A destroyed key (an erased subject) keeps no new personal data either.
  const personal =
    subject !== null && entry.personal !== null && key
      ? encryptPersonal(key, entry.personal, { programId: entry.programId, recordId: id, subject })
      : null;
  const columns: HashedColumns = {
    program_id: entry.programId,
    id,
    at: now,
    actor_kind: entry.actor.kind,
    actor_id: entry.actor.id,
    role: entry.actor.role,
    action: entry.action,
    target_type: entry.targetType,
    target_id: entry.targetId,
    request_id: entry.requestId,
    outcome: entry.outcome,
    // As stored and read back (jsonb): plain JSON, no undefined, dates as strings.
    summary: JSON.parse(JSON.stringify(entry.summary)) as unknown,
    personal,
    subject: personal === null ? null : subject,
  };
  return { id, columns, hash: recordHash(columns) };
}

/**
 * The record's insert as a part of a combined statement. Writers only insert: `seq` comes from a
 * sequence, so no writer waits for another; the chain is linked later by the sealer. The
 * transaction's id is taken before the seq (`pg_current_xact_id()` in the source row, read before
 * the row's `nextval`): the sealer relies on every transaction holding a seq having an id older
 * than its watermark.
 */
export function addAuditWrite(statement: WriteStatement, record: PreparedAuditRecord): void {
  statement.add(auditInsertSql(record, statement.param));
}

function auditInsertSql(record: PreparedAuditRecord, param: SqlParam): string {
  const c = record.columns;
  return `with xact as materialized (select pg_current_xact_id() as xid)
     insert into audit_records (program_id, seq, id, at, actor_kind, actor_id, role, action, target_type,
       target_id, request_id, outcome, summary, personal, subject, record_hash)
     select ${param(c.program_id, 'text')}, nextval('audit_records_seq'), ${param(c.id, 'text')},
       ${param(c.at.toISOString(), 'timestamptz')}, ${param(c.actor_kind, 'text')},
       ${param(c.actor_id, 'text')}, ${param(c.role, 'text')}, ${param(c.action, 'text')},
       ${param(c.target_type, 'text')}, ${param(c.target_id, 'text')}, ${param(c.request_id, 'text')},
       ${param(c.outcome, 'int4')}, ${param(JSON.stringify(c.summary), 'jsonb')},
       ${param(c.personal, 'bytea')}, ${param(c.subject, 'text')}, ${param(record.hash, 'text')}
       from xact`;
}

/**
 * Appends one audit record in the caller's transaction (the transaction of the change it
 * records), as a statement of its own that is not waited for until the transaction commits.
 */
export async function appendAudit(tx: Queryable, entry: AuditEntry, now: Date): Promise<{ id: string }> {
  const record = await prepareAuditRecord(tx, entry, now);
  const { params, param } = sqlParams();
  await awaitAtCommit(tx, tx.query(auditInsertSql(record, param), params));
  return { id: record.id };
}

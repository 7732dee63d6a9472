import { awaitAtCommit } from '../db/commit-pipeline.ts';
import type { Queryable } from '../db/database.ts';
import { newId } from '../shared/ids.ts';
import type { AuditEntry } from './audit-types.ts';
import { recordHash } from './record-hash.ts';
import { encryptPersonal, keyForRecord } from './subject-keys.ts';

/**
 * Appends one audit record in the caller's transaction (the transaction of the change it
 * records). Writers only insert: `seq` comes from a sequence, so no writer waits for another; the
 * chain is linked later by the sealer. One statement, not waited for until the transaction
 * commits (its key is cached: subject-keys.ts), and the hash leaves `seq` out (the seal binds it),
 * so nothing has to come back before the record is written.
 *
 * The transaction's id is taken before the seq (`pg_current_xact_id()` in the statement's
 * source row, read before the row's `nextval`): the sealer relies on every transaction holding a
 * seq having an id older than its watermark.
 */
export async function appendAudit(tx: Queryable, entry: AuditEntry, now: Date): Promise<{ id: string }> {
  const id = newId('aud', now.getTime());
  const subject = entry.personal === null ? null : entry.subject;
  const key = subject === null ? null : await keyForRecord(tx, entry.programId, subject, now);
  // A destroyed key (an erased subject) keeps no new personal data either.
  const personal =
    subject !== null && entry.personal !== null && key
      ? encryptPersonal(key, entry.personal, { programId: entry.programId, recordId: id, subject })
      : null;
  const columns = {
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
  const insert = tx.query(
    `with xact as materialized (select pg_current_xact_id() as xid)
     insert into audit_records (program_id, seq, id, at, actor_kind, actor_id, role, action, target_type,
       target_id, request_id, outcome, summary, personal, subject, record_hash)
     select $1, nextval('audit_records_seq'), $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb, $13, $14, $15
       from xact`,
    [
      columns.program_id,
      id,
      now.toISOString(),
      columns.actor_kind,
      columns.actor_id,
      columns.role,
      columns.action,
      columns.target_type,
      columns.target_id,
      columns.request_id,
      columns.outcome,
      JSON.stringify(columns.summary),
      columns.personal,
      columns.subject,
      recordHash(columns),
    ],
  );
  await awaitAtCommit(tx, insert);
  return { id };
}

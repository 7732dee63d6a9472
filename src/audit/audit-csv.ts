import type { AuditRecordView } from './audit-types.ts';

/**
 * Audit records as CSV (RFC 4180: CRLF lines, every field quoted, quotes doubled), for a
 * spreadsheet. A field that a spreadsheet would run as a formula (starting with =, +, -, @, a tab
 * or a carriage return) is prefixed with a single quote, so an actor's or member's text can never
 * execute in the reader's spreadsheet (CSV injection).
 */
export const AUDIT_CSV_COLUMNS = [
  'seq',
  'id',
  'at',
  'actor_kind',
  'actor_id',
  'role',
  'action',
  'target_type',
  'target_id',
  'request_id',
  'outcome',
  'summary',
  'personal',
  'record_hash',
] as const;

export function csvField(value: unknown): string {
  let text =
    value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return `"${text.replaceAll('"', '""')}"`;
}

export function csvLine(values: readonly unknown[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

export function auditCsvHeader(): string {
  return csvLine(AUDIT_CSV_COLUMNS);
}

export function auditCsvLine(record: AuditRecordView): string {
  return csvLine([
    String(record.seq),
    record.id,
    record.at,
    record.actor.kind,
    record.actor.id,
    record.actor.role,
    record.action,
    record.target?.type ?? null,
    record.target?.id ?? null,
    record.requestId,
    String(record.outcome),
    record.summary,
    record.personal,
    record.recordHash,
  ]);
}

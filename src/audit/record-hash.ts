import { createHash } from 'node:crypto';
import { canonicalJson } from '../idempotency/request-hash.ts';

/** A record's columns as stored, but `seq` (which the seal binds) and `record_hash`. */
export interface HashedColumns {
  program_id: string;
  id: string;
  at: Date;
  actor_kind: string;
  actor_id: string | null;
  role: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  request_id: string | null;
  outcome: number;
  summary: unknown;
  personal: Buffer | null;
  subject: string | null;
}

/**
 * SHA-256 over the canonical serialisation of a record: a JSON array of its columns in a fixed
 * order, `summary` with sorted keys (jsonb does not keep the order it was given), the ciphertext as
 * base64, `at` as an ISO instant (milliseconds, as written). Editing any column changes it.
 */
export function recordHash(columns: HashedColumns): string {
  const canonical = canonicalJson([
    'audit-record-v1',
    columns.program_id,
    columns.id,
    columns.at.toISOString(),
    columns.actor_kind,
    columns.actor_id,
    columns.role,
    columns.action,
    columns.target_type,
    columns.target_id,
    columns.request_id,
    columns.outcome,
    columns.summary,
    columns.personal === null ? null : columns.personal.toString('base64'),
    columns.subject,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

/** The hash a record before the first of its program's chain is linked to. */
export const GENESIS_HASH = '0'.repeat(64);

/** chain_hash = SHA-256(prev_hash ‖ seq ‖ record_hash, or `gap` for a seq no record kept). */
export function chainHash(
  prevHash: string,
  seq: bigint | number | string,
  recordHashOrGap: string | null,
): string {
  return createHash('sha256')
    .update(`${prevHash}:${String(seq)}:${recordHashOrGap ?? 'gap'}`)
    .digest('hex');
}

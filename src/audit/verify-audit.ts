import type { Database, Queryable } from '../db/database.ts';
import { chainHash, GENESIS_HASH, type HashedColumns, recordHash } from './record-hash.ts';
import { lastSealedSeq, sealWhatWasWritten } from './seal-audit.ts';

/**
 * `jifen audit verify`: seal what is final, then recompute every record's hash and every
 * program's chain, and name the first broken record. Why a record is broken:
 * - `edited`: its columns no longer hash to its stored hash, or its stored hash is not the one sealed;
 * - `missing`: its seal exists but the record does not (deleted);
 * - `reordered`: the record sealed at this seq is found at another seq;
 * - `unsealed`: a record below the sealed watermark that no seal covers (inserted afterwards);
 * - `seal_tampered`: a seal does not follow from the one before it.
 */
export type BreakReason = 'edited' | 'missing' | 'reordered' | 'unsealed' | 'seal_tampered';

export interface BrokenRecord {
  seq: number;
  id: string | null;
  reason: BreakReason;
  detail: string;
}

export interface ChainReport {
  programId: string;
  /** Records in the chain (sealed or not yet). */
  records: number;
  /** Seqs sealed in this chain (records and gaps). */
  sealed: number;
  gaps: number;
  /** The last seal: where a copy of the chain outside the database can be compared. */
  head: { seq: number; hash: string } | null;
  broken: BrokenRecord | null;
}

interface Row extends HashedColumns {
  seq: string;
  record_hash: string | null;
  seal_seq: string | null;
  gap: boolean | null;
  sealed_hash: string | null;
  prev_hash: string | null;
  chain_hash: string | null;
}

const PAGE = 2_000;

/** Seals what is final, then checks the chains of `programId` (every program when left out). */
export async function verifyAudit(db: Database, now: Date, programId?: string): Promise<ChainReport[]> {
  await sealWhatWasWritten(db, now);
  const programs = programId === undefined ? await chainNames(db) : [programId];
  const sealedThrough = await lastSealedSeq(db);
  const reports: ChainReport[] = [];
  for (const program of programs) reports.push(await verifyChain(db, program, sealedThrough));
  return reports;
}

async function chainNames(db: Queryable): Promise<string[]> {
  const rows = await db.query<{ program_id: string }>(
    `select program_id from audit_records union select program_id from audit_seals order by 1`,
  );
  return rows.map((row) => row.program_id);
}

export async function verifyChain(
  db: Queryable,
  programId: string,
  sealedThrough: number,
): Promise<ChainReport> {
  const report: ChainReport = { programId, records: 0, sealed: 0, gaps: 0, head: null, broken: null };
  let prev = GENESIS_HASH;
  let after = -1;
  const fail = (seq: number, id: string | null, reason: BreakReason, detail: string) => {
    report.broken ??= { seq, id, reason, detail };
  };
  for (;;) {
    const rows = await db.query<Row>(
      `select coalesce(r.seq, s.seq)::text as seq, r.program_id, r.id, r.at, r.actor_kind, r.actor_id, r.role,
              r.action, r.target_type, r.target_id, r.request_id, r.outcome, r.summary, r.personal, r.subject,
              r.record_hash, s.seq::text as seal_seq, s.gap, s.record_hash as sealed_hash, s.prev_hash, s.chain_hash
         from (select * from audit_records where program_id = $1 and seq > $2) r
         full join (select * from audit_seals where program_id = $1 and seq > $2) s on s.seq = r.seq
        order by coalesce(r.seq, s.seq) limit $3`,
      [programId, after, PAGE],
    );
    for (const row of rows) {
      const seq = Number(row.seq);
      const id = row.id ?? null;
      if (row.id !== null) report.records += 1;
      if (row.id !== null && row.record_hash !== recordHash(columnsOf(row))) {
        fail(seq, id, 'edited', `the record ${id} at seq ${seq} no longer matches its hash`);
      }
      if (row.seal_seq === null) {
        if (seq <= sealedThrough)
          fail(
            seq,
            id,
            'unsealed',
            `the record ${id} at seq ${seq} is below the sealed seq ${sealedThrough} but no seal covers it`,
          );
        continue;
      }
      report.sealed += 1;
      if (row.gap) report.gaps += 1;
      if (row.prev_hash !== prev || row.chain_hash !== chainHash(prev, seq, row.sealed_hash)) {
        fail(seq, id, 'seal_tampered', `the seal of seq ${seq} does not follow from the seal before it`);
      }
      prev = row.chain_hash ?? prev;
      report.head = { seq, hash: prev };
      if (row.gap) {
        if (row.id !== null)
          fail(seq, id, 'edited', `seq ${seq} was sealed as a gap, yet holds the record ${id}`);
        continue;
      }
      if (row.id === null) {
        fail(seq, null, 'missing', `the record sealed at seq ${seq} is missing (deleted)`);
      } else if (row.record_hash !== row.sealed_hash) {
        const elsewhere = report.broken ? undefined : await sealedSeqOf(db, programId, row.record_hash);
        if (elsewhere !== undefined && elsewhere !== seq) {
          fail(seq, id, 'reordered', `the record ${id} at seq ${seq} was sealed at seq ${elsewhere}`);
        } else {
          fail(seq, id, 'edited', `the record ${id} at seq ${seq} is not the record that was sealed there`);
        }
      }
    }
    if (rows.length < PAGE) return report;
    after = Number(rows.at(-1)!.seq);
  }
}

/** Where a record hash was sealed in the chain (to tell a moved record from an edited one). */
async function sealedSeqOf(
  db: Queryable,
  programId: string,
  hash: string | null,
): Promise<number | undefined> {
  const [row] = await db.query<{ seq: string }>(
    `select seq::text as seq from audit_seals where program_id = $1 and record_hash = $2 limit 1`,
    [programId, hash],
  );
  return row ? Number(row.seq) : undefined;
}

function columnsOf(row: Row): HashedColumns {
  return {
    program_id: row.program_id,
    id: row.id,
    at: new Date(row.at),
    actor_kind: row.actor_kind,
    actor_id: row.actor_id,
    role: row.role,
    action: row.action,
    target_type: row.target_type,
    target_id: row.target_id,
    request_id: row.request_id,
    outcome: Number(row.outcome),
    summary: row.summary,
    personal: row.personal === null ? null : Buffer.from(row.personal),
    subject: row.subject,
  };
}

/** Every chain's last seal (what the log keeps a copy of). */
export async function chainHeads(db: Queryable): Promise<{ programId: string; seq: number; hash: string }[]> {
  const rows = await db.query<{ program_id: string; seq: string; chain_hash: string }>(
    `select distinct on (program_id) program_id, seq::text as seq, chain_hash from audit_seals
      order by program_id, seq desc`,
  );
  return rows.map((row) => ({ programId: row.program_id, seq: Number(row.seq), hash: row.chain_hash }));
}

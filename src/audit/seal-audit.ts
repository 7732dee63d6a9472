import type { Database, Queryable } from '../db/database.ts';
import { DEPLOYMENT_CHAIN } from './audit-types.ts';
import { chainHash, GENESIS_HASH } from './record-hash.ts';

/**
 * The sealer links audit records into one chain per program, in seq order, in the append-only
 * `audit_seals`. Writers never touch it, so the chain never serialises them; instead the sealer
 * may only seal a prefix of seqs it knows to be final, never skipping one still inside a
 * transaction in flight.
 *
 * PostgreSQL: a pass notes the sequence's value S and then the current snapshot's xmax X (the
 * watermark). Every transaction holding a seq ≤ S took its transaction id before its seq
 * (append-audit.ts), so its id is below X. A later pass that sees the oldest transaction still
 * running (the snapshot's xmin) at or past X knows each of them has ended: every seq ≤ S is
 * committed and visible, or was rolled back for good, and is sealed, a missing one as a gap.
 * PGlite has one connection: when the sealer runs nothing else is in flight, so all is final.
 *
 * Sealers are serialised by an advisory lock (held by the sealer only, never by writers).
 */
const SEALER_LOCK = 'jifen.audit.sealer';
const SEALS_PER_PASS = 5_000;

export interface SealPass {
  /** Seqs sealed by this pass (records and gaps). */
  sealed: number;
  /** Highest seq sealed so far (0: none). */
  sealedThrough: number;
  /** False when another sealer held the lock. */
  ran: boolean;
}

export async function sealAudit(db: Database, now: Date): Promise<SealPass> {
  let total = 0;
  // A first pass may only note a watermark; the second then seals what was committed before it
  // when nothing older is still running. Full passes go on until the backlog is sealed.
  for (let pass = 1; ; pass++) {
    const done = await db.transaction((tx) => sealOnce(tx, db.engine, now));
    total += done.sealed;
    const more = done.sealed === SEALS_PER_PASS || (pass === 1 && done.sealed === 0 && done.ran);
    if (!more || pass > 1_000) return { ...done, sealed: total };
  }
}

async function sealOnce(tx: Queryable, engine: Database['engine'], now: Date): Promise<SealPass> {
  const [lock] = await tx.query<{ ok: boolean }>(`select pg_try_advisory_xact_lock(hashtext($1)) as ok`, [
    SEALER_LOCK,
  ]);
  const sealedThrough = await lastSealedSeq(tx);
  if (!lock?.ok) return { sealed: 0, sealedThrough, ran: false };
  const finalThrough = engine === 'pglite' ? await sequenceValue(tx) : await finalSeq(tx, now);
  const upto = Math.min(finalThrough, sealedThrough + SEALS_PER_PASS);
  if (upto <= sealedThrough) return { sealed: 0, sealedThrough, ran: true };
  const records = await tx.query<{ program_id: string; seq: string; record_hash: string }>(
    `select program_id, seq::text as seq, record_hash from audit_records
      where seq > $1 and seq <= $2 order by seq`,
    [sealedThrough, upto],
  );
  const bySeq = new Map(records.map((row) => [Number(row.seq), row]));
  const programs = [...new Set([...records.map((row) => row.program_id), DEPLOYMENT_CHAIN])];
  const heads = await chainHeads(tx, programs);
  const rows: {
    program: string;
    seq: number;
    gap: boolean;
    record: string | null;
    prev: string;
    chain: string;
  }[] = [];
  for (let seq = sealedThrough + 1; seq <= upto; seq++) {
    const record = bySeq.get(seq);
    const program = record?.program_id ?? DEPLOYMENT_CHAIN;
    const prev = heads.get(program) ?? GENESIS_HASH;
    const hash = record?.record_hash ?? null;
    const chain = chainHash(prev, seq, hash);
    heads.set(program, chain);
    rows.push({ program, seq, gap: record === undefined, record: hash, prev, chain });
  }
  await tx.query(
    `insert into audit_seals (program_id, seq, gap, record_hash, prev_hash, chain_hash, sealed_at)
     select program_id, seq, gap, record_hash, prev_hash, chain_hash, $7
       from unnest($1::text[], $2::bigint[], $3::boolean[], $4::text[], $5::text[], $6::text[])
         as s(program_id, seq, gap, record_hash, prev_hash, chain_hash)`,
    [
      rows.map((row) => row.program),
      rows.map((row) => row.seq),
      rows.map((row) => row.gap),
      rows.map((row) => row.record),
      rows.map((row) => row.prev),
      rows.map((row) => row.chain),
      now.toISOString(),
    ],
  );
  return { sealed: rows.length, sealedThrough: upto, ran: true };
}

/**
 * Seals until every seq taken before the call is sealed, or `timeoutMs` has passed (a transaction
 * still open anywhere in the cluster holds the watermark back: PostgreSQL's transaction ids are
 * the cluster's). Verify uses it, so that what was written before it is checked whole.
 */
export async function sealWhatWasWritten(db: Database, now: Date, timeoutMs = 2_000): Promise<SealPass> {
  const target = await sequenceValue(db);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pass = await sealAudit(db, now);
    if (pass.sealedThrough >= target || Date.now() >= deadline) return pass;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function lastSealedSeq(db: Queryable): Promise<number> {
  const [row] = await db.query<{ seq: string | null }>(`select max(seq)::text as seq from audit_seals`);
  return row?.seq ? Number(row.seq) : 0;
}

async function sequenceValue(tx: Queryable): Promise<number> {
  const [row] = await tx.query<{ seq: string }>(
    `select (case when is_called then last_value else 0 end)::text as seq from audit_records_seq`,
  );
  return Number(row!.seq);
}

/**
 * The highest seq known final (see above), and a new watermark for a later pass. The sequence is
 * read in a statement before the snapshot's xmax, so every holder of a seq it counts started
 * before that xmax.
 */
async function finalSeq(tx: Queryable, now: Date): Promise<number> {
  const [mark] = await tx.query<{ seq_upto: string; xmax: string }>(
    `select seq_upto::text as seq_upto, snapshot_xmax as xmax from audit_watermarks where id = 1`,
  );
  const seqNow = await sequenceValue(tx);
  const [snapshot] = await tx.query<{ xmin: string; xmax: string }>(
    `select pg_snapshot_xmin(pg_current_snapshot())::text as xmin,
            pg_snapshot_xmax(pg_current_snapshot())::text as xmax`,
  );
  const xmin = BigInt(snapshot!.xmin);
  let final = 0;
  if (mark && xmin >= BigInt(mark.xmax)) final = Number(mark.seq_upto);
  // A new watermark once the old one is used up (or there is none): a later pass seals up to it.
  if (!mark || final === Number(mark.seq_upto)) {
    await tx.query(
      `insert into audit_watermarks (id, seq_upto, snapshot_xmax, noted_at) values (1, $1, $2, $3)
       on conflict (id) do update
         set seq_upto = excluded.seq_upto, snapshot_xmax = excluded.snapshot_xmax, noted_at = excluded.noted_at`,
      [seqNow, snapshot!.xmax, now.toISOString()],
    );
  }
  return final;
}

/** The last chain hash of each of these programs (absent: the chain has not begun). */
async function chainHeads(tx: Queryable, programs: readonly string[]): Promise<Map<string, string>> {
  const rows = await tx.query<{ program_id: string; chain_hash: string }>(
    `select distinct on (program_id) program_id, chain_hash from audit_seals
      where program_id = any($1::text[]) order by program_id, seq desc`,
    [programs],
  );
  return new Map(rows.map((row) => [row.program_id, row.chain_hash]));
}

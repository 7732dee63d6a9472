import type { ChainReport } from '../audit/verify-audit.ts';
import { verifyAudit } from '../audit/verify-audit.ts';
import type { Database } from '../db/database.ts';
import { systemClock } from '../shared/clock.ts';
import { withDatabase } from './cli-database.ts';
import { DATABASE_FLAGS, parse, UsageError } from './options.ts';

/**
 * `jifen audit verify [--program prg_...]`: seals what is final, recomputes every record's hash and
 * every chain; prints each chain's count and head (and logs nothing else), exits 1 naming the first
 * broken record of each broken chain.
 */
export async function auditCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'verify') throw new UsageError('usage: jifen audit verify [--program prg_...]');
  const { values } = parse(rest, { ...DATABASE_FLAGS, program: { type: 'string' } });
  return withDatabase(values, async (db) => printAuditVerification(db, values.program));
}

/** Verifies and prints; 0 when every chain holds (also used by `jifen verify`). */
export async function printAuditVerification(db: Database, programId?: string): Promise<number> {
  const reports = await verifyAudit(db, systemClock.now(), programId);
  for (const report of reports) printReport(report);
  const broken = reports.filter((report) => report.broken !== null);
  if (broken.length > 0) {
    console.error(`audit: ${broken.length} of ${reports.length} chain(s) broken`);
    return 1;
  }
  console.log(`audit: ${reports.length} chain(s) hold`);
  return 0;
}

function printReport(report: ChainReport): void {
  const head = report.head ? `head seq ${report.head.seq} ${report.head.hash}` : 'no seal yet';
  const counts = `${report.records} records, ${report.sealed} sealed (${report.gaps} gaps)`;
  if (report.broken === null) {
    console.log(`audit ${report.programId}: ${counts}; ${head}`);
    return;
  }
  const { seq, id, reason, detail } = report.broken;
  console.error(`BROKEN audit ${report.programId} seq ${seq} ${id ?? '(no record)'}: ${reason}: ${detail}`);
}

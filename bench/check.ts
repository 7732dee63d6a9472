import type { Database } from '../src/db/database.ts';
import { verifyLedger } from '../src/verify/verify-ledger.ts';
import type { VerifyFigures } from './report.ts';
import { nowMs, round } from './stats.ts';

/**
 * `jifen verify` on the store the scenario wrote, plus a bench-level check: the points the bench
 * saw credited (minus those captured from holds) are exactly what the members hold.
 */
export async function verifyStore(
  db: Database,
  label: string,
  expectedPoints: number,
): Promise<{ figures: VerifyFigures; failure: string | null }> {
  const started = nowMs();
  const { checks, violations } = await verifyLedger(db);
  const [row] = await db.query<{ points: string | number | null }>(
    'select sum(available_points + held_points + pending_points)::int8 as points from members',
  );
  const storedPoints = Number(row?.points ?? 0);
  const figures = {
    checks,
    violations: violations.length,
    expectedPoints,
    storedPoints,
    seconds: round((nowMs() - started) / 1000),
  };
  if (violations.length === 0 && storedPoints === expectedPoints) return { figures, failure: null };
  for (const v of violations.slice(0, 20))
    console.error(`  VIOLATION ${v.invariant} program=${v.programId} ${v.subject}: ${v.detail}`);
  return {
    figures,
    failure: `${label}: verify found ${violations.length} violation(s); members hold ${storedPoints} points, the bench credited net ${expectedPoints}`,
  };
}

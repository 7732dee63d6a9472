import type { Database } from '../db/database.ts';
import { getProgram } from '../programs/program-store.ts';
import type { Clock } from '../shared/clock.ts';
import {
  evaluateTier,
  nextEvaluation,
  periodKey,
  rankOf,
  tierByCode,
  windowStart,
} from './tier-decisions.ts';
import { tierReasons } from './tier-reasons.ts';
import {
  currentTierConfig,
  growthInWindow,
  insertTierHistory,
  loadMemberTiers,
  type MemberTier,
  saveMemberTiers,
  type TierChange,
} from './tier-store.ts';

/**
 * Tier evaluation and the end of manual assignments, as sweeps like the others: a lock-free query
 * finds members whose evaluation (or assignment) is due, each batch locks them with SKIP LOCKED and
 * re-reads them under the lock. An evaluation writes a history row keyed by the member and the
 * evaluation's date (unique), and moves next_evaluation_at past it in the same transaction: never
 * twice for one member and period, safe with several servers, resumable after a crash.
 */

export interface TierSweepResult {
  evaluated: number;
  downgraded: number;
  manualEnded: number;
}

export async function runTierSweeps(db: Database, clock: Clock, batchSize = 1000): Promise<TierSweepResult> {
  const result: TierSweepResult = { evaluated: 0, downgraded: 0, manualEnded: 0 };
  for (const kind of ['manual', 'evaluation'] as const) {
    for (;;) {
      const now = clock.now();
      const due = await db.query<{ program_id: string; member_id: string }>(
        kind === 'manual'
          ? 'select program_id, member_id from member_tiers where manual_until <= $1 order by manual_until limit $2'
          : `select program_id, member_id from member_tiers where next_evaluation_at <= $1
              order by next_evaluation_at limit $2`,
        [now.toISOString(), batchSize],
      );
      if (due.length === 0) break;
      let progressed = 0;
      for (const [programId, memberIds] of byProgram(due)) {
        const done = await sweepBatch(db, now, kind, programId, memberIds);
        progressed += done.changed;
        result.evaluated += done.evaluated;
        result.downgraded += done.downgraded;
        result.manualEnded += done.manualEnded;
      }
      // Everything due was locked by another sweeper, which is doing it: leave it to them.
      if (progressed === 0) break;
    }
  }
  return result;
}

async function sweepBatch(
  db: Database,
  now: Date,
  kind: 'manual' | 'evaluation',
  programId: string,
  memberIds: string[],
) {
  const program = await getProgram(db, programId);
  return db.transaction(async (tx) => {
    const done = { changed: 0, evaluated: 0, downgraded: 0, manualEnded: 0 };
    const current = await currentTierConfig(tx, programId);
    const locked = await tx.query<{ member_id: string }>(
      `select m.member_id from members m join member_tiers t using (program_id, member_id)
        where m.program_id = $1 and m.member_id = any($2::text[])
        order by m.member_id for update of m, t skip locked`,
      [programId, memberIds],
    );
    if (!current || locked.length === 0) return done;
    const { config, version } = current;
    const rows = await loadMemberTiers(
      tx,
      programId,
      locked.map((row) => row.member_id),
    );
    const saved: MemberTier[] = [];
    const changes: TierChange[] = [];
    const change = (row: MemberTier, fields: Omit<TierChange, 'memberId' | 'configVersion' | 'actor'>) =>
      changes.push({ memberId: row.memberId, configVersion: version, actor: null, ...fields });

    if (kind === 'manual') {
      for (const row of rows.values()) {
        if (!row.manualUntil || row.manualUntil > now || !row.manualTier) continue;
        const from = tierByCode(config, row.manualTier);
        const to = tierByCode(config, row.earnedTier);
        change(row, {
          kind: 'manual_ended',
          fromTier: from.code,
          toTier: to.code,
          growthInWindow: null,
          period: null,
          reason: tierReasons.manualEnded(from, to),
        });
        row.manualTier = null;
        row.manualUntil = null;
        saved.push(row);
        done.manualEnded++;
      }
    } else {
      // Each member is judged on the window that ends at their own evaluation instant; members
      // evaluated at the same instant (every member, at a period end) share one query.
      const due = [...rows.values()].filter((row) => row.nextEvaluationAt && row.nextEvaluationAt <= now);
      const growthOf = new Map<string, number>();
      for (const group of groupByInstant(due)) {
        const at = group[0]!.nextEvaluationAt!;
        const start = windowStart(config, at, program.timezone);
        const ids = group.map((row) => row.memberId);
        for (const [memberId, growth] of await growthInWindow(tx, programId, ids, start, at)) {
          growthOf.set(memberId, growth);
        }
      }
      for (const row of due) {
        const at = row.nextEvaluationAt!;
        const period = periodKey(at, program.timezone);
        const growth = growthOf.get(row.memberId) ?? 0;
        const from = tierByCode(config, row.earnedTier);
        const decision = evaluateTier(config, row.earnedTier, growth, row.retainedFor === period);
        change(row, {
          kind: decision.kind,
          fromTier: from.code,
          toTier: decision.tier.code,
          growthInWindow: growth,
          period,
          reason: tierReasons.evaluation(decision.kind, from, decision.tier, growth),
        });
        if (decision.tier.code !== row.earnedTier) row.since = at;
        row.earnedTier = decision.tier.code;
        row.floorTier = decision.tier.code;
        row.retainedFor = null;
        // The first tier has nothing to lose: no more evaluations until the member climbs again.
        row.nextEvaluationAt =
          rankOf(config, row.earnedTier) === 0
            ? null
            : nextEvaluation(config, row.since, at, program.timezone);
        saved.push(row);
        done.evaluated++;
        if (decision.kind === 'downgrade') done.downgraded++;
      }
    }
    await saveMemberTiers(tx, programId, saved, now);
    await insertTierHistory(tx, programId, changes, now);
    done.changed = saved.length;
    return done;
  });
}

function groupByInstant(rows: readonly MemberTier[]): MemberTier[][] {
  const groups = new Map<number, MemberTier[]>();
  for (const row of rows) {
    const at = row.nextEvaluationAt!.getTime();
    const group = groups.get(at);
    if (group) group.push(row);
    else groups.set(at, [row]);
  }
  return [...groups.values()];
}

function byProgram(rows: readonly { program_id: string; member_id: string }[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const row of rows) {
    const group = groups.get(row.program_id);
    if (group) group.push(row.member_id);
    else groups.set(row.program_id, [row.member_id]);
  }
  return groups;
}

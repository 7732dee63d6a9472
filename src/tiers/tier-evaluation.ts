import type { Database, Queryable } from '../db/database.ts';
import { growthInWindow } from '../ledger/ledger-queries.ts';
import { type MemberKey, MemberKeys } from '../members/member-key.ts';
import { lockFreeMembers } from '../members/member-store.ts';
import { getProgram } from '../programs/program-store.ts';
import type { Clock } from '../shared/clock.ts';
import {
  evaluateTier,
  evaluationWindowStart,
  nextEvaluation,
  periodKey,
  rankOf,
  tierByCode,
} from './tier-decisions.ts';
import { tierReasons } from './tier-reasons.ts';
import {
  insertTierHistory,
  MEMBER_TIER_COLUMNS,
  type MemberTier,
  type MemberTierRow,
  readTierConfig,
  toMemberTier,
  updateMemberTiers,
} from './tier-store.ts';
import type { TierChange, TierConfigVersion } from './tier-types.ts';

/**
 * Tier evaluation and the end of manual assignments, as sweeps like the others. Each batch is one
 * transaction that takes the members whose evaluation (or assignment) is due and locks them — the
 * member and tier rows — with SKIP LOCKED, so several servers split the work and none waits on
 * another. An evaluation writes a history row keyed by the member and the evaluation's date
 * (unique) and moves next_evaluation_at past it in the same transaction: never twice for one member
 * and period, and a crash rolls back the batch for the next pass to redo.
 */

export interface TierSweepResult {
  evaluated: number;
  downgraded: number;
  manualEnded: number;
}

type SweepKind = 'manual' | 'evaluation';

/** What makes a tier row due ($1: now), and the order due rows are taken in. */
const DUE: Record<SweepKind, { where: string; order: string }> = {
  manual: { where: 't.manual_until <= $1', order: 't.manual_until' },
  evaluation: { where: 't.next_evaluation_at <= $1', order: 't.next_evaluation_at' },
};

const TIER_COLUMNS = MEMBER_TIER_COLUMNS.split(', ')
  .map((column) => `t.${column}`)
  .join(', ');

export async function runTierSweeps(db: Database, clock: Clock, batchSize = 1000): Promise<TierSweepResult> {
  const result: TierSweepResult = { evaluated: 0, downgraded: 0, manualEnded: 0 };
  for (const kind of ['manual', 'evaluation'] as const) {
    for (;;) {
      const done = await db.transaction((tx) => sweepBatch(tx, clock.now(), kind, batchSize));
      result.evaluated += done.evaluated;
      result.downgraded += done.downgraded;
      result.manualEnded += done.manualEnded;
      // Nothing due, or everything due is locked by others (another sweeper, or a credit whose
      // member will be looked at again on the next pass).
      if (done.members === 0) break;
    }
  }
  return result;
}

async function sweepBatch(tx: Queryable, now: Date, kind: SweepKind, batchSize: number) {
  const done = { members: 0, evaluated: 0, downgraded: 0, manualEnded: 0 };
  for (const [programId, { tiers, members }] of await takeDue(tx, now, kind, batchSize)) {
    done.members += tiers.length;
    const changed =
      kind === 'manual'
        ? await endAssignments(tx, programId, tiers, members, now)
        : await evaluate(tx, programId, tiers, members, now);
    done.evaluated += changed.evaluated;
    done.downgraded += changed.downgraded;
    done.manualEnded += changed.manualEnded;
  }
  return done;
}

/**
 * Up to `batchSize` due tier rows, in due order, whose tier row and member row this transaction
 * locked, by program, with the members' ids (for the messages). A page of due tier rows is locked SKIP LOCKED (another sweeper's are skipped,
 * so sweepers split the work), then their members' rows, the lock every change to a member takes
 * first, through the members (`lockFreeMembers`, also SKIP LOCKED). A member another transaction
 * holds (a command on them) is left for the next pass and kept out of the next page, which fills
 * the batch from further down; its tier row stays locked here until the batch commits, and the
 * command, which has not written it, at most waits for that.
 */
async function takeDue(
  tx: Queryable,
  now: Date,
  kind: SweepKind,
  batchSize: number,
): Promise<Map<string, { tiers: MemberTier[]; members: MemberKeys }>> {
  const taken = new Map<string, { tiers: MemberTier[]; members: MemberKeys }>();
  let count = 0;
  // The rows of the pages before: this transaction's own locks do not make SKIP LOCKED skip them.
  const seen = { programIds: [] as string[], memberKeys: [] as MemberKey[] };
  for (;;) {
    const wanted = batchSize - count;
    const rows = await tx.query<MemberTierRow & { program_id: string }>(
      `select t.program_id, ${TIER_COLUMNS} from member_tiers t
        where ${DUE[kind].where}
          and (t.program_id, t.member_key) not in (select * from unnest($3::text[], $4::text[]))
        order by ${DUE[kind].order} limit $2
          for update of t skip locked`,
      [now.toISOString(), wanted, seen.programIds, seen.memberKeys],
    );
    for (const [programId, tiers] of byProgram(rows)) {
      const locked = await lockFreeMembers(
        tx,
        programId,
        tiers.map((tier) => tier.memberKey),
      );
      const group = taken.get(programId) ?? { tiers: [], members: new MemberKeys() };
      for (const tier of tiers) {
        seen.programIds.push(programId);
        seen.memberKeys.push(tier.memberKey);
        const memberId = locked.findId(tier.memberKey);
        if (memberId !== undefined) {
          group.tiers.push(tier);
          group.members.add({ memberId, memberKey: tier.memberKey });
          count++;
        }
      }
      if (group.tiers.length > 0) taken.set(programId, group);
    }
    if (rows.length < wanted || count >= batchSize) return taken;
  }
}

async function endAssignments(
  tx: Queryable,
  programId: string,
  rows: MemberTier[],
  members: MemberKeys,
  now: Date,
) {
  const done = { evaluated: 0, downgraded: 0, manualEnded: 0 };
  const current = await readTierConfig(tx, programId);
  if (!current) return done;
  const { config, version } = current;
  const changes: TierChange[] = [];
  for (const row of rows) {
    const from = tierByCode(config, row.manualTier ?? row.earnedTier);
    const to = tierByCode(config, row.earnedTier);
    changes.push({
      memberId: members.idOf(row.memberKey),
      memberKey: row.memberKey,
      kind: 'manual_ended',
      fromTier: from.code,
      toTier: to.code,
      growthInWindow: null,
      period: null,
      configVersion: version,
      reason: tierReasons.manualEnded(from, to),
      actor: null,
    });
    row.manualTier = null;
    row.manualUntil = null;
    done.manualEnded++;
  }
  await updateMemberTiers(tx, programId, rows, now);
  await insertTierHistory(tx, programId, changes, now, current);
  return done;
}

/**
 * Each member is judged on the window that ends at their own evaluation instant; members evaluated
 * at the same instant (every member, at a period end) share one growth query.
 */
async function evaluate(
  tx: Queryable,
  programId: string,
  rows: MemberTier[],
  members: MemberKeys,
  now: Date,
) {
  const done = { evaluated: 0, downgraded: 0, manualEnded: 0 };
  const current = await readTierConfig(tx, programId);
  if (!current) return done;
  const { config } = current;
  const { timezone } = await getProgram(tx, programId);
  const growthOf = new Map<MemberKey, number>();
  for (const group of groupByInstant(rows)) {
    const at = group[0]!.nextEvaluationAt!;
    const keys = group.map((row) => row.memberKey);
    for (const [memberKey, growth] of await growthInWindow(
      tx,
      programId,
      keys,
      evaluationWindowStart(config, at, timezone),
      at,
    )) {
      growthOf.set(memberKey, growth);
    }
  }
  const changes = rows.map((row) =>
    evaluateMember(current, timezone, row, growthOf.get(row.memberKey) ?? 0, members.idOf(row.memberKey)),
  );
  done.evaluated = changes.length;
  done.downgraded = changes.filter((change) => change.kind === 'downgrade').length;
  await updateMemberTiers(tx, programId, rows, now);
  await insertTierHistory(tx, programId, changes, now, current);
  return done;
}

/**
 * One member's evaluation at `row.nextEvaluationAt`, on the growth of the window that ends there:
 * the history row it writes, with the member's tier row brought up to date (the next evaluation
 * counts from this one, so anniversaries do not drift). `memberId`: the member's id, for the message.
 */
export function evaluateMember(
  current: TierConfigVersion,
  timezone: string,
  row: MemberTier,
  growth: number,
  memberId: string,
): TierChange {
  const { config, version } = current;
  const at = row.nextEvaluationAt!;
  const period = periodKey(at, timezone);
  const from = tierByCode(config, row.earnedTier);
  const decision = evaluateTier(config, row.earnedTier, growth, row.retainedFor === period);
  row.since = at;
  row.earnedTier = decision.tier.code;
  row.floorTier = decision.tier.code;
  row.retainedFor = null;
  // The first tier has nothing to lose: no more evaluations until the member climbs again.
  row.nextEvaluationAt =
    rankOf(config, row.earnedTier) === 0 ? null : nextEvaluation(config, at, at, timezone);
  return {
    memberId,
    memberKey: row.memberKey,
    kind: decision.kind,
    fromTier: from.code,
    toTier: decision.tier.code,
    growthInWindow: growth,
    period,
    configVersion: version,
    reason: tierReasons.evaluation(decision.kind, from, decision.tier, growth),
    actor: null,
  };
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

function byProgram(rows: readonly (MemberTierRow & { program_id: string })[]): Map<string, MemberTier[]> {
  const groups = new Map<string, MemberTier[]>();
  for (const row of rows) {
    const group = groups.get(row.program_id);
    if (group) group.push(toMemberTier(row));
    else groups.set(row.program_id, [toMemberTier(row)]);
  }
  return groups;
}

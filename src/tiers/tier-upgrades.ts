import type { Queryable } from '../db/database.ts';
import type { LedgerDraft } from '../ledger/ledger-draft.ts';
import {
  evaluationWindowStart,
  nextEvaluation,
  qualifiedTier,
  rankOf,
  tierByCode,
  windowStart,
} from './tier-decisions.ts';
import { evaluateMember } from './tier-evaluation.ts';
import { tierReasons } from './tier-reasons.ts';
import {
  growthInWindow,
  insertTierHistory,
  loadMemberTiers,
  type MemberTier,
  readTierConfig,
  saveMemberTiers,
  type TierChange,
  type TierConfigVersion,
} from './tier-store.ts';

/**
 * Upgrades in the same transaction as the growth that earns them (SPEC §3.3): after a command has
 * decided, for every member whose growth it changed, the growth in the current window (the journal
 * plus the draft) is compared with the tiers; reaching a higher tier's entry upgrades at once. An
 * evaluation already due for the member (the sweep has not reached it yet) is done first, on its own
 * window, so growth earned after it never changes what it decides. A refund that drops growth below
 * the tier undoes an upgrade only where the program says so, and never below the tier kept at the
 * last evaluation. Runs under the members' locks, before the draft is written.
 */
export async function applyTierChanges(
  tx: Queryable,
  programId: string,
  draft: LedgerDraft,
  /** The configuration the caller already read under the lock, if it did. */
  preloaded?: TierConfigVersion | null,
): Promise<void> {
  const deltas = new Map<string, number>();
  for (const entry of draft.entries) {
    if (entry.delta.growth !== 0)
      deltas.set(entry.memberId, (deltas.get(entry.memberId) ?? 0) + entry.delta.growth);
  }
  if (deltas.size === 0) return;
  const current = preloaded === undefined ? await readTierConfig(tx, programId) : preloaded;
  if (!current) return;
  const { config, version } = current;
  const now = draft.now;
  const { timezone } = draft.settings;
  const memberIds = [...deltas.keys()];
  const rows = await loadMemberTiers(tx, programId, memberIds);
  const changes: TierChange[] = await catchUpEvaluations(
    tx,
    programId,
    current,
    timezone,
    [...rows.values()],
    now,
  );
  const start = windowStart(config, now, timezone);
  const earned = await growthInWindow(tx, programId, memberIds, start, new Date(now.getTime() + 1));
  const first = config.tiers[0]!.code;
  const saved = new Set<MemberTier>(changes.map((change) => rows.get(change.memberId)!));
  for (const memberId of memberIds) {
    const delta = deltas.get(memberId) ?? 0;
    // The draft's entries are not in the journal yet.
    const inWindow = (earned.get(memberId) ?? 0) + delta;
    const row: MemberTier = rows.get(memberId) ?? {
      memberId,
      earnedTier: first,
      since: now,
      floorTier: first,
      manualTier: null,
      manualUntil: null,
      retainedFor: null,
      nextEvaluationAt: null,
    };
    const qualified = qualifiedTier(config, inWindow);
    const from = tierByCode(config, row.earnedTier);
    const fromRank = rankOf(config, row.earnedTier);
    const toRank = rankOf(config, qualified.code);
    const change = (kind: TierChange['kind'], to: string, reason: TierChange['reason']) =>
      changes.push({
        memberId,
        kind,
        fromTier: row.earnedTier,
        toTier: to,
        growthInWindow: inWindow,
        period: null,
        configVersion: version,
        reason,
        actor: null,
      });
    if (toRank > fromRank) {
      change('upgrade', qualified.code, tierReasons.upgrade(qualified, inWindow));
      row.earnedTier = qualified.code;
      row.since = now;
      // Points paid to keep the old tier do not keep this one.
      row.retainedFor = null;
      row.nextEvaluationAt ??= nextEvaluation(config, now, now, timezone);
      saved.add(row);
    } else if (
      delta < 0 &&
      config.refundsCanDowngrade &&
      toRank < fromRank &&
      fromRank > rankOf(config, row.floorTier) &&
      // Only the refund's own growth may undo the tier: growth was above its entry just before.
      inWindow - delta >= from.entryGrowth
    ) {
      const to = config.tiers[Math.max(toRank, rankOf(config, row.floorTier))]!;
      change('refund_downgrade', to.code, tierReasons.refundDowngrade(from, to, inWindow));
      row.earnedTier = to.code;
      row.retainedFor = null;
      if (rankOf(config, to.code) === 0 && row.manualTier === null) row.nextEvaluationAt = null;
      saved.add(row);
    }
  }
  await saveMemberTiers(tx, programId, [...saved], now);
  await insertTierHistory(tx, programId, changes, now);
}

/**
 * Before an event batch judges its members: evaluations already due for them are done first, so
 * rules and tier multipliers see the tier the member holds now. Returns the configuration, read
 * under the shared lock, for the rest of the transaction.
 */
export async function catchUpDueTiers(
  tx: Queryable,
  programId: string,
  memberIds: readonly string[],
  now: Date,
  timezone: string,
): Promise<TierConfigVersion | null> {
  const current = await readTierConfig(tx, programId);
  if (!current || memberIds.length === 0) return current;
  const overdue = [...(await loadMemberTiers(tx, programId, memberIds)).values()].filter(
    (row) => row.nextEvaluationAt && row.nextEvaluationAt <= now,
  );
  if (overdue.length === 0) return current;
  const changes = await catchUpEvaluations(tx, programId, current, timezone, overdue, now);
  await saveMemberTiers(tx, programId, overdue, now);
  await insertTierHistory(tx, programId, changes, now);
  return current;
}

/** Evaluations already due for these members, done now in order (a member may have missed several). */
async function catchUpEvaluations(
  tx: Queryable,
  programId: string,
  current: TierConfigVersion,
  timezone: string,
  rows: MemberTier[],
  now: Date,
): Promise<TierChange[]> {
  const changes: TierChange[] = [];
  for (const row of rows) {
    while (row.nextEvaluationAt && row.nextEvaluationAt <= now) {
      const at = row.nextEvaluationAt;
      const from = evaluationWindowStart(current.config, at, timezone);
      const growth = (await growthInWindow(tx, programId, [row.memberId], from, at)).get(row.memberId) ?? 0;
      changes.push(evaluateMember(current, timezone, row, growth));
    }
  }
  return changes;
}

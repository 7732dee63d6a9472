import type { Queryable } from '../db/database.ts';
import type { LedgerDraft } from '../ledger/ledger-draft.ts';
import { growthInWindow } from '../ledger/ledger-queries.ts';
import { type MemberKey, MemberKeys } from '../members/member-key.ts';
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
  insertTierHistory,
  loadMemberTiers,
  type MemberTier,
  readTierConfig,
  saveMemberTiers,
} from './tier-store.ts';
import type { TierChange, TierConfigVersion } from './tier-types.ts';

/**
 * Upgrades in the same transaction as the growth that earns them (SPEC §3.3). Under the members'
 * locks, `loadTierProgress` reads each member's tier and growth in the current window (doing first
 * any evaluation already due, on its own window, so growth earned after it never changes what it
 * decides); then each decision's growth is added in order: `addGrowth` upgrades at once when a
 * higher tier's entry is reached, and a refund that drops growth below the tier undoes an upgrade
 * only where the program says so, never below the tier kept at the last evaluation. The tier a
 * member holds after one decision is the tier the next decision of the same batch is judged by,
 * so a batch decides exactly like its items one at a time. `saveTierProgress` writes what changed.
 */
export class TierProgress {
  readonly changes: TierChange[] = [];
  private readonly changed = new Set<MemberTier>();

  constructor(
    readonly current: TierConfigVersion,
    private readonly at: { now: Date; timezone: string },
    /** The members, by key (rows and growth) and by the merchant's id (the changes' messages). */
    private readonly members: MemberKeys,
    private readonly rows: Map<MemberKey, MemberTier>,
    /** Growth in the current window: the journal's, plus what `addGrowth` added since. */
    private readonly growth: Map<MemberKey, number>,
  ) {}

  /** The tier in force for the member now: an operator's assignment while it lasts, else earned. */
  tierOf(memberKey: MemberKey): string {
    const row = this.rows.get(memberKey);
    if (!row) return this.current.config.tiers[0]!.code;
    return row.manualTier && row.manualUntil && row.manualUntil > this.at.now
      ? row.manualTier
      : row.earnedTier;
  }

  /** An evaluation that was due, done before any growth is added (see `loadTierProgress`). */
  recordEvaluation(row: MemberTier, change: TierChange): void {
    this.changes.push(change);
    this.changed.add(row);
  }

  /**
   * One decision's growth for one member (negative for a refund), and the tier it leads to. Growth
   * dated (`effectiveAt`) before the current window counts in the window of its time, not this one.
   */
  addGrowth(memberKey: MemberKey, delta: number, effectiveAt?: Date): void {
    if (delta === 0) return;
    const { config, version } = this.current;
    const { now, timezone } = this.at;
    if (effectiveAt && effectiveAt < windowStart(config, now, timezone)) return;
    const inWindow = (this.growth.get(memberKey) ?? 0) + delta;
    this.growth.set(memberKey, inWindow);
    const row = this.rows.get(memberKey) ?? this.blankRow(memberKey);
    const qualified = qualifiedTier(config, inWindow);
    const from = tierByCode(config, row.earnedTier);
    const fromRank = rankOf(config, row.earnedTier);
    const toRank = rankOf(config, qualified.code);
    const change = (kind: TierChange['kind'], to: string, reason: TierChange['reason']) =>
      this.changes.push({
        memberId: this.members.idOf(memberKey),
        memberKey,
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
      this.keep(row);
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
      this.keep(row);
    }
  }

  /** Rows to write: evaluations caught up, upgrades and refund downgrades. */
  get changedRows(): MemberTier[] {
    return [...this.changed];
  }

  private keep(row: MemberTier): void {
    this.rows.set(row.memberKey, row);
    this.changed.add(row);
  }

  private blankRow(memberKey: MemberKey): MemberTier {
    const first = this.current.config.tiers[0]!.code;
    return {
      memberKey,
      earnedTier: first,
      since: this.at.now,
      floorTier: first,
      manualTier: null,
      manualUntil: null,
      retainedFor: null,
      nextEvaluationAt: null,
    };
  }
}

/**
 * The members' tiers and growth in the current window, read under their locks, with evaluations
 * already due for them (the sweep has not reached them yet) done first, in order (a member may
 * have missed several).
 */
export async function loadTierProgress(
  tx: Queryable,
  programId: string,
  current: TierConfigVersion,
  members: MemberKeys,
  at: { now: Date; timezone: string },
  /** Entries whose growth the caller adds itself (a draft's, parts of which may be written). */
  excludingEntryIds: readonly string[] = [],
): Promise<TierProgress> {
  if (members.size === 0) return new TierProgress(current, at, members, new Map(), new Map());
  const memberKeys = members.memberKeys();
  const rows = await loadMemberTiers(tx, programId, memberKeys);
  const start = windowStart(current.config, at.now, at.timezone);
  const until = new Date(at.now.getTime() + 1);
  const growth = await growthInWindow(tx, programId, memberKeys, start, until, excludingEntryIds);
  const progress = new TierProgress(current, at, members, rows, growth);
  for (const row of rows.values()) {
    while (row.nextEvaluationAt && row.nextEvaluationAt <= at.now) {
      const evaluatedAt = row.nextEvaluationAt;
      const from = evaluationWindowStart(current.config, evaluatedAt, at.timezone);
      const [counted] = (
        await growthInWindow(tx, programId, [row.memberKey], from, evaluatedAt, excludingEntryIds)
      ).values();
      const memberId = members.idOf(row.memberKey);
      progress.recordEvaluation(row, evaluateMember(current, at.timezone, row, counted ?? 0, memberId));
    }
  }
  return progress;
}

export async function saveTierProgress(tx: Queryable, programId: string, progress: TierProgress, now: Date) {
  await saveMemberTiers(tx, programId, progress.changedRows, now);
  await insertTierHistory(tx, programId, progress.changes, now, progress.current);
}

/**
 * Before a ledger command's draft is written (a commit hook, see `src/wiring.ts`): the tier changes
 * its growth causes, one decision at a time — the command, or each item of a credit batch. A large
 * batch may have written part of its draft already: the growth counted from the table leaves the
 * draft's own entries out, since the steps add them.
 */
export async function applyTierChanges(tx: Queryable, programId: string, draft: LedgerDraft): Promise<void> {
  const steps = growthSteps(draft);
  if (steps.length === 0) return;
  const current = await readTierConfig(tx, programId);
  if (!current) return;
  const grown = new Set(steps.map((step) => step.memberKey));
  const members = new MemberKeys(draft.members().filter((account) => grown.has(account.memberKey)));
  const at = { now: draft.now, timezone: draft.settings.timezone };
  const own = draft.entries.filter((entry) => entry.delta.growth !== 0).map((entry) => entry.id);
  const progress = await loadTierProgress(tx, programId, current, members, at, own);
  for (const step of steps) progress.addGrowth(step.memberKey, step.growth);
  await saveTierProgress(tx, programId, progress, draft.now);
}

/** Each decision's net growth per member, in order, leaving out decisions that changed none. */
function growthSteps(draft: LedgerDraft): { memberKey: MemberKey; growth: number }[] {
  return draft.decisions().flatMap((entries) => {
    const deltas = new Map<MemberKey, number>();
    for (const entry of entries) {
      if (entry.delta.growth !== 0)
        deltas.set(entry.memberKey, (deltas.get(entry.memberKey) ?? 0) + entry.delta.growth);
    }
    return [...deltas].flatMap(([memberKey, growth]) => (growth === 0 ? [] : [{ memberKey, growth }]));
  });
}

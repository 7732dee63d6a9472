import type { Database, Queryable } from '../db/database.ts';
import { decideRelease } from '../ledger/commands/holds.ts';
import { catchUpTo } from '../ledger/due-movements.ts';
import {
  holdsDueToTimeOut,
  membersWithHoldsDueToTimeOut,
  membersWithLotsDueToExpire,
  membersWithLotsDueToRelease,
  type ProgramMember,
} from '../ledger/due-queries.ts';
import { LedgerDraft } from '../ledger/ledger-draft.ts';
import { persistDraft, tryLoadForUpdate } from '../ledger/ledger-store.ts';
import type { MemberKey } from '../members/member-key.ts';
import { settleRedemptionsOfHolds } from '../rewards/redemption-payment.ts';
import type { Clock } from '../shared/clock.ts';
import { decideExpiry, decidePendingRelease, SWEEP_SOURCE } from './sweep-decisions.ts';

export type SweepKind = 'expiry' | 'pending_release' | 'hold_timeout';

/** Due-row queries: which members have work. Cheap, lock-free, answered from partial indexes. */
const DUE_MEMBERS: Record<SweepKind, (db: Queryable, now: Date, limit: number) => Promise<ProgramMember[]>> =
  {
    expiry: membersWithLotsDueToExpire,
    pending_release: membersWithLotsDueToRelease,
    hold_timeout: membersWithHoldsDueToTimeOut,
  };

export interface SweepResult {
  kind: SweepKind;
  members: number;
  entries: number;
}

/**
 * Runs one sweep until no due rows are left. Each batch locks its members with SKIP LOCKED and
 * re-reads their rows under the lock, so several servers sweeping one database split the work
 * and none applies anything twice; a crash mid-batch rolls the batch back and the next run
 * resumes from the due rows that remain.
 */
export async function runSweep(
  db: Database,
  clock: Clock,
  kind: SweepKind,
  batchSize = 500,
  signal?: AbortSignal,
  /**
   * Date each release and expiry when it fell due rather than now (`catchUpTo`): for replays that
   * sweep now and then over a simulated past (`jifen demo`), not for `serve`, which is never late.
   */
  options: { dated?: boolean } = {},
): Promise<SweepResult> {
  const result: SweepResult = { kind, members: 0, entries: 0 };
  for (;;) {
    // Asked to stop (serve shutting down): the batches done are committed, the rest stays due.
    if (signal?.aborted) return result;
    const now = clock.now();
    const due = await DUE_MEMBERS[kind](db, now, batchSize);
    if (due.length === 0) return result;
    let progressed = false;
    // First skip the members other transactions hold, so several sweepers split the work. If that
    // did nothing, every due member was locked by someone else: a sweeper of this kind, but also
    // a command or a sweep of another kind, which will not do this work. So wait for the locks and
    // re-read: what is still due is done here; what another sweeper did is no longer due.
    for (const skipLocked of [true, false]) {
      for (const [programId, memberKeys] of groupByProgram(due)) {
        const done = await sweepMembers(
          db,
          now,
          kind,
          programId,
          memberKeys,
          skipLocked,
          options.dated ?? false,
        );
        result.members += done.members;
        result.entries += done.entries;
        progressed ||= done.entries > 0;
      }
      if (progressed) break;
    }
    // Even under the lock there was nothing left: a sweeper of this kind did this batch and goes on.
    if (!progressed) return result;
  }
}

async function sweepMembers(
  db: Database,
  now: Date,
  kind: SweepKind,
  programId: string,
  memberKeys: MemberKey[],
  skipLocked: boolean,
  dated: boolean,
): Promise<{ members: number; entries: number }> {
  return db.transaction(async (tx) => {
    // A hold's lots never change after it is created, so they can be read before the lock.
    const dueHolds = kind === 'hold_timeout' ? await holdsDueToTimeOut(tx, programId, memberKeys, now) : [];
    const state = await tryLoadForUpdate(tx, {
      programId,
      memberKeys,
      lots: true,
      holdIds: dueHolds.map((hold) => hold.holdId),
      lotIds: dueHolds.flatMap((hold) => hold.lotIds),
      skipLocked,
    });
    if (!state) return { members: 0, entries: 0 };
    const draft = new LedgerDraft(state.settings, now, state.accounts, state.lots, state.holds);
    const context = { programId, now, source: { ...SWEEP_SOURCE, ref: kind } };
    for (const account of state.accounts) {
      if (dated && kind !== 'hold_timeout') catchUpTo(draft, account.memberId, now);
      else if (kind === 'expiry') decideExpiry(draft, account.memberId);
      if (kind === 'pending_release') decidePendingRelease(draft, account.memberId);
    }
    if (kind === 'hold_timeout') {
      // Re-read under the lock: only holds still open and due are released (the draft holds only
      // those of the members locked here: with SKIP LOCKED, the holds of skipped members are left).
      const released: string[] = [];
      for (const hold of draft.holds()) {
        if (hold.status === 'open' && hold.expiresAt.getTime() <= now.getTime()) {
          decideRelease(draft, hold, 'hold_timeout', context);
          released.push(hold.id);
        }
      }
      // An unpaid redemption owning a released hold gives back its stock and usage in this
      // transaction (members are locked; it locks rewards, then redemptions). A checkout payment
      // holds nothing but the points: it reads as expired from its hold, so it needs nothing here.
      await settleRedemptionsOfHolds(tx, programId, released, now);
    }
    await persistDraft(tx, programId, draft);
    return { members: state.accounts.length, entries: draft.entries.length };
  });
}

function groupByProgram(rows: readonly ProgramMember[]): Map<string, MemberKey[]> {
  const groups = new Map<string, MemberKey[]>();
  for (const row of rows) {
    const members = groups.get(row.programId) ?? [];
    members.push(row.memberKey);
    groups.set(row.programId, members);
  }
  return groups;
}

export const SWEEP_KINDS: readonly SweepKind[] = ['pending_release', 'hold_timeout', 'expiry'];

export async function runAllSweeps(
  db: Database,
  clock: Clock,
  batchSize?: number,
  signal?: AbortSignal,
): Promise<SweepResult[]> {
  const results: SweepResult[] = [];
  for (const kind of SWEEP_KINDS) results.push(await runSweep(db, clock, kind, batchSize, signal));
  return results;
}

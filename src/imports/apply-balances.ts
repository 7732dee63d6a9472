import { decideCredit } from '../ledger/commands/credit.ts';
import { commitDraft } from '../ledger/draft-writer.ts';
import { catchUpTo } from '../ledger/due-movements.ts';
import { LedgerDraft } from '../ledger/ledger-draft.ts';
import { tryLoadForUpdate } from '../ledger/ledger-store.ts';
import { JifenError } from '../shared/errors.ts';
import { type ApplyChunk, emptyResult } from './apply-chunk.ts';
import { appliedHashes } from './import-store.ts';

interface BalanceRow {
  memberId: string;
  points: number;
  earnedAt: string;
  expiresAt: string | null;
  reason: string | null;
}

/**
 * A chunk of opening balances, as dated credits in one draft: each is a lot earned at its `earnedAt`
 * (expiring at its `expiresAt`, or by the program's policy from then), after what fell due for its
 * member before then; at the end every member is brought up to now, so balances already past
 * their expiry expire at once, with an expire entry. The members must exist (import them first).
 */
export const applyBalances: ApplyChunk = (context, rows, record) =>
  context.db.transaction(async (tx) => {
    const result = emptyResult();
    const balances = rows.map((row) => row.payload as unknown as BalanceRow);
    const state = await tryLoadForUpdate(tx, {
      programId: context.programId,
      memberIds: balances.map((row) => row.memberId),
      allowMissing: true,
      lots: true,
    });
    const known = new Set(state?.accounts.map((account) => account.memberId));
    // Re-read under the members' locks: a commit of the same rows running at the same time (a
    // second request) has committed its chunk or not, so no balance is credited twice.
    const inForce = await appliedHashes(
      tx,
      context.programId,
      'balances',
      rows.map((row) => row.externalId),
    );
    const draft = state ? new LedgerDraft(state.settings, context.now, state.accounts, state.lots) : null;
    const credited = new Set<string>();
    rows.forEach((row, index) => {
      const balance = balances[index]!;
      if (inForce.has(row.externalId)) return;
      if (!draft || !known.has(balance.memberId)) {
        result.errors.push({
          line: row.line,
          column: 'memberId',
          message: `member ${balance.memberId} does not exist: import the members first (jifen import members)`,
        });
        return;
      }
      const earnedAt = new Date(balance.earnedAt);
      catchUpTo(draft, balance.memberId, earnedAt);
      try {
        const text = balance.reason ?? null;
        const entries = decideCredit(
          draft,
          {
            memberId: balance.memberId,
            points: balance.points,
            reason: { zh: text ?? '期初积分导入', en: text ?? 'Opening balance imported' },
            ...(balance.expiresAt ? { expiresAt: new Date(balance.expiresAt) } : {}),
          },
          {
            programId: context.programId,
            now: context.now,
            source: { ...context.source, ref: row.externalId },
          },
        );
        credited.add(balance.memberId);
        result.points += balance.points;
        result.entriesMade += entries.length;
        result.applied.push({
          line: row.line,
          externalId: row.externalId,
          rowHash: row.rowHash,
          entryIds: entries.map((entry) => entry.id),
          memberCreated: false,
        });
      } catch (error) {
        if (!(error instanceof JifenError)) throw error;
        result.errors.push({
          line: row.line,
          column: null,
          message: `refused (${error.code}): ${error.detail}`,
        });
      }
    });
    if (draft && credited.size > 0) {
      const before = draft.entries.length;
      for (const memberId of credited) catchUpTo(draft, memberId, context.now);
      draft.dateFrom(null);
      result.entriesMade += draft.entries.length - before;
      await commitDraft(tx, context.programId, draft);
    }
    await record(tx, result);
    return result;
  });

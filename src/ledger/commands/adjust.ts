import type { Queryable } from '../../db/database.ts';
import type { LedgerDraft } from '../ledger-draft.ts';
import { loadDraft } from '../ledger-store.ts';
import type { Entry, Reason } from '../ledger-types.ts';
import { entryView } from '../ledger-views.ts';
import { clawback, earn } from '../movements.ts';
import type { CommandContext, CommandResult } from './command-context.ts';
import { lotExpiry } from './credit.ts';

export interface AdjustInput {
  memberId: string;
  /** Signed: positive adds a lot, negative takes points back under the negative-balance policy. */
  points: number;
  reason: Reason;
  operator: string;
  expiresAt?: Date;
}

/** A manual correction by an operator; allowed whatever the member's status. */
export function decideAdjustment(draft: LedgerDraft, input: AdjustInput, context: CommandContext): Entry {
  const fields = {
    memberId: input.memberId,
    type: 'adjust' as const,
    contraAccount: 'adjusted' as const,
    source: { ...context.source, kind: 'operator' as const },
    reason: input.reason,
    operator: input.operator,
  };
  if (input.points > 0) {
    const expiresAt = lotExpiry(draft, draft.now, input.expiresAt);
    return earn(draft, { ...fields, points: input.points, availableAt: draft.now, expiresAt }).entry;
  }
  return clawback(draft, { ...fields, points: -input.points });
}

export async function adjust(
  tx: Queryable,
  context: CommandContext,
  input: AdjustInput,
): Promise<CommandResult> {
  const draft = await loadDraft(
    tx,
    {
      programId: context.programId,
      memberIds: [input.memberId],
      lots: input.points < 0,
    },
    context.now,
  );
  const entry = decideAdjustment(draft, input, context);
  return { status: 201, body: { entries: [entryView(entry)] }, draft };
}

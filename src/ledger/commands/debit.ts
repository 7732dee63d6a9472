import type { Queryable } from '../../db/database.ts';
import type { LedgerDraft } from '../ledger-draft.ts';
import { loadMemberDraft } from '../ledger-store.ts';
import type { Entry, Reason } from '../ledger-types.ts';
import { entryView } from '../ledger-views.ts';
import { assertCanSpend } from '../member-status-rules.ts';
import { spend } from '../movements.ts';
import type { CommandContext, CommandResult } from './command-context.ts';

export interface DebitInput {
  memberId: string;
  points: number;
  reason: Reason;
  operator?: string;
}

export function decideDebit(draft: LedgerDraft, input: DebitInput, context: CommandContext): Entry {
  assertCanSpend(draft.account(input.memberId));
  return spend(draft, {
    memberId: input.memberId,
    points: input.points,
    type: 'spend',
    contraAccount: 'redeemed',
    source: context.source,
    reason: input.reason,
    operator: input.operator ?? null,
  });
}

export async function debit(
  tx: Queryable,
  context: CommandContext,
  input: DebitInput,
): Promise<CommandResult> {
  const draft = await loadMemberDraft(tx, context, input.memberId);
  const entry = decideDebit(draft, input, context);
  return { status: 201, body: { entries: [entryView(entry)] }, draft };
}

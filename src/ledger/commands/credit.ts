import type { Queryable } from '../../db/database.ts';
import { expiryFor } from '../../programs/expiry-policy.ts';
import { JifenError } from '../../shared/errors.ts';
import { DAY_MS } from '../../shared/time-units.ts';
import type { LedgerDraft } from '../ledger-draft.ts';
import { loadMemberDraft } from '../ledger-store.ts';
import type { Entry, Reason } from '../ledger-types.ts';
import { entryView } from '../ledger-views.ts';
import { assertCanEarn } from '../member-status-rules.ts';
import { assertWithinBalanceLimit, earn } from '../movements.ts';
import type { CommandContext, CommandResult } from './command-context.ts';

export interface CreditInput {
  memberId: string;
  points: number;
  reason: Reason;
  /** Days the points stay pending before they can be spent (e.g. a return window). */
  pendingDays?: number;
  /** Overrides the program's expiry policy. */
  expiresAt?: Date;
  /** Growth value (成长值) credited in the same transaction. */
  growth?: number;
  operator?: string;
}

/** The expiry of a new lot: the explicit one, or the program's policy; never before it is usable. */
/**
 * When a lot made now, available at `availableAt`, expires: `explicit`, else the program's policy.
 * An expiry not after the points become available is a result, not an exception: event intake
 * drops such an award with a reason and goes on; `lotExpiry` refuses the command.
 */
export type LotExpiry =
  | { ok: true; expiresAt: Date | null }
  | { ok: false; code: 'expiry_in_past'; expiresAt: Date; availableAt: Date };

export function decideLotExpiry(draft: LedgerDraft, availableAt: Date, explicit?: Date): LotExpiry {
  const { expiryPolicy, timezone } = draft.settings;
  const expiresAt = explicit ?? expiryFor(expiryPolicy, availableAt, timezone);
  if (expiresAt && expiresAt.getTime() <= availableAt.getTime()) {
    return { ok: false, code: 'expiry_in_past', expiresAt, availableAt };
  }
  return { ok: true, expiresAt };
}

/** The lot's expiry for a command: refuses a date that cannot be stored or that is already past. */
export function lotExpiry(draft: LedgerDraft, availableAt: Date, explicit?: Date): Date | null {
  if (explicit && Number.isNaN(explicit.getTime())) {
    throw new JifenError('validation_failed', {
      detail: 'body/expiresAt is not a date Jifen can store (e.g. a leap second)',
      extensions: { errors: [{ field: 'body/expiresAt', message: 'is not a representable date' }] },
    });
  }
  const expiry = decideLotExpiry(draft, availableAt, explicit);
  if (!expiry.ok) {
    throw new JifenError('expiry_in_past', {
      detail: `The points would expire at ${expiry.expiresAt.toISOString()}, not after they become available at ${availableAt.toISOString()}.`,
      extensions: { expiresAt: expiry.expiresAt.toISOString(), availableAt: availableAt.toISOString() },
    });
  }
  return expiry.expiresAt;
}

/** Decides a credit on a loaded draft: a new lot (pending or available) and, optionally, growth.
 * Checks everything before changing the draft, so a batch can go on with the same draft after one
 * credit is refused. */
export function decideCredit(draft: LedgerDraft, input: CreditInput, context: CommandContext): Entry[] {
  assertCanEarn(draft.account(input.memberId));
  // Pending and expiry run from when the credit counts (dated history), not when it is recorded.
  const availableAt = new Date(draft.effectiveAt.getTime() + (input.pendingDays ?? 0) * DAY_MS);
  const expiresAt = lotExpiry(draft, availableAt, input.expiresAt);
  assertWithinBalanceLimit(draft.account(input.memberId).balances.growth, input.growth ?? 0);
  const shared = { source: context.source, reason: input.reason, operator: input.operator ?? null };
  const entries: Entry[] = [];
  // Rules may award growth alone; the API's credits always carry points.
  if (input.points > 0) {
    entries.push(
      earn(draft, {
        ...shared,
        memberId: input.memberId,
        points: input.points,
        availableAt,
        expiresAt,
        type: 'earn',
        contraAccount: 'issued',
      }).entry,
    );
  }
  if (input.growth) {
    entries.push(
      draft.record({
        ...shared,
        memberId: input.memberId,
        type: 'growth',
        delta: { growth: input.growth },
        contraAccount: 'growth_issued',
      }),
    );
  }
  return entries;
}

/**
 * One credit in its own transaction (an approved request executes this way). The API's credits
 * take the group commit instead (`CreditCoalescer`); both decide with `decideCredit`.
 */
export async function credit(
  tx: Queryable,
  context: CommandContext,
  input: CreditInput,
): Promise<CommandResult> {
  const draft = await loadMemberDraft(tx, context, input.memberId);
  const entries = decideCredit(draft, input, context);
  return { status: 201, body: { entries: entries.map(entryView) }, draft };
}

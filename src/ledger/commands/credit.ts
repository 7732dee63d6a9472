import { expiryFor } from '../../programs/expiry-policy.ts';
import { JifenError } from '../../shared/errors.ts';
import type { LedgerDraft } from '../ledger-draft.ts';
import type { Entry, Reason } from '../ledger-types.ts';
import { assertCanEarn } from '../member-status-rules.ts';
import { assertWithinBalanceLimit, earn } from '../movements.ts';
import type { CommandContext } from './command-context.ts';

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

const DAY_MS = 86_400_000;

/** The expiry of a new lot: the explicit one, or the program's policy; never before it is usable. */
export function lotExpiry(draft: LedgerDraft, availableAt: Date, explicit?: Date): Date | null {
  if (explicit && Number.isNaN(explicit.getTime())) {
    throw new JifenError('validation_failed', {
      detail: 'body/expiresAt is not a date Jifen can store (e.g. a leap second)',
      extensions: { errors: [{ field: 'body/expiresAt', message: 'is not a representable date' }] },
    });
  }
  const { expiryPolicy, timezone } = draft.settings;
  const expiresAt = explicit ?? expiryFor(expiryPolicy, availableAt, timezone);
  if (expiresAt && expiresAt.getTime() <= availableAt.getTime()) {
    throw new JifenError('expiry_in_past', {
      detail: `The points would expire at ${expiresAt.toISOString()}, not after they become available at ${availableAt.toISOString()}.`,
      extensions: { expiresAt: expiresAt.toISOString(), availableAt: availableAt.toISOString() },
    });
  }
  return expiresAt;
}

/** Decides a credit on a loaded draft: a new lot (pending or available) and, optionally, growth.
 * Checks everything before changing the draft, so a batch can go on with the same draft after one
 * credit is refused. */
export function decideCredit(draft: LedgerDraft, input: CreditInput, context: CommandContext): Entry[] {
  assertCanEarn(draft.account(input.memberId));
  const availableAt = new Date(draft.now.getTime() + (input.pendingDays ?? 0) * DAY_MS);
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

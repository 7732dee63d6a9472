import type { Queryable } from '../../db/database.ts';
import { JifenError } from '../../shared/errors.ts';
import type { LedgerDraft } from '../ledger-draft.ts';
import { HOLD_COLUMNS, type HoldRow, toHold } from '../ledger-rows.ts';
import { loadDraft, loadMemberDraft } from '../ledger-store.ts';
import type { Entry, Hold, HoldOwner, LotTouch, Reason } from '../ledger-types.ts';
import { entryView, holdView } from '../ledger-views.ts';
import { assertCanSpend } from '../member-status-rules.ts';
import { restore, spend } from '../movements.ts';
import { systemReasons } from '../reasons.ts';
import type { CommandContext, CommandResult } from './command-context.ts';

export interface AuthorizeHoldInput {
  memberId: string;
  points: number;
  reason: Reason;
  /** How long the hold lasts before it is released automatically; the program's default if absent. */
  ttlSeconds?: number;
  /** The order placing the hold, which alone may settle it (see `order-owned.ts`). */
  owner?: HoldOwner;
}

/** Authorize: the points leave `available` for `held`, taken from lots now so expiry cannot eat them. */
export function decideAuthorize(draft: LedgerDraft, input: AuthorizeHoldInput, context: CommandContext) {
  assertCanSpend(draft.account(input.memberId));
  const ttlSeconds = input.ttlSeconds ?? draft.settings.holdTtlSeconds;
  const entry = spend(draft, {
    memberId: input.memberId,
    points: input.points,
    into: 'held',
    type: 'hold',
    contraAccount: 'holds',
    source: context.source,
    reason: input.reason,
  });
  const hold = draft.addHold({
    memberId: input.memberId,
    points: input.points,
    capturedPoints: 0,
    status: 'open',
    lots: entry.lots,
    expiresAt: new Date(draft.now.getTime() + ttlSeconds * 1000),
    reason: input.reason,
    createdAt: draft.now,
    closedAt: null,
    owner: input.owner ?? null,
  });
  entry.holdId = hold.id;
  return { hold, entry };
}

/** Splits a hold's touches (in spending order) into the first `points` and the rest. */
function splitTouches(touches: readonly LotTouch[], points: number): [LotTouch[], LotTouch[]] {
  const first: LotTouch[] = [];
  const rest: LotTouch[] = [];
  let left = points;
  for (const touch of touches) {
    const size = -touch.points;
    const taken = Math.min(size, left);
    left -= taken;
    if (taken > 0) first.push({ lotId: touch.lotId, points: -taken });
    if (size - taken > 0) rest.push({ lotId: touch.lotId, points: -(size - taken) });
  }
  return [first, rest];
}

function assertOpen(hold: Hold, now: Date): void {
  if (hold.status !== 'open' || hold.expiresAt.getTime() <= now.getTime()) {
    const status = hold.status === 'open' ? 'timed_out' : hold.status;
    throw new JifenError('hold_not_open', {
      detail: `Hold "${hold.id}" is ${status}.`,
      extensions: { holdId: hold.id, holdStatus: status },
    });
  }
}

/** Capture all or part of a hold: the captured points are spent, the rest go back to their lots. */
export function decideCapture(
  draft: LedgerDraft,
  hold: Hold,
  points: number | undefined,
  context: CommandContext,
): Entry[] {
  assertOpen(hold, draft.now);
  assertCanSpend(draft.account(hold.memberId));
  const captured = points ?? hold.points;
  if (captured > hold.points) {
    throw new JifenError('capture_exceeds_hold', {
      detail: `The hold is for ${hold.points} points; ${captured} cannot be captured.`,
      extensions: { heldPoints: hold.points, requestedPoints: captured },
    });
  }
  const [capturedTouches, releasedTouches] = splitTouches(hold.lots, captured);
  const entries = [
    draft.record({
      memberId: hold.memberId,
      type: 'capture',
      delta: { held: -captured },
      contraAccount: 'redeemed',
      lots: capturedTouches,
      holdId: hold.id,
      source: context.source,
      reason: hold.reason,
    }),
  ];
  const released = hold.points - captured;
  if (released > 0) {
    entries.push(
      restore(draft, {
        memberId: hold.memberId,
        touches: releasedTouches,
        fromHeld: true,
        type: 'hold_release',
        contraAccount: 'holds',
        holdId: hold.id,
        source: context.source,
        reason: systemReasons.holdRemainderReleased(released),
      }),
    );
  }
  draft.changeHold(hold.id, { status: 'captured', capturedPoints: captured, closedAt: draft.now });
  return entries;
}

/** Void (by the caller) or time-out (by the sweep): every held point goes back to its lot. */
export function decideRelease(
  draft: LedgerDraft,
  hold: Hold,
  how: 'void' | 'hold_timeout',
  context: CommandContext,
  reason?: Reason,
): Entry {
  if (how === 'void') assertOpen(hold, draft.now);
  const entry = restore(draft, {
    memberId: hold.memberId,
    touches: hold.lots,
    fromHeld: true,
    type: how,
    contraAccount: 'holds',
    holdId: hold.id,
    source: context.source,
    reason:
      how === 'void'
        ? systemReasons.holdVoided(hold.points, reason ?? hold.reason)
        : systemReasons.holdTimedOut(hold.points),
  });
  draft.changeHold(hold.id, { status: how === 'void' ? 'voided' : 'timed_out', closedAt: draft.now });
  return entry;
}

export async function authorizeHold(
  tx: Queryable,
  context: CommandContext,
  input: AuthorizeHoldInput,
): Promise<CommandResult> {
  const draft = await loadMemberDraft(tx, context, input.memberId);
  const { hold, entry } = decideAuthorize(draft, input, context);
  return { status: 201, body: { hold: holdView(hold), entries: [entryView(entry)] }, draft };
}

/** Loads a hold with its member locked, re-reading the hold under the lock. */
export async function loadHoldForUpdate(tx: Queryable, context: CommandContext, holdId: string) {
  const [row] = await tx.query<HoldRow>(
    `select ${HOLD_COLUMNS} from holds where program_id = $1 and id = $2`,
    [context.programId, holdId],
  );
  if (!row) {
    throw new JifenError('hold_not_found', {
      detail: `There is no hold "${holdId}" in this program.`,
      extensions: { holdId },
    });
  }
  const hold = toHold(row);
  const draft = await loadDraft(
    tx,
    {
      programId: context.programId,
      memberKeys: [hold.memberKey],
      lots: true,
      lotIds: hold.lots.map((touch) => touch.lotId),
      holdIds: [holdId],
    },
    context.now,
  );
  return { draft, hold: draft.hold(holdId) };
}

export async function captureHold(
  tx: Queryable,
  context: CommandContext,
  input: { holdId: string; points?: number },
): Promise<CommandResult> {
  const { draft, hold } = await loadHoldForUpdate(tx, context, input.holdId);
  const entries = decideCapture(draft, hold, input.points, context);
  return {
    status: 200,
    body: { hold: holdView(draft.hold(hold.id)), entries: entries.map(entryView) },
    draft,
  };
}

export async function voidHold(
  tx: Queryable,
  context: CommandContext,
  input: { holdId: string; reason?: Reason },
): Promise<CommandResult> {
  const { draft, hold } = await loadHoldForUpdate(tx, context, input.holdId);
  const entry = decideRelease(draft, hold, 'void', context, input.reason);
  return { status: 200, body: { hold: holdView(draft.hold(hold.id)), entries: [entryView(entry)] }, draft };
}

import type { Queryable } from '../db/database.ts';
import { JifenError } from '../shared/errors.ts';
import type { Entry, HoldOwner } from './ledger-types.ts';

/** The redemption or checkout payment that placed a hold, if one did (recorded on the hold). */
async function holdOwner(tx: Queryable, programId: string, holdId: string) {
  const [row] = await tx.query<{ owner_kind: HoldOwner['kind'] | null; owner_id: string | null }>(
    'select owner_kind, owner_id from holds where program_id = $1 and id = $2',
    [programId, holdId],
  );
  return row?.owner_kind && row.owner_id ? { kind: OWNER_WORDS[row.owner_kind], id: row.owner_id } : null;
}

/** How errors name an owner (the `owner` extension of `hold_owned_by_order`). */
const OWNER_WORDS: Record<HoldOwner['kind'], string> = {
  redemption: 'redemption',
  checkout_payment: 'checkout payment',
};

/**
 * Holds a points + cash redemption or a checkout payment placed are settled through their order
 * (pay, cancel, capture, void there); settling them through the holds API would leave the order
 * out of step.
 */
export async function assertHoldNotOwned(tx: Queryable, programId: string, holdId: string): Promise<void> {
  const owner = await holdOwner(tx, programId, holdId);
  if (owner) {
    throw new JifenError('hold_owned_by_order', {
      detail: `Hold "${holdId}" belongs to ${owner.kind} "${owner.id}": settle it there.`,
      extensions: { holdId, owner: owner.kind, ownerId: owner.id },
    });
  }
}

/**
 * The same for entries: a redemption's spend, capture or cancellation and a checkout payment's
 * capture or refund are undone through their order (cancel, refund). Reversing one directly would
 * give points back the order still counts as spent, or back a second time after a refund.
 */
export async function assertEntryNotOwned(tx: Queryable, programId: string, entry: Entry): Promise<void> {
  const source = entry.source;
  const owner =
    source.kind === 'redemption'
      ? { kind: 'redemption', id: String(source.redemptionId ?? source.ref ?? '') }
      : source.kind === 'order' && source.captureEntryId !== undefined
        ? { kind: 'checkout payment', id: source.orderId }
        : entry.holdId
          ? await holdOwner(tx, programId, entry.holdId)
          : null;
  if (owner) {
    throw new JifenError('entry_owned_by_order', {
      detail: `Entry "${entry.id}" belongs to ${owner.kind} "${owner.id}": cancel or refund it there.`,
      extensions: { entryId: entry.id, owner: owner.kind, ownerId: owner.id },
    });
  }
}

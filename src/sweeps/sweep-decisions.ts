import { expireDueLots, releaseDueLots } from '../ledger/due-movements.ts';
import type { LedgerDraft } from '../ledger/ledger-draft.ts';
import type { Entry, EntrySource } from '../ledger/ledger-types.ts';

export const SWEEP_SOURCE: EntrySource = { kind: 'system', ref: 'sweep' };

/** Expires every lot of the member whose expiry has passed: one entry summing them. */
export function decideExpiry(draft: LedgerDraft, memberId: string): Entry | null {
  return expireDueLots(draft, memberId, draft.now, SWEEP_SOURCE);
}

/** Releases every pending lot of the member whose pending period has ended, then repays debt. */
export function decidePendingRelease(draft: LedgerDraft, memberId: string): Entry | null {
  return releaseDueLots(draft, memberId, draft.now, SWEEP_SOURCE);
}

import type { Entry, EntryType } from '../../ledger/ledger-types.ts';
import { newId } from '../../shared/ids.ts';
import type { NotificationType, OutboxMessage, PointsMovedData } from '../message-types.ts';

/** Which entries members and integrators hear about; holds, releases and growth are internal. */
const MESSAGE_FOR_ENTRY: Partial<Record<EntryType, NotificationType>> = {
  earn: 'points.earned',
  transfer_in: 'points.earned',
  spend: 'points.spent',
  capture: 'points.spent',
  transfer_out: 'points.spent',
  expire: 'points.expired',
  adjust: 'points.adjusted',
  reverse: 'points.reversed',
  refund: 'points.reversed',
};

/** Points an entry moved on the member's side (available, pending and held together). */
const pointsMoved = (entry: Entry) => entry.delta.available + entry.delta.pending + entry.delta.held;

/**
 * One message per transaction, member and kind of movement: an event whose five rules awarded
 * points is one `points.earned` with their sum and every entry id, not five messages.
 */
export function ledgerMessages(
  programId: string,
  entries: readonly Entry[],
  lotAvailableAt: (lotId: string) => Date | null = () => null,
): OutboxMessage[] {
  const groups = new Map<string, { type: NotificationType; entries: Entry[] }>();
  for (const entry of entries) {
    const type = MESSAGE_FOR_ENTRY[entry.type];
    if (type === undefined || pointsMoved(entry) === 0) continue;
    const key = `${entry.txnId}\u0000${entry.memberId}\u0000${type}`;
    const group = groups.get(key);
    if (group) group.entries.push(entry);
    else groups.set(key, { type, entries: [entry] });
  }
  return [...groups.values()].map(({ type, entries: group }) =>
    toMessage(programId, type, group, lotAvailableAt),
  );
}

function toMessage(
  programId: string,
  type: NotificationType,
  entries: Entry[],
  lotAvailableAt: (lotId: string) => Date | null,
): OutboxMessage {
  const first = entries[0]!;
  const last = entries[entries.length - 1]!;
  const net = entries.reduce((sum, entry) => sum + pointsMoved(entry), 0);
  const pendingPoints = entries.reduce((sum, entry) => sum + Math.max(0, entry.delta.pending), 0);
  const data: PointsMovedData = {
    memberId: first.memberId,
    points: Math.abs(net),
    direction: net >= 0 ? 'in' : 'out',
    pendingPoints,
    availableAt: pendingPoints > 0 ? latestAvailableAt(entries, lotAvailableAt) : null,
    reason: entries.length === 1 ? first.reason : joinReasons(entries),
    source: first.source,
    entryIds: entries.map((entry) => entry.id),
    balances: last.after,
    occurredAt: first.createdAt.toISOString(),
  };
  return {
    id: newId('msg', first.createdAt.getTime()),
    programId,
    memberId: first.memberId,
    type,
    data,
    createdAt: first.createdAt,
  };
}

/** When the last of the pending points these entries created becomes available. */
function latestAvailableAt(entries: readonly Entry[], lotAvailableAt: (lotId: string) => Date | null) {
  let latest: Date | null = null;
  for (const entry of entries) {
    if (entry.delta.pending <= 0) continue;
    for (const touch of entry.lots) {
      const at = lotAvailableAt(touch.lotId);
      if (at && (latest === null || at > latest)) latest = at;
    }
  }
  return latest?.toISOString() ?? null;
}

function joinReasons(entries: readonly Entry[]) {
  const unique = (texts: string[]) => [...new Set(texts)];
  return {
    zh: unique(entries.map((entry) => entry.reason.zh)).join(';'),
    en: unique(entries.map((entry) => entry.reason.en)).join('; '),
  };
}

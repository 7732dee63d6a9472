import type { Balances, Entry, EntryType } from '../../ledger/ledger-types.ts';
import { joinReasons } from '../../ledger/reasons.ts';
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
  clawback: 'points.reversed',
  refund: 'points.reversed',
};

/**
 * Which entries make one message. The rules an event fired are one piece of news (summed); every
 * other change is one entry per member and kind, and a transaction may hold many of them (a batch,
 * or the group commit of concurrent credits), each its own news.
 */
const newsKey = (entry: Entry, type: NotificationType) => {
  const { source } = entry;
  const eventId = source.kind === 'rule' || source.kind === 'order' ? source.eventId : undefined;
  return eventId !== undefined
    ? `${entry.txnId}\u0000${entry.memberId}\u0000${type}\u0000${eventId}`
    : entry.id;
};

/** Points an entry moved on the member's side (available, pending and held together). */
const pointsMoved = (entry: Entry) => entry.delta.available + entry.delta.pending + entry.delta.held;

/**
 * One message per change, member and kind of movement: an event whose five rules awarded points is
 * one `points.earned` with their sum and every entry id, not five messages; two events (or two
 * credits) that shared a transaction are two messages, each with its own points and source.
 */
export function ledgerMessages(
  programId: string,
  entries: readonly Entry[],
  lotAvailableAt: (lotId: string) => Date | null = () => null,
): OutboxMessage[] {
  const groups = new Map<string, Group>();
  // The member's latest news in this transaction: entries nobody hears about (the release of a
  // partly captured hold, growth) still move its balances, which the message must end with.
  const latest = new Map<string, Group>();
  for (const entry of entries) {
    const type = MESSAGE_FOR_ENTRY[entry.type];
    if (type === undefined || pointsMoved(entry) === 0) {
      const group = latest.get(entry.memberId);
      if (group) group.balances = entry.after;
      continue;
    }
    const key = newsKey(entry, type);
    const group = groups.get(key) ?? { type, entries: [], balances: entry.after };
    groups.set(key, group);
    group.entries.push(entry);
    group.balances = entry.after;
    latest.set(entry.memberId, group);
  }
  return [...groups.values()].map((group) => toMessage(programId, group, lotAvailableAt));
}

interface Group {
  type: NotificationType;
  entries: Entry[];
  /** The member's balances once this change is complete. */
  balances: Balances;
}

function toMessage(
  programId: string,
  { type, entries, balances }: Group,
  lotAvailableAt: (lotId: string) => Date | null,
): OutboxMessage {
  const first = entries[0]!;
  const net = entries.reduce((sum, entry) => sum + pointsMoved(entry), 0);
  const pendingPoints = entries.reduce((sum, entry) => sum + Math.max(0, entry.delta.pending), 0);
  const data: PointsMovedData = {
    memberId: first.memberId,
    points: Math.abs(net),
    direction: net >= 0 ? 'in' : 'out',
    pendingPoints,
    availableAt: pendingPoints > 0 ? latestAvailableAt(entries, lotAvailableAt) : null,
    reason: joinReasons(entries.map((entry) => entry.reason)),
    source: first.source,
    entryIds: entries.map((entry) => entry.id),
    balances,
    occurredAt: first.createdAt.toISOString(),
  };
  return {
    id: newId('msg', first.createdAt.getTime()),
    programId,
    memberId: first.memberId,
    memberKey: first.memberKey,
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

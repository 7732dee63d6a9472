import type { Balances, Entry, Hold, Lot, Reason } from './ledger-types.ts';

/** The JSON shapes the API returns. Dates are ISO strings; reasons come in both languages. */
export function reasonView(reason: Reason) {
  return { 'zh-CN': reason.zh, en: reason.en };
}

export function balancesView(balances: Balances) {
  return {
    available: balances.available,
    pending: balances.pending,
    held: balances.held,
    growth: balances.growth,
    debt: balances.debt,
  };
}

export function entryView(entry: Entry) {
  const { delta } = entry;
  return {
    id: entry.id,
    txnId: entry.txnId,
    memberId: entry.memberId,
    type: entry.type,
    points: delta.available + delta.pending + delta.held,
    growth: delta.growth,
    change: balancesView(delta),
    balancesAfter: balancesView(entry.after),
    unrecoveredPoints: entry.unrecoveredPoints,
    lots: entry.lots,
    holdId: entry.holdId,
    reversesEntryId: entry.reversesEntryId,
    counterpartyMemberId: entry.counterpartyMemberId,
    contraAccount: entry.contraAccount,
    source: entry.source,
    reason: reasonView(entry.reason),
    operator: entry.operator,
    createdAt: entry.createdAt.toISOString(),
    effectiveAt: entry.effectiveAt.toISOString(),
  };
}

export function lotView(lot: Lot, now: Date) {
  const expired = lot.expiresAt !== null && lot.expiresAt.getTime() <= now.getTime();
  return {
    id: lot.id,
    memberId: lot.memberId,
    status: (expired && lot.remaining > 0 ? 'expired' : lot.status) as 'pending' | 'available' | 'expired',
    amount: lot.amount,
    remaining: lot.remaining,
    earnedAt: lot.earnedAt.toISOString(),
    availableAt: lot.availableAt.toISOString(),
    expiresAt: lot.expiresAt?.toISOString() ?? null,
    entryId: lot.entryId,
    originLotId: lot.originLotId,
  };
}

export function holdView(hold: Hold) {
  return {
    id: hold.id,
    memberId: hold.memberId,
    points: hold.points,
    capturedPoints: hold.capturedPoints,
    status: hold.status,
    lots: hold.lots,
    expiresAt: hold.expiresAt.toISOString(),
    reason: reasonView(hold.reason),
    createdAt: hold.createdAt.toISOString(),
    closedAt: hold.closedAt?.toISOString() ?? null,
  };
}

export type EntryView = ReturnType<typeof entryView>;

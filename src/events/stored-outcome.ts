import type { Reason } from '../ledger/ledger-types.ts';
import type { AwardOutcome, EventOutcome, MissOutcome } from './event-outcome.ts';

/**
 * An event's outcome as the `events.outcome` column holds it: compact, because every event stores
 * one and intake writes them by the thousand. What the row's own columns say (id, type, times,
 * points, growth) is not repeated, an entry id several awards share is written once, and an
 * award's fields at their usual values are left out. Kept under PostgreSQL's TOAST threshold
 * (~2 KB), a typical outcome is stored as it is instead of compressed, and it is half the bytes
 * to send and to parse. `outcomeFromStored` gives back exactly the outcome that was answered;
 * rows written before this format (the outcome itself, with an `eventId`) are read as they are.
 */
export interface StoredOutcome {
  v: 2;
  /** The member id as the event named it. */
  m: string;
  /** 1 when the event created the member. */
  c?: 1;
  a?: StoredAward[];
  x?: StoredMiss[];
  /** The entry ids the awards name, each once; awards refer to them by index. */
  e?: string[];
  order?: EventOutcome['order'];
  refund?: EventOutcome['refund'];
  note?: [string, string];
}

/**
 * [ruleId, version, points, growth, reason zh, reason en, entry indexes, expiresAt, pendingDays,
 *  multipliedBy as [ruleId, version, factor], limitedBy, onceKey]; trailing fields at their usual
 *  value (null, 0, none) are left out.
 */
type StoredAward = [
  string,
  number,
  number,
  number,
  string,
  string,
  number[],
  (string | null)?,
  number?,
  [string, number, number][]?,
  AwardOutcome['limitedBy']?,
  (string | null)?,
];
type StoredMiss = [string, number, string, string];

/** The row's columns the stored outcome leaves to them. */
export interface OutcomeColumns {
  id: string;
  type: string;
  occurred_at: Date | string;
  received_at: Date | string;
  points: number | string;
  growth: number | string;
  outcome: StoredOutcome | EventOutcome;
}

export function storedOutcome(outcome: EventOutcome): StoredOutcome {
  const stored: StoredOutcome = { v: 2, m: outcome.memberId };
  if (outcome.memberCreated) stored.c = 1;
  if (outcome.awards.length > 0) {
    const entryIds: string[] = [];
    const indexOf = new Map<string, number>();
    const entryIndex = (id: string) => {
      let index = indexOf.get(id);
      if (index === undefined) {
        index = entryIds.push(id) - 1;
        indexOf.set(id, index);
      }
      return index;
    };
    stored.a = outcome.awards.map((award) => storedAward(award, entryIndex));
    if (entryIds.length > 0) stored.e = entryIds;
  }
  if (outcome.misses.length > 0) {
    stored.x = outcome.misses.map((miss) => [miss.ruleId, miss.version, miss.why.zh, miss.why.en]);
  }
  if (outcome.order) stored.order = outcome.order;
  if (outcome.refund) stored.refund = outcome.refund;
  if (outcome.note) stored.note = [outcome.note.zh, outcome.note.en];
  return stored;
}

function storedAward(award: AwardOutcome, entryIndex: (id: string) => number): StoredAward {
  const tuple: StoredAward = [
    award.ruleId,
    award.version,
    award.points,
    award.growth,
    award.reason.zh,
    award.reason.en,
    award.entryIds.map(entryIndex),
    award.expiresAt,
    award.pendingDays,
    award.multipliedBy.map((multiplier) => [multiplier.ruleId, multiplier.version, multiplier.factor]),
    award.limitedBy,
    award.onceKey,
  ];
  const usual = [null, 0, null, null, null];
  let length = tuple.length;
  while (length > 7 && isUsual(tuple[length - 1], usual[length - 8])) length -= 1;
  tuple.length = length;
  return tuple;
}

function isUsual(value: unknown, usual: unknown): boolean {
  return value === usual || (Array.isArray(value) && value.length === 0);
}

export function outcomeFromStored(row: OutcomeColumns): EventOutcome {
  const stored = row.outcome;
  if (!('v' in stored)) return stored;
  const entryIds = stored.e ?? [];
  return {
    eventId: row.id,
    type: row.type,
    memberId: stored.m,
    occurredAt: new Date(row.occurred_at).toISOString(),
    receivedAt: new Date(row.received_at).toISOString(),
    memberCreated: stored.c === 1,
    points: Number(row.points),
    growth: Number(row.growth),
    awards: (stored.a ?? []).map((award) => awardFrom(award, entryIds)),
    misses: (stored.x ?? []).map(
      ([ruleId, version, zh, en]): MissOutcome => ({ ruleId, version, why: { zh, en } }),
    ),
    order: stored.order ?? null,
    refund: stored.refund ?? null,
    note: stored.note ? reason(stored.note) : null,
  };
}

function awardFrom(award: StoredAward, entryIds: readonly string[]): AwardOutcome {
  const [ruleId, version, points, growth, zh, en, entries, expiresAt, pendingDays, multipliedBy] = award;
  return {
    ruleId,
    version,
    points,
    growth,
    reason: { zh, en },
    pendingDays: pendingDays ?? 0,
    multipliedBy: (multipliedBy ?? []).map(([id, ruleVersion, factor]) => ({
      ruleId: id,
      version: ruleVersion,
      factor,
    })),
    limitedBy: award[10] ?? null,
    onceKey: award[11] ?? null,
    expiresAt: expiresAt ?? null,
    entryIds: entries.map((index) => entryIds[index]!),
  };
}

function reason([zh, en]: [string, string]): Reason {
  return { zh, en };
}

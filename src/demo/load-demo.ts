import type { Database } from '../db/database.ts';
import { compactEmbedded, vacuumEmbedded } from '../db/vacuum.ts';
import type { EventOutcome } from '../events/event-outcome.ts';
import { getEvent, programHasEvents } from '../events/event-store.ts';
import { ingestEvents } from '../events/ingest-events.ts';
import type { EventResult } from '../events/intake-types.ts';
import type { EntrySource } from '../ledger/ledger-types.ts';
import { getMember, upsertMember } from '../members/member-store.ts';
import type { ExpiryPolicy } from '../programs/expiry-policy.ts';
import { getProgram, updateProgramSettings } from '../programs/program-store.ts';
import { type Clock, ManualClock } from '../shared/clock.ts';
import { JifenError } from '../shared/errors.ts';
import { DAY_MS } from '../shared/time-units.ts';
import { runAllSweeps, runSweep } from '../sweeps/sweeper.ts';
import { runTierSweeps } from '../tiers/tier-evaluation.ts';
import { currentTierConfig } from '../tiers/tier-store.ts';
import { collectGarbage } from './collect-garbage.ts';
import { ensureDemoCatalogue } from './demo-catalogue.ts';
import { conversionTo, RATES_PER_GBP } from './demo-money.ts';
import { type DemoNotifications, deliverDemoNotifications } from './demo-notifications.ts';
import { ensureDemoRules } from './demo-rules.ts';
import { ensureDemoSegments } from './demo-segments.ts';
import { ensureDemoTiers } from './demo-tiers.ts';
import {
  epochDay,
  isoDateOfEpochDay,
  LocalDays,
  ShiftedClock,
  weekdayOfEpochDay,
  yesterdayEpochDay,
} from './demo-time.ts';
import { type BadRow, parseRetailCsv, RetailCsvError, type RetailRow } from './retail-csv.ts';
import { planReplay, type ReplayEvent, type ReplayPlan } from './retail-replay.ts';

/**
 * `jifen demo` as a flow over the areas it touches: program settings, rules, event intake, sweeps.
 * The rows are planned into events first (pure), then replayed in time order through dated intake
 * (`ingestEvents` with `dated`): each event's entries count from when it occurred, so lots are earned
 * then, pending periods end and points expire when they would have, and growth counts in the tier
 * window of its time. The year goes in a week at a time, batches of up to 1,000 events recorded at
 * the week's last event; the sweeps and tier evaluations run after each week at that time (members
 * with no event that week see their points released and expired then), and once more at the real
 * time at the end, so balances are as of today.
 */

/** Points expire 12 months after they become available: a common policy, and with a year of data
 * the oldest points have just expired while the rest show upcoming expiry. */
export const DEMO_EXPIRY_POLICY = {
  kind: 'rolling',
  unit: 'months',
  count: 12,
} as const satisfies ExpiryPolicy;

/**
 * Events a dated batch holds at most. PGlite's WebAssembly memory grows to the largest statement
 * it has run and never shrinks, and a batch's objects outlive V8's young generation: batches of
 * 250 rather than 1,000 keep both smaller (with a collection every few weeks, below: peak RSS
 * 450–480 MB on a quiet machine, where it had been 480–590 MB; the target is 500).
 */
const MAX_BATCH_EVENTS = 250;
/** Weeks loaded between two full garbage collections (see collect-garbage.ts). */
const GC_EVERY_WEEKS = 8;
const DEMO_SOURCE: EntrySource = { kind: 'event', importedBy: 'jifen demo' };

/** The demo cannot run on this program or file at all (as opposed to a bad row, which is reported). */
export class DemoSetupError extends Error {}

export interface DemoSummary {
  programId: string;
  currency: string;
  ratePerGbp: number;
  firstDay: string;
  lastDay: string;
  /** Data rows in the file, and those that continue an invoice of an earlier row (merged into it). */
  rows: number;
  mergedRows: number;
  events: number;
  /** Events already stored by an earlier run: answered from the store, nothing changed. */
  replayed: number;
  stats: ReplayPlan['stats'];
  reviewsRewarded: number;
  pointsIssued: number;
  growthIssued: number;
  pointsTakenBack: number;
  growthTakenBack: number;
  /** Points a refund could not take back (already spent or expired) and the policy wrote off. */
  pointsUnrecovered: number;
  rulesCreated: number;
  expiryPolicySet: boolean;
  tiersSet: boolean;
  /** Members per tier code at the end (members with no tier row are in the first tier). */
  tiers: Record<string, number>;
  /** Members per lifecycle stage and demo segment, as computed at the end. */
  segments: Record<string, number>;
  sweeps: { pendingReleased: number; expired: number };
  badRows: BadRow[];
  showcaseMemberId: string | null;
  notifications: DemoNotifications | null;
  elapsedMs: number;
}

export interface LoadDemoOptions {
  programId: string;
  csvText: string;
  clock: Clock;
  onProgress?: (done: number, total: number) => void;
  /** JIFEN_WEBHOOK_ALLOW_PRIVATE, for webhooks registered on this database (default false). */
  webhookAllowPrivateNetworks?: boolean;
}

export async function loadDemo(db: Database, options: LoadDemoOptions): Promise<DemoSummary> {
  const started = performance.now();
  const { programId, clock } = options;
  const program = await getProgram(db, programId);
  const conversion = conversionTo(program.currency);
  if (!conversion) {
    throw new DemoSetupError(
      `the demo converts the data's pounds at fixed rates into ${Object.keys(RATES_PER_GBP).join(', ')}; this program counts in ${program.currency}`,
    );
  }
  let parsed: ReturnType<typeof parseRetailCsv>;
  try {
    parsed = parseRetailCsv(options.csvText);
  } catch (error) {
    if (error instanceof RetailCsvError)
      throw new DemoSetupError(`the CSV file is not the invoices file: ${error.message}`);
    throw error;
  }
  if (parsed.rows.length === 0) throw new DemoSetupError('the CSV file has no usable rows');
  const shiftDays = await dateShift(db, programId, parsed.rows, program.timezone, clock.now());
  const plan = planReplay(parsed.rows, { timezone: program.timezone, shiftDays, conversion });

  // A fresh program with the default policy (never) gets the demo's; a program in use keeps its own.
  const expiryPolicySet = program.expiryPolicy.kind === 'never' && !(await programHasEvents(db, programId));
  if (expiryPolicySet) {
    await updateProgramSettings(db, programId, { expiryPolicy: DEMO_EXPIRY_POLICY }, clock.now());
  }
  const rules = await ensureDemoRules(db, programId, program.currency, clock.now());
  const tiersSet = await ensureDemoTiers(db, programId, clock.now());
  await ensureDemoCatalogue(db, programId, clock.now());
  if (!program.autoCreateMembers) await createMembers(db, programId, plan.events);

  const summary: DemoSummary = {
    programId,
    currency: program.currency,
    ratePerGbp: conversion.rate,
    firstDay: isoDateOfEpochDay(dayRange(parsed.rows).first + shiftDays),
    lastDay: isoDateOfEpochDay(dayRange(parsed.rows).last + shiftDays),
    rows: parsed.rows.length + parsed.badRows.length + parsed.mergedRows,
    mergedRows: parsed.mergedRows,
    events: plan.events.length,
    replayed: 0,
    stats: plan.stats,
    reviewsRewarded: 0,
    pointsIssued: 0,
    growthIssued: 0,
    pointsTakenBack: 0,
    growthTakenBack: 0,
    pointsUnrecovered: 0,
    rulesCreated: rules.created,
    expiryPolicySet,
    tiersSet,
    tiers: {},
    segments: {},
    sweeps: { pendingReleased: 0, expired: 0 },
    badRows: [...parsed.badRows, ...plan.badRows],
    showcaseMemberId: plan.showcaseMemberId,
    notifications: null,
    elapsedMs: 0,
  };

  const dueBefore = await dueEntryCounts(db, programId);
  const sweepAt = async (at: Date) => {
    const sweepClock = new ManualClock(at);
    // Dated: a release or expiry is recorded now but counts from when it fell due that week.
    await runSweep(db, sweepClock, 'pending_release', undefined, undefined, { dated: true });
    await runSweep(db, sweepClock, 'expiry', undefined, undefined, { dated: true });
    await runTierSweeps(db, sweepClock);
  };
  let done = 0;
  let weeksLoaded = 0;
  for (const week of weeks(plan.events, program.timezone)) {
    const now = new Date(week.at(-1)!.event.occurredAt);
    for (let start = 0; start < week.length; start += MAX_BATCH_EVENTS) {
      const batch = week.slice(start, start + MAX_BATCH_EVENTS);
      const results = await ingestEvents(
        db,
        { programId, now, source: DEMO_SOURCE },
        batch.map(({ event }) => event),
        { dated: true },
      );
      results.forEach((result, index) => {
        tallyResult(summary, batch[index]!, result);
      });
      done += batch.length;
      options.onProgress?.(done, plan.events.length);
      // PGlite has no autovacuum: the space of rows the replay updated (lots, members, orders) is
      // reused only once a vacuum marks it free, so one runs every quarter of the year's events.
      const quarter = Math.ceil(plan.events.length / 4);
      if (Math.floor(done / quarter) > Math.floor((done - batch.length) / quarter)) await vacuumEmbedded(db);
    }
    await sweepAt(now);
    if (++weeksLoaded % GC_EVERY_WEEKS === 0) collectGarbage();
  }
  collectGarbage(); // the year's plan and batches are done with; what follows needs little
  await sweepAt(clock.now()); // the pending releases, expiries and evaluations due by today
  await runAllSweeps(db, clock);
  const dueAfter = await dueEntryCounts(db, programId);
  summary.sweeps = {
    pendingReleased: dueAfter.pendingReleased - dueBefore.pendingReleased,
    expired: dueAfter.expired - dueBefore.expired,
  };
  summary.tiers = await membersByTier(db, programId, clock.now());
  summary.segments = await ensureDemoSegments(db, programId, clock);
  collectGarbage();
  summary.notifications = await deliverDemoNotifications(
    db,
    clock,
    programId,
    program.timezone,
    summary.showcaseMemberId,
    options.webhookAllowPrivateNetworks ?? false,
  );
  summary.badRows.sort((a, b) => a.line - b.line);
  await compactEmbedded(db);
  summary.elapsedMs = performance.now() - started;
  return summary;
}

/**
 * How many days the data moves: so that its last day is yesterday, or, when an earlier run loaded
 * it already, by what that run chose, so a run on a later day replays the same events.
 */
async function dateShift(
  db: Database,
  programId: string,
  rows: readonly RetailRow[],
  timezone: string,
  now: Date,
): Promise<number> {
  const firstSale = rows.find((row) => row.kind === 'sale');
  if (firstSale) {
    try {
      const stored = await getEvent(db, programId, `demo-${firstSale.invoiceNo}`);
      const unshifted = new ShiftedClock(timezone, 0).instant(firstSale.invoicedAt);
      return Math.round((new Date(stored.occurredAt).getTime() - unshifted.getTime()) / DAY_MS);
    } catch (error) {
      if (!(error instanceof JifenError && error.code === 'event_not_found')) throw error;
    }
  }
  return yesterdayEpochDay(now, timezone) - dayRange(rows).last;
}

/** The data's first and last calendar day, as days since 1970-01-01. */
function dayRange(rows: readonly RetailRow[]): { first: number; last: number } {
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const row of rows) {
    const day = epochDay(row.invoicedAt);
    first = Math.min(first, day);
    last = Math.max(last, day);
  }
  return { first, last };
}

/** When the program does not create members from events, the demo registers them itself. */
async function createMembers(db: Database, programId: string, events: readonly ReplayEvent[]) {
  const joinedAt = new Map<string, string>();
  for (const { event } of events) {
    if (!joinedAt.has(event.memberId)) joinedAt.set(event.memberId, event.occurredAt);
  }
  await db.transaction(async (tx) => {
    for (const [memberId, at] of joinedAt) {
      try {
        await getMember(tx, programId, memberId);
      } catch (error) {
        if (!(error instanceof JifenError && error.code === 'member_not_found')) throw error;
        await upsertMember(tx, programId, memberId, { joinedAt: at, channel: 'online' }, new Date(at));
      }
    }
  });
}

/** Events in time order, cut into local weeks (Monday to Sunday); a week may hold more than a batch. */
export function* weeks(events: readonly ReplayEvent[], timezone: string): Generator<ReplayEvent[]> {
  const localDays = new LocalDays(timezone);
  let week: ReplayEvent[] = [];
  let weekStart = Number.NaN;
  for (const event of events) {
    const day = localDays.of(new Date(event.event.occurredAt));
    const start = day - (weekdayOfEpochDay(day) - 1);
    if (week.length > 0 && start !== weekStart) {
      yield week;
      week = [];
    }
    weekStart = start;
    week.push(event);
  }
  if (week.length > 0) yield week;
}

/**
 * Pending releases and expiries in the program's journal: the summary counts what the load added,
 * whether a sweep wrote it or dated intake did as it replayed a member's past.
 */
async function dueEntryCounts(db: Database, programId: string) {
  const rows = await db.query<{ type: string; entries: string }>(
    `select type, count(*)::int8 as entries from entries
      where program_id = $1 and type in ('pending_release', 'expire') group by type`,
    [programId],
  );
  const count = (type: string) => Number(rows.find((row) => row.type === type)?.entries ?? 0);
  return { pendingReleased: count('pending_release'), expired: count('expire') };
}

function tallyResult(summary: DemoSummary, planned: ReplayEvent, result: EventResult) {
  if (result.status >= 300) {
    const problem = result.body as { code?: string; detail?: string };
    summary.badRows.push({
      line: planned.line,
      reason: 'event_refused',
      detail: `event ${planned.event.id} refused (${problem.code ?? result.status}): ${problem.detail ?? ''}`,
    });
    return;
  }
  if (result.replayed) summary.replayed++;
  const outcome = result.body as EventOutcome;
  for (const award of outcome.awards) {
    summary.pointsIssued += award.points;
    summary.growthIssued += award.growth;
  }
  if (planned.kind === 'review' && outcome.awards.length > 0) summary.reviewsRewarded++;
  if (outcome.refund) {
    summary.pointsTakenBack += outcome.refund.points;
    summary.growthTakenBack += outcome.refund.growth;
    summary.pointsUnrecovered += outcome.refund.unrecoveredPoints;
  }
}

/** How many members hold each tier now (an operator's assignment counts while it lasts). */
async function membersByTier(db: Database, programId: string, now: Date): Promise<Record<string, number>> {
  const current = await currentTierConfig(db, programId);
  if (!current) return {};
  const first = current.config.tiers[0]!.code;
  const rows = await db.query<{ tier: string | null; members: string }>(
    `select coalesce(case when t.manual_until > $3 then t.manual_tier else t.earned_tier end, $2) as tier,
            count(*)::int8 as members
       from members m left join member_tiers t using (program_id, member_key)
      where m.program_id = $1 group by 1`,
    [programId, first, now.toISOString()],
  );
  const counts: Record<string, number> = {};
  for (const tier of current.config.tiers) counts[tier.code] = 0;
  for (const row of rows) counts[row.tier ?? first] = Number(row.members);
  return counts;
}

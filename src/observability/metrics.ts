import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Database } from '../db/database.ts';
import { activity, type DeliveryFact, type EntryFact, type EventAnswerFact } from '../shared/activity.ts';
import type { Clock } from '../shared/clock.ts';
import { type Backlog, readBacklog, SWEEP_KINDS } from './backlog-query.ts';

/** How long a scrape waits for the backlog query before answering with the last values it had. */
const BACKLOG_DEADLINE_MS = 2_000;

const LATENCY_BUCKETS_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Jifen's Prometheus metrics, in a registry of their own. Counters of what happened are fed by the
 * activity signals (`shared/activity.ts`) and by the HTTP hooks; backlogs and pool usage are read
 * when Prometheus scrapes. Labels are bounded: route patterns (never URLs), entry types, channels,
 * error codes — no program, member or key ids.
 */
export class JifenMetrics {
  readonly registry = new Registry();
  readonly httpRequests = new Counter({
    name: 'jifen_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'jifen_http_request_duration_seconds',
    help: 'Time from receiving a request to answering it, by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: LATENCY_BUCKETS_SECONDS,
    registers: [this.registry],
  });
  private readonly ledgerEntries = new Counter({
    name: 'jifen_ledger_entries_total',
    help: 'Journal entries committed, by entry type (earn, spend, adjust, reverse, transfer_out, hold, capture, expire, ...).',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });
  private readonly pointsIssued = new Counter({
    name: 'jifen_points_issued_total',
    help: 'Points credited to members from the issued account (credits, event awards, birthday gifts).',
    registers: [this.registry],
  });
  private readonly pointsSpent = new Counter({
    name: 'jifen_points_spent_total',
    help: 'Points members spent (debits, hold captures, redemptions).',
    registers: [this.registry],
  });
  private readonly pointsExpired = new Counter({
    name: 'jifen_points_expired_total',
    help: 'Points the expiry sweep took from lots past their expiry.',
    registers: [this.registry],
  });
  private readonly eventsAnswered = new Counter({
    name: 'jifen_events_total',
    help: 'Events answered by intake: outcome accepted, replayed or refused (with its error code).',
    labelNames: ['outcome', 'code'] as const,
    registers: [this.registry],
  });
  private readonly deliveries = new Counter({
    name: 'jifen_deliveries_total',
    help: 'Notification delivery attempts by channel and outcome (delivered or failed).',
    labelNames: ['channel', 'outcome'] as const,
    registers: [this.registry],
  });
  private lastBacklog: Backlog | null = null;
  private backlogRead: Promise<Backlog | null> | null = null;
  private readonly unsubscribe: Array<() => void>;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    options: { processMetrics?: boolean } = {},
  ) {
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'jifen_' });
    const backlog = () => this.backlog();
    new Gauge({
      name: 'jifen_sweep_lag_seconds',
      help: 'Age of the oldest row due for each sweep (expiry, pending_release, hold_timeout, tier_evaluation); 0 when none is due.',
      labelNames: ['sweep'] as const,
      registers: [this.registry],
      async collect() {
        const read = await backlog();
        for (const kind of SWEEP_KINDS) if (read) this.set({ sweep: kind }, read.sweepLagSeconds[kind]);
      },
    });
    new Gauge({
      name: 'jifen_outbox_undispatched',
      help: 'Outbox messages not yet fanned out to deliveries and inboxes (counted up to 100000).',
      registers: [this.registry],
      async collect() {
        const read = await backlog();
        if (read) this.set(read.outboxUndispatched);
      },
    });
    new Gauge({
      name: 'jifen_deliveries_pending',
      help: 'Deliveries (webhook, email, SMS) waiting for a first attempt or a retry (counted up to 100000).',
      registers: [this.registry],
      async collect() {
        const read = await backlog();
        if (read) this.set(read.deliveriesPending);
      },
    });
    new Gauge({
      name: 'jifen_db_connections',
      help: 'Database connections by state: total and idle (PostgreSQL pool; PGlite has one), waiting = callers queued for a connection.',
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        const usage = db.poolUsage();
        this.set({ state: 'total' }, usage.total);
        this.set({ state: 'idle' }, usage.idle);
        this.set({ state: 'waiting' }, usage.waiting);
      },
    });
    this.unsubscribe = [
      activity.ledgerEntriesCommitted.subscribe((entries) => this.countEntries(entries)),
      activity.eventsAnswered.subscribe((answers) => this.countEvents(answers)),
      activity.deliveriesAttempted.subscribe((attempts) => this.countDeliveries(attempts)),
    ];
  }

  /** The text Prometheus scrapes, and its content type. */
  async scrape(): Promise<{ contentType: string; text: string }> {
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }

  close(): void {
    for (const unsubscribe of this.unsubscribe) unsubscribe();
  }

  private countEntries(entries: readonly EntryFact[]): void {
    const byType = new Map<string, number>();
    let issued = 0;
    let spent = 0;
    let expired = 0;
    for (const entry of entries) {
      byType.set(entry.type, (byType.get(entry.type) ?? 0) + 1);
      // contraDelta is the system account's side: negative when points leave it for a member.
      if (entry.contraAccount === 'issued' && entry.contraDelta < 0) issued -= entry.contraDelta;
      if (entry.contraAccount === 'redeemed' && entry.contraDelta > 0) spent += entry.contraDelta;
      if (entry.contraAccount === 'expired' && entry.contraDelta > 0) expired += entry.contraDelta;
    }
    for (const [type, count] of byType) this.ledgerEntries.inc({ type }, count);
    if (issued > 0) this.pointsIssued.inc(issued);
    if (spent > 0) this.pointsSpent.inc(spent);
    if (expired > 0) this.pointsExpired.inc(expired);
  }

  private countEvents(answers: readonly EventAnswerFact[]): void {
    const counts = new Map<string, number>();
    for (const answer of answers) {
      const key = answer.refusedCode
        ? `refused ${answer.refusedCode}`
        : answer.replayed
          ? 'replayed '
          : 'accepted ';
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    for (const [key, count] of counts) {
      const [outcome, code] = key.split(' ') as [string, string];
      this.eventsAnswered.inc({ outcome, code }, count);
    }
  }

  private countDeliveries(attempts: readonly DeliveryFact[]): void {
    for (const attempt of attempts) {
      this.deliveries.inc({ channel: attempt.channel, outcome: attempt.ok ? 'delivered' : 'failed' });
    }
  }

  /** One backlog query per scrape, shared by the gauges it feeds; past its deadline, the last values. */
  private backlog(): Promise<Backlog | null> {
    if (this.backlogRead) return this.backlogRead;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), BACKLOG_DEADLINE_MS);
    });
    const read = readBacklog(this.db, this.clock.now()).then((backlog) => {
      this.lastBacklog = backlog;
      return backlog;
    });
    this.backlogRead = Promise.race([read, deadline])
      .catch(() => null)
      .then((backlog) => backlog ?? this.lastBacklog)
      .finally(() => {
        clearTimeout(timer);
        this.backlogRead = null;
      });
    return this.backlogRead;
  }
}

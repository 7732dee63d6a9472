import { createServer } from 'node:net';
import { mailStaffNotices } from '../approvals/notice-mail.ts';
import { startAuditSealer } from '../audit/audit-sealer.ts';
import type { Database } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import { openDatabase } from '../db/open-database.ts';
import { vacuumEmbedded } from '../db/vacuum.ts';
import {
  DEFAULT_IDEMPOTENCY_RETENTION_DAYS,
  pruneIdempotencyKeys,
} from '../idempotency/prune-idempotency-keys.ts';
import { ImportCommitRunner } from '../imports/commit-runner.ts';
import { DRY_RUN_RETENTION_DAYS, pruneDryRuns } from '../imports/prune-dry-runs.ts';
import { smsAdapterFromEnv, smtpSenderFromEnv } from '../notifications/channels/channels-from-env.ts';
import type { SmtpSender } from '../notifications/channels/smtp-sender.ts';
import { defaultLeaseMs } from '../notifications/dispatch/deliver-due.ts';
import { startDispatcher } from '../notifications/dispatch/dispatcher.ts';
import {
  DEFAULT_NOTIFICATION_RETENTION_DAYS,
  pruneNotifications,
} from '../notifications/dispatch/prune-notifications.ts';
import { runExpiryReminders } from '../notifications/reminders/expiry-reminders.ts';
import { DEFAULT_SHUTDOWN_TIMEOUT_MS, shutDownGracefully, shutdownSignal } from '../ops/graceful-shutdown.ts';
import { serveControlSocket } from '../ops/serve-control-socket.ts';
import { bootstrap, ensureAdminKey } from '../programs/bootstrap.ts';
import { runSegmentSweeps, SegmentRefresher } from '../segments/segment-sweeps.ts';
import { systemClock } from '../shared/clock.ts';
import { DAY_MS } from '../shared/time-units.ts';
import { pruneStaffSignIns } from '../staff/prune-staff-sessions.ts';
import { runAllSweeps } from '../sweeps/sweeper.ts';
import { runBirthdayBonuses } from '../tiers/birthday-bonus.ts';
import { runTierSweeps } from '../tiers/tier-evaluation.ts';
import { sealLegacyPlaintext } from '../vault/legacy-plaintext.ts';
import { unlockVault } from '../vault/vault-keys.ts';
import { printBootstrapKeys } from './bootstrap-output.ts';
import { masterKeysOf, warnGeneratedKeyFile } from './cli-database.ts';
import { booleanEnv, DATABASE_FLAGS, databaseLocation, parse, UsageError } from './options.ts';
import { rateLimitsFromEnv, timeoutsFromEnv } from './serve-limits.ts';
import { OBSERVABILITY_FLAGS, serveObservability } from './serve-observability.ts';

const SERVE_FLAGS = {
  ...DATABASE_FLAGS,
  port: { type: 'string' },
  host: { type: 'string' },
  role: { type: 'string' },
  'sweep-interval-ms': { type: 'string' },
  'dispatch-interval-ms': { type: 'string' },
  ...OBSERVABILITY_FLAGS,
} as const;

/**
 * Reminders look ahead a month of lots; once a minute is soon enough for a day-grained message.
 * Old notifications, and dry-run imports left uncommitted for a week, are pruned on the same beat.
 */
const REMINDER_INTERVAL_MS = 60_000;

/**
 * How often a worker looks for imports whose commit nobody runs (their process died: its lease,
 * `COMMIT_LEASE_MS`, expired) and resumes them. Also at the first pass, after a restart.
 */
const IMPORT_RESUME_INTERVAL_MS = 15_000;

/** The embedded database has no autovacuum: `serve` vacuums it this often (db/vacuum.ts). */
const VACUUM_INTERVAL_MS = 10 * 60_000;

function integerFlag(value: string, flag: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0)
    throw new UsageError(
      `${flag.startsWith('JIFEN_') ? flag : `--${flag}`} must be a whole number, got "${value}"`,
    );
  return number;
}

/** Background sweeps (expiry, pending release, hold time-outs, tier evaluations), one pass every interval. */
function startSweeps(
  db: Database,
  intervalMs: number,
  retentionDays: number,
  importCommits: ImportCommitRunner,
  log: (message: string) => void,
  /** Mails staff notices (approvals) when SMTP is configured. */
  email: SmtpSender | null,
): () => Promise<void> {
  let stopped = false;
  const stopping = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let remindersDueAt = 0;
  let importsDueAt = 0;
  // Not at once: a start-up should not begin by scanning every table.
  let vacuumDueAt = Date.now() + VACUUM_INTERVAL_MS;
  const tick = () => {
    running = runAllSweeps(db, systemClock, undefined, stopping.signal)
      .then(async (results) => {
        if (stopping.signal.aborted) return; // shutting down: the rest waits for the next start
        // Each kind of work on its own: one failing must not hold up the others.
        const tiers = await runTierSweeps(db, systemClock).catch((error: unknown) => {
          log(`tier sweep failed, will retry: ${(error as Error).message}`);
          return { evaluated: 0, downgraded: 0, manualEnded: 0 };
        });
        const segments = await runSegmentSweeps(db, systemClock).catch((error: unknown) => {
          log(`segment computation failed, will retry: ${(error as Error).message}`);
          return [];
        });
        const birthdays = await runBirthdayBonuses(db, systemClock).catch((error: unknown) => {
          log(`birthday gifts failed, will retry: ${(error as Error).message}`);
          return 0;
        });
        let reminders = 0;
        if (Date.now() >= remindersDueAt) {
          remindersDueAt = Date.now() + REMINDER_INTERVAL_MS;
          reminders = await runExpiryReminders(db, systemClock)
            .then((result) => result.reminders)
            .catch((error: unknown) => {
              log(`expiry reminders failed, will retry: ${(error as Error).message}`);
              remindersDueAt = 0;
              return 0;
            });
          const keepFrom = new Date(
            systemClock.now().getTime() - DEFAULT_NOTIFICATION_RETENTION_DAYS * DAY_MS,
          );
          await pruneNotifications(db, keepFrom).catch((error: unknown) =>
            log(`pruning notifications failed, will retry: ${(error as Error).message}`),
          );
          const dryRunsFrom = new Date(systemClock.now().getTime() - DRY_RUN_RETENTION_DAYS * DAY_MS);
          await pruneDryRuns(db, dryRunsFrom).catch((error: unknown) =>
            log(`pruning dry-run imports failed, will retry: ${(error as Error).message}`),
          );
          await pruneStaffSignIns(db, systemClock.now()).catch((error: unknown) =>
            log(`pruning ended staff sessions failed, will retry: ${(error as Error).message}`),
          );
        }
        const mailed = email
          ? await mailStaffNotices(db, email, systemClock.now()).catch((error: unknown) => {
              log(`mailing staff notices failed, will retry: ${(error as Error).message}`);
              return 0;
            })
          : 0;
        let resumed = 0;
        if (Date.now() >= importsDueAt) {
          importsDueAt = Date.now() + IMPORT_RESUME_INTERVAL_MS;
          resumed = await importCommits.resumeAbandoned().catch((error: unknown) => {
            log(`resuming import commits failed, will retry: ${(error as Error).message}`);
            return 0;
          });
        }
        const before = new Date(systemClock.now().getTime() - retentionDays * DAY_MS);
        await pruneIdempotencyKeys(db, before);
        if (Date.now() >= vacuumDueAt) {
          vacuumDueAt = Date.now() + VACUUM_INTERVAL_MS;
          await vacuumEmbedded(db).catch((error: unknown) =>
            log(`vacuum failed, will retry: ${(error as Error).message}`),
          );
        }
        const done = results
          .filter((result) => result.entries > 0)
          .map((r) => `${r.kind}: ${r.entries} entries for ${r.members} members`);
        if (tiers.evaluated + tiers.manualEnded > 0) {
          done.push(
            `tiers: ${tiers.evaluated} evaluated (${tiers.downgraded} down), ${tiers.manualEnded} assignments ended`,
          );
        }
        if (birthdays > 0) done.push(`birthday gifts: ${birthdays}`);
        for (const result of segments) done.push(`segments: ${result.members} members judged`);
        if (reminders > 0) done.push(`expiry reminders: ${reminders}`);
        if (resumed > 0) done.push(`import commits resumed: ${resumed}`);
        if (mailed > 0) done.push(`staff notices mailed: ${mailed}`);
        if (done.length > 0) log(done.join('; '));
      })
      .catch((error: unknown) => log(`sweep failed, will retry: ${(error as Error).message}`))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, intervalMs);
      });
  };
  // The first pass one interval after the API started listening, so its first requests come first.
  timer = setTimeout(tick, intervalMs);
  return async () => {
    stopped = true;
    stopping.abort();
    clearTimeout(timer);
    await running;
  };
}

/** The one-line message for a port that cannot be listened on, or null for other errors. */
function portError(error: unknown, port: number, host: string): UsageError | null {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE')
    return new UsageError(`port ${port} is in use; stop the other process or pass --port`);
  if (code === 'EACCES')
    return new UsageError(`port ${port} needs privileges on ${host}; pass --port 1024 or above`);
  if (code === 'EADDRNOTAVAIL')
    return new UsageError(
      `--host ${host} is not an address of this machine; pass --host 127.0.0.1 or 0.0.0.0`,
    );
  return null;
}

/** Listens on the port for a moment, so a busy port stops serve before the database is touched. */
async function assertPortFree(port: number, host: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error) => reject(portError(error, port, host) ?? error));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve()));
  });
}

export async function serveCommand(args: string[]): Promise<number> {
  const { values } = parse(args, SERVE_FLAGS);
  const port = integerFlag(values.port ?? process.env.JIFEN_PORT ?? '8080', 'port');
  const host = values.host ?? process.env.JIFEN_HOST ?? '127.0.0.1';
  const role = values.role ?? process.env.JIFEN_ROLE ?? 'both';
  if (!['api', 'worker', 'both'].includes(role)) throw new UsageError('--role must be api, worker or both');
  const sweepIntervalMs = integerFlag(values['sweep-interval-ms'] ?? '1000', 'sweep-interval-ms');
  const retentionDays = integerFlag(
    process.env.JIFEN_IDEMPOTENCY_RETENTION_DAYS ?? String(DEFAULT_IDEMPOTENCY_RETENTION_DAYS),
    'JIFEN_IDEMPOTENCY_RETENTION_DAYS',
  );
  // Read before anything starts, so a bad value stops serve at once.
  const timeouts = timeoutsFromEnv(process.env);
  const rateLimits = rateLimitsFromEnv(process.env);
  // Webhooks to loopback and private addresses: off unless the operator says so (docs/webhooks.md).
  const webhookAllowPrivateNetworks = booleanEnv('JIFEN_WEBHOOK_ALLOW_PRIVATE', false);

  const shutdownTimeoutMs = integerFlag(
    process.env.JIFEN_SHUTDOWN_TIMEOUT_MS ?? String(DEFAULT_SHUTDOWN_TIMEOUT_MS),
    'JIFEN_SHUTDOWN_TIMEOUT_MS',
  );
  const observability = serveObservability(values, process.env);

  const webhookTimeoutMs = integerFlag(
    process.env.JIFEN_WEBHOOK_TIMEOUT_MS ?? '10000',
    'JIFEN_WEBHOOK_TIMEOUT_MS',
  );
  const dispatchIdleMs = integerFlag(values['dispatch-interval-ms'] ?? '100', 'dispatch-interval-ms');
  const deliveryLeaseMs = integerFlag(
    process.env.JIFEN_DELIVERY_LEASE_MS ?? String(defaultLeaseMs(webhookTimeoutMs)),
    'JIFEN_DELIVERY_LEASE_MS',
  );

  // Before anything is created: a busy port must not cost the one showing of a new key.
  if (role !== 'worker') await assertPortFree(port, host);

  const location = databaseLocation(values);
  // The HTTP stack loads while PGlite compiles its WebAssembly (on other threads): on two cores
  // the two overlap.
  const appModule = role === 'worker' ? null : import('../http/app.ts');
  appModule?.catch(() => {}); // awaited below; a failure to open the database comes first
  const db = await openDatabase({ ...location, maxConnections: 24 });
  const log = (message: string) => observability.logger.info(message);
  const metrics = observability.metricsFor(db, systemClock);
  const stopRequested = shutdownSignal(log);
  await migrate(db);
  try {
    const vault = await unlockVault(db, masterKeysOf(location), { required: true });
    if (vault.generatedKeyFile) warnGeneratedKeyFile(vault.generatedKeyFile);
    for (const { name, sealed } of await sealLegacyPlaintext(db))
      log(`sealed ${sealed} plain-text value(s) of ${name} written before personal data was encrypted`);
  } catch (error) {
    await db.close();
    throw error;
  }
  const adminKey = process.env.JIFEN_ADMIN_KEY || undefined;
  const created = await bootstrap(
    db,
    systemClock.now(),
    process.env.JIFEN_BOOTSTRAP_KEY || undefined,
    adminKey,
  );
  if (created) {
    log(`created the default program ${created.programId}, its owner API key and the admin key.`);
    printBootstrapKeys(created, {
      owner: !process.env.JIFEN_BOOTSTRAP_KEY,
      admin: !adminKey,
    });
  } else if (adminKey && (await ensureAdminKey(db, systemClock.now(), adminKey))) {
    log('created the admin key given by JIFEN_ADMIN_KEY.');
  }
  // Background work gives way to the API (on PGlite, where both share one connection).
  const importCommits = new ImportCommitRunner(db.background(), systemClock, { log });
  let stopSweeps: (() => Promise<void>) | null = null;
  let stopAuditSealer: (() => Promise<void>) | null = null;
  let dispatcher: ReturnType<typeof startDispatcher> | null = null;
  // Members whose ledger this process moved are judged again for segments soon after.
  const segmentRefresher =
    role === 'worker' ? null : new SegmentRefresher(db.background(), systemClock, { log });
  const app =
    role === 'worker'
      ? null
      : await (await appModule!).buildApp({
          db,
          // The dispatcher starts once the API listens; until then there is nothing to wake.
          onWriteAnswered: () => dispatcher?.nudge(),
          timeouts,
          rateLimits: { ...rateLimits, warn: log },
          logger: observability.logger,
          importCommits,
          ...(metrics && { metrics, metricsOnApi: observability.metricsOnApi }),
        });
  const closeMetrics = await observability.listen(log);
  const control = await serveControlSocket(db, location, systemClock, log);
  const http = app && (await import('../http/shutdown.ts')).httpServerPart(app);
  let listenError: unknown;
  if (app) {
    try {
      await app.listen({ port, host });
      log(`API on http://${host}:${port} (${db.engine}); docs at http://${host}:${port}/docs`);
      log(
        `console at http://${host}:${port}/console/ (first run: /console/first-run, with the owner API key)`,
      );
    } catch (error) {
      // Taken since the check: the same one-line message, after a clean shutdown of the rest.
      listenError = portError(error, port, host) ?? error;
    }
  }
  if (listenError === undefined) {
    // Background work starts once the API answers: on PGlite a sweep's statement holds the one
    // connection and the event loop, and the first passes after a restart on a full database
    // (expiry reminders above all) took seconds that /health used to wait for.
    const worker = db.background();
    const email = role === 'api' ? null : smtpSenderFromEnv(process.env);
    stopSweeps =
      role === 'api' ? null : startSweeps(worker, sweepIntervalMs, retentionDays, importCommits, log, email);
    stopAuditSealer =
      role === 'api'
        ? null
        : startAuditSealer(worker, systemClock, {
            head: (heads) => observability.logger.info({ auditHeads: heads }, 'audit chain heads'),
            error: log,
          });
    dispatcher =
      role === 'api'
        ? null
        : startDispatcher(
            worker,
            systemClock,
            {
              email,
              sms: smsAdapterFromEnv(process.env, log),
              webhookTimeoutMs,
              webhookAllowPrivateNetworks,
            },
            {
              idleMs: dispatchIdleMs,
              leaseMs: deliveryLeaseMs,
              onMessageError: (messageId, error) =>
                log(
                  `message ${messageId} reached webhooks only: its member channels failed (${error.message})`,
                ),
              log,
            },
          );
    log(`${await stopRequested}: shutting down (deadline ${shutdownTimeoutMs} ms)`);
  }
  const parts = [
    http,
    control,
    stopSweeps && { name: 'background sweeps', stop: stopSweeps },
    stopAuditSealer && { name: 'audit sealer', stop: stopAuditSealer },
    segmentRefresher && { name: 'segment refresher', stop: () => segmentRefresher.stop() },
    // Between two chunks; each import stays `committing`, resumed by the next start.
    { name: 'import commits', stop: () => importCommits.stop() },
    dispatcher && { name: 'notification dispatcher', stop: dispatcher.stop },
    { name: 'metrics', stop: closeMetrics },
  ].filter((part) => part !== null);
  const code = await shutDownGracefully(
    parts,
    async () => {
      metrics?.close();
      await db.close();
    },
    { timeoutMs: shutdownTimeoutMs, log },
  );
  observability.flush();
  if (listenError !== undefined) throw listenError;
  // Past the deadline, connections or timers may still be open: do not wait for them.
  if (code !== 0) process.exit(code);
  return code;
}

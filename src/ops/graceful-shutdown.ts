/**
 * How `jifen serve` stops on SIGTERM / SIGINT: every part stops taking new work and finishes what it
 * has in hand, all at once; then the database closes (which releases the data-directory lock). Past
 * the deadline, what is still running is named in the log, dropped, and the exit code is 1: nothing
 * is half-written, because every write is one transaction that either committed or rolls back.
 */

export interface StoppablePart {
  /** For the log: "HTTP server", "background sweeps". */
  readonly name: string;
  /** Stops taking new work; resolves once the work in hand is done. */
  stop(): Promise<void>;
  /** Past the deadline: what is being cut short, e.g. "3 requests in flight". */
  pending?(): string;
  /** Past the deadline: drop what is left (e.g. close every connection). */
  abandon?(): void;
}

export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 15_000;
/** After the deadline, how long closing the database may still take before the process just exits. */
const CLOSE_GRACE_MS = 2_000;

/** Resolves with the first SIGTERM or SIGINT; a second one while stopping exits at once. */
export function shutdownSignal(log: (message: string) => void): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const first = (signal: NodeJS.Signals) => {
      process.off('SIGTERM', first);
      process.off('SIGINT', first);
      const again = (second: NodeJS.Signals) => {
        log(`${second} again: exiting at once (every write is one transaction; an open one rolls back)`);
        process.exit(1);
      };
      process.once('SIGTERM', again);
      process.once('SIGINT', again);
      resolve(signal);
    };
    process.on('SIGTERM', first);
    process.on('SIGINT', first);
  });
}

function timeout(ms: number): { promise: Promise<'timeout'>; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

/** Stops every part within `timeoutMs`, then closes the database. Returns the exit code. */
export async function shutDownGracefully(
  parts: readonly StoppablePart[],
  closeDatabase: () => Promise<void>,
  options: { timeoutMs: number; log: (message: string) => void },
): Promise<0 | 1> {
  const { log } = options;
  const started = Date.now();
  const finished = new Set<StoppablePart>();
  const stopped = Promise.all(
    parts.map((part) =>
      part.stop().then(
        () => void finished.add(part),
        (error: unknown) => {
          finished.add(part);
          log(`stopping the ${part.name} failed: ${(error as Error).message}`);
        },
      ),
    ),
  );
  const deadline = timeout(options.timeoutMs);
  const outcome = await Promise.race([stopped.then(() => 'stopped' as const), deadline.promise]);
  deadline.cancel();
  if (outcome === 'stopped') {
    await closeDatabase();
    log(`stopped cleanly in ${Date.now() - started} ms`);
    return 0;
  }
  const cut = parts.filter((part) => !finished.has(part));
  log(
    `shutdown deadline of ${options.timeoutMs} ms passed; cutting short: ${cut
      .map((part) => (part.pending ? `${part.name} (${part.pending()})` : part.name))
      .join(
        ', ',
      )}. Unanswered writes were not committed or will roll back; clients resend them with the same Idempotency-Key.`,
  );
  for (const part of cut) part.abandon?.();
  const grace = timeout(CLOSE_GRACE_MS);
  const closed = await Promise.race([
    closeDatabase().then(
      () => 'closed' as const,
      () => 'failed' as const,
    ),
    grace.promise,
  ]);
  grace.cancel();
  if (closed !== 'closed') log('the database did not close in time; exiting without closing it');
  return 1;
}

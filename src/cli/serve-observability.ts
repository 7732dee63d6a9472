import type { LevelWithSilent } from 'pino';
import type { Database } from '../db/database.ts';
import { createLogger, isLogLevel, LOG_LEVELS, type Logger } from '../observability/logger.ts';
import { JifenMetrics } from '../observability/metrics.ts';
import { startMetricsServer } from '../observability/metrics-server.ts';
import type { Clock } from '../shared/clock.ts';
import { UsageError } from './options.ts';

/** `jifen serve`'s logging and metrics flags (flags win over environment variables). */
export const OBSERVABILITY_FLAGS = {
  'log-level': { type: 'string' },
  metrics: { type: 'string' },
  'metrics-port': { type: 'string' },
  'metrics-host': { type: 'string' },
} as const;

interface ObservabilityValues {
  'log-level'?: string | undefined;
  metrics?: string | undefined;
  'metrics-port'?: string | undefined;
  'metrics-host'?: string | undefined;
}

export interface ServeObservability {
  logger: Logger;
  /** Writes out buffered log lines (at shutdown). */
  flush(): void;
  /** False when /metrics has a port of its own (then the API port does not serve it). */
  metricsOnApi: boolean;
  /** The metrics of this process once the database is open, or null with `--metrics off`. */
  metricsFor(db: Database, clock: Clock): JifenMetrics | null;
  /** Starts the separate metrics listener, if one was asked for; returns its close function. */
  listen(log: (message: string) => void): Promise<() => Promise<void>>;
}

export function parseLogLevel(value: string, source: string): LevelWithSilent {
  if (!isLogLevel(value))
    throw new UsageError(`${source} must be one of ${LOG_LEVELS.join(', ')}; got "${value}"`);
  return value;
}

/** Reads the flags (a bad value is a usage error, before anything is opened) and makes the logger. */
export function serveObservability(values: ObservabilityValues, env: NodeJS.ProcessEnv): ServeObservability {
  const level = values['log-level']
    ? parseLogLevel(values['log-level'], '--log-level')
    : parseLogLevel(env.JIFEN_LOG_LEVEL || 'info', 'JIFEN_LOG_LEVEL');
  const enabled = values.metrics ?? env.JIFEN_METRICS ?? 'on';
  if (enabled !== 'on' && enabled !== 'off')
    throw new UsageError(
      `${values.metrics ? '--metrics' : 'JIFEN_METRICS'} must be on or off; got "${enabled}"`,
    );
  const portText = values['metrics-port'] ?? env.JIFEN_METRICS_PORT;
  const port = portText === undefined || portText === '' ? null : Number(portText);
  if (port !== null && (!/^\d+$/.test(portText!) || port > 65_535))
    throw new UsageError(`--metrics-port (JIFEN_METRICS_PORT) must be a port number, got "${portText}"`);
  const host = values['metrics-host'] ?? env.JIFEN_METRICS_HOST ?? '127.0.0.1';
  const { logger, flush } = createLogger({ level, pretty: process.stdout.isTTY === true });
  let metrics: JifenMetrics | null = null;
  return {
    logger,
    flush,
    metricsOnApi: port === null,
    metricsFor(db, clock) {
      metrics = enabled === 'on' ? new JifenMetrics(db, clock) : null;
      return metrics;
    },
    async listen(log) {
      if (!metrics || port === null) return async () => {};
      const server = await startMetricsServer(metrics, port, host);
      log(`metrics on http://${host}:${server.port}/metrics`);
      return server.close;
    },
  };
}

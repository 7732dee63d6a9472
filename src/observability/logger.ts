import { createRequire } from 'node:module';
import { type DestinationStream, type LevelWithSilent, type Logger, pino } from 'pino';
import type PinoPretty from 'pino-pretty';

export type { Logger } from 'pino';

export const LOG_LEVELS: readonly LevelWithSilent[] = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
];

export function isLogLevel(value: string): value is LevelWithSilent {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

export interface LoggerOptions {
  level: LevelWithSilent;
  /** Human-readable lines (a terminal); otherwise one JSON object per line. */
  pretty?: boolean;
  /** Where lines go (default standard output); tests pass a stream to read them. */
  destination?: DestinationStream;
}

/** A logger whose buffered output must be written out before the process exits. */
export interface FlushableLogger {
  logger: Logger;
  flush(): void;
}

/**
 * The process's one logger (pino). JSON lines go to stdout through an asynchronous buffer, so a
 * request never waits for the terminal or the pipe; `flush` writes what is left at shutdown.
 */
export function createLogger(options: LoggerOptions): FlushableLogger {
  const base = { level: options.level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime };
  if (options.destination) {
    const logger = pino(base, options.destination);
    return { logger, flush: () => logger.flush() };
  }
  if (options.pretty) {
    // Loaded only for a terminal: it is a third of a second of start-up that servers do not need.
    const pretty = createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty;
    const stream = pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', sync: true });
    return { logger: pino(base, stream), flush: () => {} };
  }
  // Lines are gathered into writes of at least 4 KB, and whatever is waiting goes out every 100 ms:
  // under load one write a line was a system call per request (7% of a busy server's CPU in `a`).
  const stream = pino.destination({ dest: 1, sync: false, minLength: 4096, periodicFlush: 100 });
  const flush = () => {
    try {
      stream.flushSync();
    } catch {
      // Nothing was written yet (the stream is not open): nothing to flush.
    }
  };
  return { logger: pino(base, stream), flush };
}

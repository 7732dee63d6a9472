import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/observability/logger.ts';

/** A real pino logger writing JSON lines into memory, so tests read exactly what operators would. */
export function captureLogs(level: 'info' | 'debug' = 'info'): {
  logger: Logger;
  text(): string;
  lines(): Array<Record<string, unknown>>;
} {
  let text = '';
  const destination = new Writable({
    write(chunk, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  const { logger } = createLogger({ level, destination });
  return {
    logger,
    text: () => text,
    lines: () =>
      text
        .split('\n')
        .filter((line) => line.length > 0)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

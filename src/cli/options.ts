import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { DatabaseLocation } from '../db/open-database.ts';

/** Flags shared by every command that opens the database; flags win over environment variables. */
export const DATABASE_FLAGS = {
  data: { type: 'string' },
  'database-url': { type: 'string' },
} as const;

export function databaseLocation(values: {
  data?: string | undefined;
  'database-url'?: string | undefined;
}): DatabaseLocation {
  return {
    databaseUrl: values['database-url'] ?? process.env.DATABASE_URL,
    dataDir: values.data ?? process.env.JIFEN_DATA_DIR,
  };
}

export class UsageError extends Error {}

export function parse<const T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true as const, strict: true as const });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

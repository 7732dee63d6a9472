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

/** A yes/no setting from the environment: unset or empty is `fallback`; anything but true/false/1/0 is a mistake. */
export function booleanEnv(name: string, fallback: boolean): boolean {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new UsageError(`${name} must be true or false, got "${value}"`);
}

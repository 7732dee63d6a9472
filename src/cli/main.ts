import { migrate } from '../db/migrate.ts';
import { openDatabase } from '../db/open-database.ts';
import {
  ALL_SCOPES,
  createApiKey,
  listApiKeys,
  MAX_RATE_LIMIT_PER_MINUTE,
  revokeApiKey,
  SCOPES,
} from '../keys/api-keys.ts';
import { systemClock } from '../shared/clock.ts';
import { JifenError } from '../shared/errors.ts';
import { listDueExpiries } from '../sweeps/due-expiries.ts';
import { runSweep } from '../sweeps/sweeper.ts';
import { verifyLedger } from '../verify/verify-ledger.ts';
import { wireAreas } from '../wiring.ts';
import { programFor, withDatabase } from './cli-database.ts';
import { DATABASE_FLAGS, databaseLocation, parse, UsageError } from './options.ts';

const HELP = `jifen — membership points platform

Usage: jifen <command> [flags]

Commands:
  serve                 Start the API and background sweeps (migrates first)
                        --port (JIFEN_PORT, 8080) --host (JIFEN_HOST, 127.0.0.1) --role api|worker|both
                        --log-level fatal|error|warn|info|debug|trace|silent (JIFEN_LOG_LEVEL, info)
                        --metrics on|off (JIFEN_METRICS, on) --metrics-port N (JIFEN_METRICS_PORT: /metrics
                        there instead of on the API port) --metrics-host (JIFEN_METRICS_HOST, 127.0.0.1)
  migrate               Apply database migrations
  verify                Check every ledger invariant; exits 1 naming any violation
  expire [--dry-run]    Expire due lots now, or list what would expire
  keys list             List API keys         [--program prg_...]
  keys create           Create an API key     --name NAME [--scopes a,b] [--program prg_...]
                        [--rate-limit N] (requests a minute; default JIFEN_RATE_LIMIT_PER_MINUTE)
  keys revoke KEY_ID    Revoke an API key     [--program prg_...]
  demo                  Load a year of a real shop's orders, refunds and reviews into the default program
                        (creating it if needed) with five example rules [--csv PATH] [--program prg_...]
  backup --out FILE     Snapshot the embedded database to FILE (asks the running server if one holds it)
  restore FILE          Restore a backup into --data DIR (which must be empty; --force replaces its database)
  bench [flags]         Run the benchmarks (same as npm run bench; bench --help for flags)

Database flags (every command):
  --data DIR            Embedded database directory (JIFEN_DATA_DIR, default ./.jifen)
  --database-url URL    PostgreSQL instead of the embedded database (DATABASE_URL)
`;

async function verifyCommand(args: string[]): Promise<number> {
  const { values } = parse(args, DATABASE_FLAGS);
  return withDatabase(values, async (db) => {
    const { checks, violations } = await verifyLedger(db);
    if (violations.length === 0) {
      console.log(`verify: all ${checks} invariants hold`);
      return 0;
    }
    for (const v of violations)
      console.error(`VIOLATION ${v.invariant} program=${v.programId} ${v.subject}: ${v.detail}`);
    console.error(
      `verify: ${violations.length} violation(s) of ${new Set(violations.map((v) => v.invariant)).size} invariant(s)`,
    );
    return 1;
  });
}

async function expireCommand(args: string[]): Promise<number> {
  const { values } = parse(args, { ...DATABASE_FLAGS, 'dry-run': { type: 'boolean' } });
  return withDatabase(values, async (db) => {
    const now = systemClock.now();
    if (values['dry-run']) {
      const due = await listDueExpiries(db, now);
      for (const lot of due) {
        console.log(
          `${lot.programId}\t${lot.memberId}\t${lot.lotId}\t${lot.points}\texpired at ${lot.expiresAt}`,
        );
      }
      console.log(
        `expire --dry-run: ${due.reduce((sum, lot) => sum + lot.points, 0)} points in ${due.length} lots would expire`,
      );
      return 0;
    }
    const result = await runSweep(db, systemClock, 'expiry');
    console.log(`expire: ${result.entries} expiry entries for ${result.members} members`);
    return 0;
  });
}

function rateLimitFlag(value: string | undefined): number | null {
  if (value === undefined) return null;
  const perMinute = Number(value);
  if (!Number.isInteger(perMinute) || perMinute < 1 || perMinute > MAX_RATE_LIMIT_PER_MINUTE) {
    throw new UsageError(
      `--rate-limit must be a whole number of requests a minute from 1 to ${MAX_RATE_LIMIT_PER_MINUTE}, got "${value}"`,
    );
  }
  return perMinute;
}

async function keysCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    ...DATABASE_FLAGS,
    program: { type: 'string' },
    name: { type: 'string' },
    scopes: { type: 'string' },
    'rate-limit': { type: 'string' },
  });
  const [action, keyId] = positionals;
  const rateLimitPerMinute = rateLimitFlag(values['rate-limit']);
  return withDatabase(values, async (db) => {
    const programId = await programFor(db, values.program);
    const now = systemClock.now();
    if (action === 'list') {
      for (const key of await listApiKeys(db, programId)) {
        console.log(
          `${key.id}\t${key.name}\t${key.prefix}…\t${key.rateLimitPerMinute === null ? 'default rate limit' : `${key.rateLimitPerMinute}/min`}\t${key.scopes.join(',')}\t${key.revokedAt ? `revoked ${key.revokedAt}` : 'active'}`,
        );
      }
      return 0;
    }
    if (action === 'create') {
      if (!values.name) throw new UsageError('keys create needs --name');
      const scopes = (values.scopes ?? ALL_SCOPES).split(',').map((scope) => scope.trim());
      const unknown = scopes.filter(
        (scope) => scope !== ALL_SCOPES && !(SCOPES as readonly string[]).includes(scope),
      );
      if (unknown.length > 0)
        throw new UsageError(`Unknown scope(s) ${unknown.join(', ')}; known: ${SCOPES.join(', ')}, *`);
      const { key, secret } = await createApiKey(
        db,
        programId,
        { name: values.name, scopes, rateLimitPerMinute },
        now,
      );
      const limit = key.rateLimitPerMinute === null ? '' : `, ${key.rateLimitPerMinute} requests/min`;
      console.log(`created ${key.id} (${key.scopes.join(',')}${limit}); the key, shown only now:\n${secret}`);
      return 0;
    }
    if (action === 'revoke') {
      if (!keyId) throw new UsageError('keys revoke needs the key id, e.g. jifen keys revoke key_01...');
      const key = await revokeApiKey(db, programId, keyId, now);
      console.log(`revoked ${key.id} at ${key.revokedAt}`);
      return 0;
    }
    throw new UsageError('keys needs list, create or revoke');
  });
}

const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  // The HTTP stack loads only for serve: every other command starts in a fraction of the time.
  serve: async (args) => (await import('./serve-command.ts')).serveCommand(args),
  migrate: async (args) => {
    const { values } = parse(args, DATABASE_FLAGS);
    const db = await openDatabase(databaseLocation(values));
    try {
      const applied = await migrate(db);
      console.log(applied.length ? `migrate: applied ${applied.join(', ')}` : 'migrate: up to date');
      return 0;
    } finally {
      await db.close();
    }
  },
  verify: verifyCommand,
  expire: expireCommand,
  keys: keysCommand,
  backup: async (args) => (await import('./backup-command.ts')).backupCommand(args),
  restore: async (args) => (await import('./backup-command.ts')).restoreCommand(args),
  demo: async (args) => (await import('../demo/demo-command.ts')).demoCommand(args),
  // The harness lives in bench/ (a repository checkout); loaded only when asked for.
  bench: async (args) => (await import('../../bench/run.ts')).benchMain(args),
};

export async function main(argv: string[]): Promise<number> {
  wireAreas();
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    console.log(HELP);
    return name ? 0 : 1;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`jifen: unknown command "${name}". Run "jifen help" for the list.`);
    return 2;
  }
  try {
    return await command(args);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`jifen ${name}: ${error.message}`);
      return 2;
    }
    if (error instanceof JifenError) {
      console.error(`jifen ${name}: ${error.detail}`);
      return 1;
    }
    throw error;
  }
}

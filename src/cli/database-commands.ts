import { migrate } from '../db/migrate.ts';
import { openDatabase } from '../db/open-database.ts';
import {
  ALL_SCOPES,
  createAdminKey,
  createApiKey,
  listApiKeys,
  MAX_RATE_LIMIT_PER_MINUTE,
  revokeApiKey,
  SCOPES,
} from '../keys/api-keys.ts';
import { systemClock } from '../shared/clock.ts';
import { listDueExpiries } from '../sweeps/due-expiries.ts';
import { runSweep } from '../sweeps/sweeper.ts';
import { verifyLedger } from '../verify/verify-ledger.ts';
import { printAuditVerification } from './audit-command.ts';
import { programFor, withDatabase } from './cli-database.ts';
import { DATABASE_FLAGS, databaseLocation, parse, UsageError } from './options.ts';

/** The commands that work on the database directly (loaded only when one of them runs). */

export async function migrateCommand(args: string[]): Promise<number> {
  const { values } = parse(args, DATABASE_FLAGS);
  const db = await openDatabase(databaseLocation(values));
  try {
    const applied = await migrate(db);
    console.log(applied.length ? `migrate: applied ${applied.join(', ')}` : 'migrate: up to date');
    return 0;
  } finally {
    await db.close();
  }
}

export async function verifyCommand(args: string[]): Promise<number> {
  const { values } = parse(args, DATABASE_FLAGS);
  return withDatabase(values, async (db) => {
    const { checks, violations } = await verifyLedger(db);
    // The audit log's chains too: its result joins the exit code.
    const audit = await printAuditVerification(db);
    if (violations.length === 0) {
      console.log(`verify: all ${checks} invariants hold`);
      return audit;
    }
    for (const v of violations)
      console.error(`VIOLATION ${v.invariant} program=${v.programId} ${v.subject}: ${v.detail}`);
    console.error(
      `verify: ${violations.length} violation(s) of ${new Set(violations.map((v) => v.invariant)).size} invariant(s)`,
    );
    return 1;
  });
}

export async function expireCommand(args: string[]): Promise<number> {
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

export async function keysCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    ...DATABASE_FLAGS,
    program: { type: 'string' },
    name: { type: 'string' },
    scopes: { type: 'string' },
    'rate-limit': { type: 'string' },
    'requires-approval': { type: 'boolean' },
    admin: { type: 'boolean' },
  });
  const [action, keyId] = positionals;
  const rateLimitPerMinute = rateLimitFlag(values['rate-limit']);
  if (values.admin) {
    if (action !== 'create') throw new UsageError('--admin goes with keys create only');
    if (values.program || values.scopes || values['rate-limit'] || values['requires-approval'])
      throw new UsageError(
        'an admin key belongs to no program and has no scopes: drop --program, --scopes, --rate-limit and --requires-approval',
      );
    return withDatabase(values, async (db) => {
      const { key, secret } = await createAdminKey(db, { name: values.name ?? 'admin' }, systemClock.now());
      console.log(
        `created admin key ${key.id}: it creates, lists and archives programs and mints their first owner key, nothing else; the key, shown only now:\n${secret}`,
      );
      return 0;
    });
  }
  return withDatabase(values, async (db) => {
    const programId = await programFor(db, values.program);
    const now = systemClock.now();
    if (action === 'list') {
      for (const key of await listApiKeys(db, programId)) {
        console.log(
          `${key.id}\t${key.name}\t${key.prefix}…\t${key.rateLimitPerMinute === null ? 'default rate limit' : `${key.rateLimitPerMinute}/min`}\t${key.scopes.join(',')}${key.requiresApproval ? '\trequires approval' : ''}\t${key.revokedAt ? `revoked ${key.revokedAt}` : 'active'}`,
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
        {
          name: values.name,
          scopes,
          rateLimitPerMinute,
          requiresApproval: values['requires-approval'] ?? false,
        },
        now,
      );
      const limit = key.rateLimitPerMinute === null ? '' : `, ${key.rateLimitPerMinute} requests/min`;
      const gated = key.requiresApproval ? ', held by the approval policy like staff' : '';
      console.log(
        `created ${key.id} (${key.scopes.join(',')}${limit}${gated}); the key, shown only now:\n${secret}`,
      );
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

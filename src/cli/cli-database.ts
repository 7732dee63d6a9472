import { resolve } from 'node:path';
import { migrate } from '../db/migrate.ts';
import { type DatabaseLocation, DEFAULT_DATA_DIR, openDatabase } from '../db/open-database.ts';
import { type MasterKeys, masterKeysFrom } from '../vault/master-key.ts';
import { unlockVault } from '../vault/vault-keys.ts';
import { databaseLocation, UsageError } from './options.ts';

export type CliDatabase = Awaited<ReturnType<typeof openDatabase>>;

/** Opens the database the flags name, migrates it, runs `work`, and closes it whatever happens. */
export async function withDatabase<T>(
  values: Parameters<typeof databaseLocation>[0],
  work: (db: CliDatabase) => Promise<T>,
): Promise<T> {
  const location = databaseLocation(values);
  const db = await openDatabase(location);
  try {
    await migrate(db);
    // Commands that read or write personal data need the master key; the rest run without one.
    const vault = await unlockVault(db, masterKeysOf(location), { required: false });
    if (vault.generatedKeyFile) warnGeneratedKeyFile(vault.generatedKeyFile);
    return await work(db);
  } finally {
    await db.close();
  }
}

/**
 * The program a command acts on: the one named by --program, or the only one there is. A program
 * that is not there is a typo to report, not a foreign-key violation to print as a stack trace.
 */
export async function programFor(db: CliDatabase, requested: string | undefined): Promise<string> {
  if (requested) {
    const [found] = await db.query<{ id: string }>('select id from programs where id = $1', [requested]);
    if (found) return requested;
    const known = await db.query<{ id: string }>('select id from programs order by created_at limit 6');
    const listed = known.slice(0, 5).map((program) => program.id);
    throw new UsageError(
      `There is no program "${requested}" in this database. ` +
        (known.length === 0
          ? 'It has no program yet: run `jifen serve` once to create one.'
          : `Its programs: ${listed.join(', ')}${known.length > 5 ? ', …' : ''}.`),
    );
  }
  const programs = await db.query<{ id: string }>('select id from programs order by created_at limit 2');
  if (programs.length === 0)
    throw new UsageError('There is no program yet: run `jifen serve` once to create one.');
  if (programs.length > 1)
    throw new UsageError('There are several programs: say which with --program prg_...');
  return programs[0]!.id;
}

/** The master keys for a database: the environment's, or the embedded database's key file. */
export function masterKeysOf(location: DatabaseLocation): MasterKeys {
  return masterKeysFrom(
    process.env,
    location.databaseUrl ? null : resolve(location.dataDir ?? DEFAULT_DATA_DIR),
  );
}

export function warnGeneratedKeyFile(path: string): void {
  console.error(
    `jifen: generated the master key that encrypts personal data: ${path}\n` +
      '  Back it up apart from the database: `jifen backup` does not contain it, and without it the\n' +
      '  personal data (phone numbers, e-mail, names, addresses) cannot be read.',
  );
}

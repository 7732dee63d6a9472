import { existsSync } from 'node:fs';
import { generateKeyFile, moveKeyFile, readKeyFile } from '../vault/master-key.ts';
import { rotateMasterKey, wrappedBy } from '../vault/rotate-master.ts';
import { masterKeysOf, withDatabase } from './cli-database.ts';
import { DATABASE_FLAGS, databaseLocation, parse, UsageError } from './options.ts';

const USAGE = 'usage: jifen vault status|rotate [--data DIR | --database-url URL]';

/**
 * `jifen vault status`: which master key is configured and which wraps the database's data keys.
 * `jifen vault rotate`: re-wraps every data key with the new master key (see docs/privacy.md).
 */
export async function vaultCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'status' && sub !== 'rotate') throw new UsageError(USAGE);
  const { values } = parse(rest, DATABASE_FLAGS);
  const location = databaseLocation(values);
  return withDatabase(values, async (db) => {
    const keys = masterKeysOf(location);
    if (sub === 'status') {
      const wrapping = await wrappedBy(db);
      console.log(
        keys.current
          ? `master key ${keys.current.fingerprint} (${keys.current.origin})`
          : `no master key: ${keys.missing}`,
      );
      for (const other of keys.others)
        console.log(`also given: master key ${other.fingerprint} (${other.origin})`);
      if (wrapping.length === 0) console.log('no data key yet (nothing encrypted)');
      for (const { fingerprint, dataKeys } of wrapping) {
        const mark = fingerprint === keys.current?.fingerprint ? '' : ' (not the configured key: rotate)';
        console.log(`${dataKeys} data key(s) wrapped by master key ${fingerprint}${mark}`);
      }
      return wrapping.every(({ fingerprint }) => fingerprint === keys.current?.fingerprint) ? 0 : 1;
    }
    const given = [...(keys.current ? [keys.current] : []), ...keys.others];
    if (keys.keyFile === null) {
      if (!keys.current) throw new UsageError(keys.missing ?? USAGE);
      const report = await rotateMasterKey(db, given, keys.current);
      console.log(
        `rotated: ${report.rewrapped} data key(s) re-wrapped by master key ${keys.current.fingerprint}, ${report.already} already were. ` +
          'Once every process runs with this JIFEN_MASTER_KEY, remove JIFEN_PREVIOUS_MASTER_KEY.',
      );
      return 0;
    }
    // The embedded key file: the new key goes to `.new` first, so a rotation stopped half-way
    // resumes with the same key, and nothing is re-wrapped by a key that was never written down.
    const next = `${keys.keyFile}.new`;
    const target = existsSync(next) ? readKeyFile(next) : generateKeyFile(next);
    const report = await rotateMasterKey(db, given, target);
    if (existsSync(keys.keyFile)) moveKeyFile(keys.keyFile, `${keys.keyFile}.previous`);
    moveKeyFile(next, keys.keyFile);
    console.log(
      `rotated: ${report.rewrapped} data key(s) re-wrapped by master key ${target.fingerprint}, ${report.already} already were.\n` +
        `The new key is ${keys.keyFile}: back it up now. The old one is ${keys.keyFile}.previous; delete it once the new one is backed up.`,
    );
    return 0;
  });
}

import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, describe, expect, test } from 'vitest';
import { openPglite } from '../../src/db/pglite-database.ts';
import {
  availablePoints,
  createMembers,
  creditRequest,
  pointsByMember,
  startCreditLoad,
  waitUntil,
} from '../support/credit-load.ts';
import { killAllChildren, runJifen, startServer, tempDataDir } from '../support/jifen-process.ts';

/**
 * Backups of the embedded database, taken by the real command line: from a running server over its
 * control socket while clients write, and from a data directory no server holds; restored into new
 * directories; and every way a restore must refuse.
 */

/** Real processes start slowly on a busy machine (PGlite compiles WebAssembly on every start). */
const START_MS = 120_000;
const jifen = (args: readonly string[]) => runJifen(args, { timeoutMs: 120_000 });

const KEY = 'jf_backup_test_owner_key_0123456789abcd';
const CLIENTS = 4;

async function balances(dataDir: string): Promise<Record<string, number>> {
  const db = await openPglite(join(dataDir, 'pgdata'));
  try {
    const rows = await db.query<{ member_id: string; available_points: number }>(
      'select member_id, available_points from members order by member_id',
    );
    return Object.fromEntries(rows.map((row) => [row.member_id, Number(row.available_points)]));
  } finally {
    await db.close();
  }
}

describe('jifen backup and jifen restore (embedded database)', () => {
  const dirs: { dir: string; remove(): void }[] = [];
  const newDir = () => {
    const made = tempDataDir();
    dirs.push(made);
    return made.dir;
  };
  afterAll(() => {
    killAllChildren();
    for (const made of dirs) made.remove();
  });

  test('a backup taken over the control socket under write load restores with every write acknowledged before it', async () => {
    const source = newDir();
    const files = newDir();
    const server = await startServer(['--data', source], {
      env: { JIFEN_BOOTSTRAP_KEY: KEY },
      startTimeoutMs: START_MS,
    });
    const socket = statSync(join(source, 'control.sock'));
    expect(socket.isSocket()).toBe(true);
    expect(socket.mode & 0o777).toBe(0o600);
    const members = Array.from({ length: CLIENTS }, (_, client) => `backup-c${client}`);
    await createMembers(server.url, KEY, members);

    const load = startCreditLoad(server.url, KEY, members);
    await waitUntil(() => load.answered() >= 100, 40_000, '100 answered credits');
    const backupStartedAt = Date.now();
    const acknowledgedBefore = load.records.filter(
      (record) => record.outcome?.kind === 'ok' && record.outcome.answeredAt < backupStartedAt,
    );
    const backupFile = join(files, 'under-load.backup');
    const backup = await jifen(['backup', '--data', source, '--out', backupFile]);
    expect(backup.stderr).toBe('');
    expect(backup.stdout).toMatch(new RegExp(`taken by the running server \\(pid ${server.pid}\\)`));
    expect(backup.code).toBe(0);
    const answeredDuringBackup = load.answered() - acknowledgedBefore.length;
    await load.stop();
    expect(answeredDuringBackup).toBeGreaterThan(0); // the server kept writing while it was copied
    expect((await server.stop('SIGTERM')).code).toBe(0);
    expect(readFileSync(backupFile).subarray(0, 15).toString()).toBe('JIFEN-BACKUP 1\n');

    const restored = join(newDir(), 'restored'); // does not exist yet: restore creates it
    const restore = await jifen(['restore', backupFile, '--data', restored]);
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    const verify = await jifen(['verify', '--data', restored]);
    expect(verify.stdout).toMatch(/all \d+ invariants hold/);
    expect(verify.code).toBe(0);

    // On the restored data, every credit acknowledged before the backup began is there (its resend
    // replays its answer); resending all the others too leaves each credit counted exactly once.
    const again = await startServer(['--data', restored], {
      env: { JIFEN_BOOTSTRAP_KEY: KEY },
      startTimeoutMs: START_MS,
    });
    const acknowledged = new Set(acknowledgedBefore);
    const problems: string[] = [];
    for (const record of load.records) {
      const response = await creditRequest(again.url, KEY, record.write);
      const body = await response.json();
      const replayed = response.headers.get('idempotent-replayed') === 'true';
      if (response.status !== 201) problems.push(`${record.write.key}: ${response.status}`);
      if (
        acknowledged.has(record) &&
        !(replayed && isDeepStrictEqual(body, (record.outcome as { body: unknown }).body))
      )
        problems.push(`${record.write.key}: acknowledged before the backup began, missing from it`);
    }
    expect(problems).toEqual([]);
    const expected = pointsByMember(load.records.map((record) => record.write));
    for (const memberId of members) {
      expect({ memberId, available: await availablePoints(again.url, KEY, memberId) }).toEqual({
        memberId,
        available: expected.get(memberId),
      });
    }

    // A server holds the restored directory now: restoring over it is refused, even with --force.
    const held = await jifen(['restore', backupFile, '--data', restored, '--force']);
    expect(held.code).toBe(1);
    // The message names the pid, and on Linux the command holding the directory.
    expect(held.stderr).toMatch(new RegExp(`in use by another Jifen process \\(pid ${again.pid}[:)]`));
    expect((await again.stop('SIGTERM')).code).toBe(0);

    // With no server running, backup opens the directory itself; the copy restores to the same data.
    const direct = join(files, 'direct.backup');
    const offline = await jifen(['backup', '--data', restored, '--out', direct]);
    expect(offline.stdout).toMatch(/taken directly/);
    expect(offline.code).toBe(0);
    expect(existsSync(join(restored, 'jifen.lock'))).toBe(false);
    const copy = newDir();
    expect((await jifen(['restore', direct, '--data', copy])).code).toBe(0);
    expect((await jifen(['verify', '--data', copy])).code).toBe(0);
    const copied = await balances(copy);
    expect(copied).toEqual(await balances(restored));
    expect(Object.keys(copied).sort()).toEqual([...members].sort());

    // A non-empty directory is refused without --force and replaced with it.
    const notEmpty = await jifen(['restore', backupFile, '--data', copy]);
    expect(notEmpty.code).toBe(1);
    expect(notEmpty.stderr).toMatch(/is not empty \(it holds pgdata\).*--force/);
    expect(await balances(copy)).toEqual(copied);
    const forced = await jifen(['restore', backupFile, '--data', copy, '--force']);
    expect(forced.code).toBe(0);
    expect(await balances(copy)).not.toEqual(copied); // the older snapshot, from under load
    expect((await jifen(['verify', '--data', copy])).code).toBe(0);
  }, 900_000);

  test('a file that is not a whole Jifen backup is refused, saying what is wrong, and nothing is created', async () => {
    const files = newDir();
    const source = newDir();
    expect((await jifen(['migrate', '--data', source])).code).toBe(0);
    const good = join(files, 'good.backup');
    expect((await jifen(['backup', '--data', source, '--out', good])).code).toBe(0);
    const bytes = readFileSync(good);
    const cases: [string, Buffer, RegExp][] = [
      ['empty', Buffer.alloc(0), /the file is empty/],
      ['text', Buffer.from('name,points\nann,5\n'), /does not start with "JIFEN-BACKUP 1"/],
      ['newer format', Buffer.from('JIFEN-BACKUP 9\n{}\n'), /format "JIFEN-BACKUP 9".*upgrade Jifen/],
      ['truncated', bytes.subarray(0, bytes.length - 1000), /truncated/],
      [
        'damaged',
        Buffer.from(bytes.map((byte, index) => (index === bytes.length - 5000 ? byte ^ 0xff : byte))),
        /checksum/,
      ],
    ];
    for (const [name, content, message] of cases) {
      const file = join(files, `${name}.backup`);
      writeFileSync(file, content);
      const target = join(files, `target-${name.replace(' ', '-')}`);
      const restore = await jifen(['restore', file, '--data', target]);
      expect({ name, code: restore.code }).toEqual({ name, code: 1 });
      expect(restore.stderr).toMatch(/This is not a usable Jifen backup/);
      expect(restore.stderr).toMatch(message);
      expect(existsSync(target)).toBe(false);
    }
    const missing = await jifen(['restore', join(files, 'nope.backup'), '--data', join(files, 't')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read .*nope\.backup: ENOENT/);
    const noData = await jifen(['backup', '--data', join(files, 'nothing-here'), '--out', join(files, 'x')]);
    expect(noData.code).toBe(1);
    expect(noData.stderr).toMatch(/no embedded database/);
  }, 300_000);

  test('for PostgreSQL, backup and restore point to pg_dump and pg_restore', async () => {
    const url = 'postgres://jifen@127.0.0.1:1/jifen';
    const backup = await jifen(['backup', '--database-url', url, '--out', 'x.backup']);
    expect(backup.code).toBe(2);
    expect(backup.stderr).toMatch(/pg_dump .*WAL archiving/);
    const restore = await jifen(['restore', 'x.backup', '--database-url', url]);
    expect(restore.code).toBe(2);
    expect(restore.stderr).toMatch(/pg_restore/);
  });
});

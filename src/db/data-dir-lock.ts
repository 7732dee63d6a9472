import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { JifenError } from '../shared/errors.ts';

export interface DataDirLock {
  release(): void;
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The command line of a running process, where the system tells (Linux: /proc), e.g. "jifen serve". */
function commandOf(pid: number): string | null {
  const path = `/proc/${pid}/cmdline`;
  if (!existsSync(path)) return null;
  try {
    const args = readFileSync(path, 'utf8')
      .split('\0')
      .filter((arg) => arg !== '');
    // node …/bin/jifen.js serve --port 8080 → jifen serve --port 8080
    const bin = args.findIndex((arg) => /(^|\/)jifen(\.js)?$/.test(arg));
    return bin >= 0 ? ['jifen', ...args.slice(bin + 1)].join(' ') : args.join(' ') || null;
  } catch {
    return null;
  }
}

/**
 * Only one process may open an embedded data directory: PGlite is a single-process database and
 * two writers would corrupt it. The lock is a file holding the owner's pid; a lock left by a
 * process that no longer runs (kill -9, power cut) is taken over.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const lockPath = join(dataDir, 'jifen.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return {
        release() {
          rmSync(lockPath, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const ownerPid = Number(readFileSync(lockPath, 'utf8').split('\n')[0]!.trim());
      if (
        Number.isInteger(ownerPid) &&
        ownerPid > 0 &&
        ownerPid !== process.pid &&
        processIsAlive(ownerPid)
      ) {
        const command = commandOf(ownerPid);
        throw new JifenError('data_dir_locked', {
          detail:
            `The data directory ${dataDir} is in use by another Jifen process (pid ${ownerPid}${command ? `: ${command}` : ''}). ` +
            `Stop that process first (Ctrl-C in its terminal, or kill ${ownerPid}; a running server also takes backups: jifen backup), ` +
            'or pass a different --data directory.',
          extensions: { pid: ownerPid, ...(command ? { command } : {}) },
        });
      }
      rmSync(lockPath, { force: true });
    }
  }
  throw new JifenError('data_dir_locked', {
    detail: `Could not take the lock on ${dataDir}: another process keeps taking it.`,
  });
}

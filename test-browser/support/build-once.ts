import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Before the browser tests: the console built from the current sources (console/dist), unless
 * a build newer than every source is there already.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));

function newest(dir: string): number {
  let time = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    time = Math.max(time, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return time;
}

export default function buildOnce(): void {
  const index = join(root, 'console', 'dist', 'index.html');
  const sources = Math.max(
    newest(join(root, 'console', 'src')),
    newest(join(root, 'packages', 'sdk', 'src')),
  );
  if (existsSync(index) && statSync(index).mtimeMs > sources) return;
  const built = spawnSync(process.execPath, [join(root, 'scripts', 'build-console.mjs')], {
    stdio: 'inherit',
  });
  if (built.status !== 0) throw new Error('the console did not build (see above)');
}

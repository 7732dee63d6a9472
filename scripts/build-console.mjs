// `npm run console:build` (and the end of `npm run build`, so `npm install` builds it too): the
// admin console (console/) built by Vite into console/dist, which `jifen serve` serves at /console/.
// Prints the initial JavaScript (what the page loads before any screen) gzip-compressed: its budget
// is 400 KB.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = fileURLToPath(new URL('../', import.meta.url));
const dist = join(root, 'console', 'dist');
export const INITIAL_JS_BUDGET_BYTES = 400 * 1024;

/** The JavaScript index.html loads at once (its module script and modulepreloads), each gzip-compressed. */
export function initialJs(distDir = dist) {
  const html = readFileSync(join(distDir, 'index.html'), 'utf8');
  const files = [...html.matchAll(/(?:src|href)="\/console\/([^"]+\.js)"/g)].map((match) => match[1]);
  return files.map((file) => ({
    file,
    gzipBytes: gzipSync(readFileSync(join(distDir, file)), { level: 9 }).length,
  }));
}

function main() {
  let vite;
  try {
    vite = join(createRequire(import.meta.url).resolve('vite/package.json'), '..', 'bin', 'vite.js');
  } catch {
    console.log('jifen build: no Vite here (an install without devDependencies); the console is not rebuilt');
    return 0;
  }
  const started = Date.now();
  const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn', join(root, 'console')], {
    cwd: root,
    stdio: 'inherit',
    // Vite keeps a NODE_ENV it finds (a test runner's `test`): the console is always a production build.
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (result.status !== 0 || !existsSync(join(dist, 'index.html'))) {
    console.error(
      'jifen build: the console (console/) failed to build with Vite (see the errors above); /console/ answers 503 until `npm run build` succeeds',
    );
    return result.status || 1;
  }
  const initial = initialJs();
  const total = initial.reduce((sum, { gzipBytes }) => sum + gzipBytes, 0);
  const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
  console.log(
    `jifen build: console/ built to console/dist in ${((Date.now() - started) / 1000).toFixed(1)} s; initial JS ${kb(total)} gzip (budget ${kb(INITIAL_JS_BUDGET_BYTES)})`,
  );
  if (total > INITIAL_JS_BUDGET_BYTES) {
    console.error("jifen build: the console's initial JavaScript is over its budget: split it (React.lazy)");
    return 1;
  }
  return 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exit(main());

#!/usr/bin/env node
// Jifen's command line. `npm install` compiles the sources to dist/ (scripts/build.mjs); this runs
// that compiled code while it matches the sources, and the TypeScript sources through tsx otherwise
// (a checkout edited since, or JIFEN_RUN_SOURCES=1, as the tests set).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function compiledIsCurrent() {
  if (process.env.JIFEN_RUN_SOURCES === '1') return false;
  const stamp = join(root, 'dist', 'build.json');
  if (!existsSync(stamp)) return false;
  // An installed package may ship dist/ without src/: then dist/ is all there is.
  if (!existsSync(join(root, 'src'))) return true;
  const { sourcesAt } = JSON.parse(readFileSync(stamp, 'utf8'));
  return newestSource(join(root, 'src')) <= sourcesAt;
}

let main;
if (compiledIsCurrent()) {
  ({ main } = await import('../dist/cli/main.js'));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));

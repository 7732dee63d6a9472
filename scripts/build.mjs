// `npm run build` (and `prepare`, so `npm install` builds it): compiles src/ to JavaScript in dist/
// with the TypeScript compiler, copies the migrations beside the compiled code, and records the
// newest source's time, so bin/jifen.js runs the compiled code only while it matches the sources.
// Then builds the admin console (console/ → console/dist, scripts/build-console.mjs).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const dist = join(root, 'dist');
const require = createRequire(import.meta.url);

let tsc;
try {
  tsc = join(dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');
} catch {
  // An install without devDependencies: the package ships dist/ already, or runs the sources.
  console.log('jifen build: no TypeScript compiler here; bin/jifen.js will run the sources through tsx');
  process.exit(0);
}

/** The newest modification time of any file under `dir`, in milliseconds. */
export function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const started = Date.now();
const sourcesAt = newestSource(join(root, 'src'));
rmSync(dist, { recursive: true, force: true });
const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], {
  cwd: root,
  stdio: 'inherit',
});
if (!existsSync(join(dist, 'cli', 'main.js'))) {
  console.error('jifen build: the compiler emitted nothing; bin/jifen.js will run the sources through tsx');
  process.exit(result.status || 1);
}
// Type errors still emit JavaScript; `npm run typecheck` is where they fail a build.
if (result.status !== 0) console.warn('jifen build: the compiler reported type errors (see above)');
cpSync(join(root, 'src', 'db', 'migrations'), join(dist, 'db', 'migrations'), { recursive: true });

// A migrated, empty embedded database for `jifen serve` to copy on its first start (initdb in
// WebAssembly takes 7–10 s; a copy takes a fraction of a second). Made in a child process, by
// the compiled code itself.
const template = join(dist, 'pgdata-template');
const made = spawnSync(
  process.execPath,
  [
    '--input-type=module',
    '-e',
    `const { openPglite, stampTemplate } = await import(${JSON.stringify(new URL('db/pglite-database.js', `file://${dist}/`).href)});
     const { migrate } = await import(${JSON.stringify(new URL('db/migrate.js', `file://${dist}/`).href)});
     const db = await openPglite(${JSON.stringify(template)});
     await migrate(db);
     await db.close();
     stampTemplate(${JSON.stringify(template)});`,
  ],
  { cwd: root, stdio: 'inherit' },
);
if (made.status !== 0) {
  rmSync(template, { recursive: true, force: true });
  console.warn('jifen build: no data-directory template; the first `jifen serve` will run initdb');
}
writeFileSync(join(dist, 'build.json'), `${JSON.stringify({ sourcesAt })}\n`);
console.log(`jifen build: src/ compiled to dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s`);

const consoleBuild = spawnSync(process.execPath, [join(root, 'scripts', 'build-console.mjs')], {
  cwd: root,
  stdio: 'inherit',
});
if (consoleBuild.status !== 0) process.exit(consoleBuild.status || 1);

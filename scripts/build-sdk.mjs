// `npm run sdk:build` (and `npm run sdk:check`, which CI runs): compiles packages/sdk/src to
// JavaScript with declarations in packages/sdk/dist, what its package.json `exports` point a
// consumer at (Node 20 ESM; `types` for TypeScript). The declarations' relative imports are
// rewritten from `.ts` to `.js`, the files beside them, so a consumer's TypeScript of any recent
// version resolves them. `node scripts/build-sdk.mjs DIR` builds the package into DIR instead
// (DIR/dist and DIR/package.json): the built-package test installs it that way.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const sdk = fileURLToPath(new URL('../packages/sdk/', import.meta.url));
const target = process.argv[2] ? resolve(process.argv[2]) : sdk;
const dist = join(target, 'dist');
const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');

rmSync(dist, { recursive: true, force: true });
const result = spawnSync(process.execPath, [tsc, '-p', join(sdk, 'tsconfig.json'), '--outDir', dist], {
  stdio: 'inherit',
});
if (result.status !== 0) {
  console.error('sdk build: the compiler failed (see above)');
  process.exit(result.status || 1);
}
for (const name of readdirSync(dist)) {
  if (!name.endsWith('.d.ts')) continue;
  const file = join(dist, name);
  const text = readFileSync(file, 'utf8');
  writeFileSync(file, text.replace(/(from\s+['"]\.{1,2}\/[^'"]+)\.ts(['"])/g, '$1.js$2'));
}
if (target !== sdk) {
  mkdirSync(target, { recursive: true });
  copyFileSync(join(sdk, 'package.json'), join(target, 'package.json'));
}
console.log(`sdk build: ${dist}`);

import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * `npm run test:browser`: the console in a real Chromium (playwright-core driving /usr/bin/chromium)
 * against a real `jifen serve`, on the embedded database and, with JIFEN_TEST_DATABASE_URL, on
 * PostgreSQL; and the console's own unit tests. Not part of `npm test`.
 */
export default defineConfig({
  // As console/vite.config.ts: the console imports the SDK from its sources.
  resolve: {
    alias: { '@jifen/sdk': fileURLToPath(new URL('packages/sdk/src/index.ts', import.meta.url)) },
  },
  test: {
    setupFiles: ['test/support/test-environment.ts'],
    globalSetup: ['test-browser/support/build-once.ts'],
    include: ['test-browser/**/*.test.ts', 'console/src/**/*.test.ts', 'console/src/**/*.test.tsx'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 1,
  },
});

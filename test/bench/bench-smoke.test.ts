import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, test } from 'vitest';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '../..');

/**
 * `npm run bench` is measured by hand, never in tests; but a bench that cannot run is a defect.
 * The in-process scenario on PGlite, a few hundred credits, through the real entry point: it
 * commits drafts in the bench's own process, so the areas must be wired there as in the server.
 */
describe('the bench runs', () => {
  const out = mkdtempSync(join(tmpdir(), 'jifen-bench-smoke-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  test('the in-process batch scenario on PGlite completes and verifies', async () => {
    const { stdout } = await run(
      process.execPath,
      [
        '--import',
        'tsx',
        'bench/run.ts',
        '--scenario',
        'batch',
        '--engine',
        'pglite',
        '--no-baseline',
        '--ops',
        '300',
        '--batch-size',
        '100',
        '--warmup',
        '0',
        '--members',
        '200',
        '--out',
        out,
      ],
      { cwd: ROOT, timeout: 120_000 },
    );
    expect(stdout).toMatch(/c-batch: \d+ credits\/s.*verify ok/);
    expect(stdout).not.toMatch(/FAILED/);
  }, 150_000);
});

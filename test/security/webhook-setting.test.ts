import { afterAll, expect, test } from 'vitest';
import { killAllChildren, runJifen, tempDataDir } from '../support/jifen-process.ts';

afterAll(() => killAllChildren());

/** A mistyped setting is a message at start-up, not a silently strict (or open) server. */
test.each(['serve', 'demo'])(
  'jifen %s refuses a JIFEN_WEBHOOK_ALLOW_PRIVATE that is not true or false',
  async (command) => {
    const data = tempDataDir();
    try {
      const result = await runJifen([command, '--data', data.dir], {
        env: { JIFEN_WEBHOOK_ALLOW_PRIVATE: 'yes' },
        timeoutMs: 100_000,
      });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('JIFEN_WEBHOOK_ALLOW_PRIVATE must be true or false, got "yes"');
      expect(result.stderr).not.toMatch(/\n\s+at /);
    } finally {
      data.remove();
    }
  },
  120_000,
);

import { describe, expect, test } from 'vitest';
import { paid, perYuan } from '../events/event-test-kit.ts';
import { processStoreForSuite, runJifen, startServer } from '../support/jifen-process.ts';
import { ENGINES, type Engine } from '../support/test-database.ts';

/**
 * A batch of a thousand events is decided and written in parts on PostgreSQL (a part every 200
 * events, sent while the rest is decided), all in one transaction. A real `jifen serve` is killed
 * with SIGKILL while such a batch is in flight; on restart the same batch is sent again. Whatever
 * the moment of the kill, the batch counted all or nothing: the retry either replays every event
 * or decides every event, members hold exactly what the events earned, and the ledger verifies.
 */

const KEY = 'jf_intake_crash_test_key_0123456789abcdef';
const EVENTS = 1_000;
const MEMBERS = 120;

type Reply = { status: number; body: { results?: { status: number; replayed?: boolean }[] } };

async function call(baseUrl: string, method: string, path: string, body?: unknown): Promise<Reply> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${KEY}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
    signal: AbortSignal.timeout(60_000),
  });
  return { status: response.status, body: (await response.json()) as Reply['body'] };
}

function batch(prefix: string) {
  return Array.from({ length: EVENTS }, (_, n) =>
    paid(`${prefix}-e${n}`, `${prefix}-m${n % MEMBERS}`, `${prefix}-o${n}`, 100 * (1 + (n % 50))),
  );
}

/** Points each member of a batch earns under `perYuan` (1 point per ¥1). */
function expectedPoints(prefix: string): Map<string, number> {
  const points = new Map<string, number>();
  for (const event of batch(prefix)) {
    points.set(event.memberId, (points.get(event.memberId) ?? 0) + event.attributes.amountMinor / 100);
  }
  return points;
}

describe.each(ENGINES)(
  'kill -9 while a large event batch is written in parts, then retry (%s)',
  (engine: Engine) => {
    const suite = processStoreForSuite(engine);

    test('the batch counts all or nothing, whenever the server died', async () => {
      const env = { JIFEN_BOOTSTRAP_KEY: KEY };
      suite.server = await startServer(suite.args, { env });
      const created = await call(suite.server.url, 'POST', '/v1/rules', perYuan);
      expect(created.status).toBe(201);
      const ruleId = (created.body as unknown as { id: string }).id;
      expect((await call(suite.server.url, 'POST', `/v1/rules/${ruleId}/publish`)).status).toBe(200);

      // How long a batch takes here, so the kill lands while the next one is being decided and written.
      const started = Date.now();
      const warmUp = await call(suite.server.url, 'POST', '/v1/events/batch', { events: batch('warm') });
      expect(warmUp.status).toBe(200);
      const batchMs = Date.now() - started;

      const victim = suite.server;
      const inFlight = call(victim.url, 'POST', '/v1/events/batch', { events: batch('crash') }).then(
        (reply) => reply,
        () => null, // the connection died with the server
      );
      await new Promise((resolve) => setTimeout(resolve, Math.max(5, Math.round(batchMs * 0.6))));
      victim.child.kill('SIGKILL');
      expect((await victim.exited).signal).toBe('SIGKILL');
      const first = await inFlight;

      suite.server = await startServer(suite.args, { env });
      const retry = await call(suite.server.url, 'POST', '/v1/events/batch', { events: batch('crash') });
      expect(retry.status).toBe(200);
      const results = retry.body.results!;
      expect(results.every((result) => result.status === 201)).toBe(true);
      const replayed = new Set(results.map((result) => result.replayed === true));
      // All or nothing: never some events of the batch stored and others not.
      expect(replayed.size).toBe(1);
      if (first !== null) expect([...replayed]).toEqual([true]);

      for (const prefix of ['warm', 'crash']) {
        for (const [memberId, points] of expectedPoints(prefix)) {
          const member = (await call(suite.server.url, 'GET', `/v1/members/${memberId}`)).body as unknown as {
            balances: { available: number };
          };
          expect({ memberId, available: member.balances.available }).toEqual({ memberId, available: points });
        }
      }
      expect((await suite.server.stop('SIGTERM')).code).toBe(0);
      suite.server = undefined;
      const verify = await runJifen(['verify', ...suite.args]);
      expect(verify.code, verify.stdout + verify.stderr).toBe(0);
      expect(verify.stdout).toMatch(/all \d+ invariants hold/);
    }, 110_000);
  },
);

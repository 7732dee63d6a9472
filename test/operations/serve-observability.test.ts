import { afterAll, describe, expect, it } from 'vitest';
import {
  freePort,
  freshProcessStore,
  killAllChildren,
  runJifen,
  startServer,
  tempDataDir,
} from '../support/jifen-process.ts';
import { ENGINES } from '../support/test-database.ts';
import { parsePrometheus, sampleValue } from './prometheus-text.ts';

const KEY = 'jf_test_observability_0123456789abcdef';

afterAll(() => killAllChildren());

describe('jifen serve logging and metrics flags', () => {
  it('refuses a bad --log-level, JIFEN_LOG_LEVEL or --metrics-port with a clear message', async () => {
    const data = tempDataDir();
    try {
      const flag = await runJifen(['serve', '--data', data.dir, '--log-level', 'loud']);
      expect(flag.code).toBe(2);
      expect(flag.stderr).toContain(
        '--log-level must be one of fatal, error, warn, info, debug, trace, silent',
      );
      expect(flag.stderr).not.toMatch(/\n\s+at /);
      const env = await runJifen(['serve', '--data', data.dir], { env: { JIFEN_LOG_LEVEL: 'verbose' } });
      expect(env.code).toBe(2);
      expect(env.stderr).toContain('JIFEN_LOG_LEVEL must be one of');
      const port = await runJifen(['serve', '--data', data.dir, '--metrics-port', 'ninety']);
      expect(port.code).toBe(2);
      expect(port.stderr).toContain('--metrics-port (JIFEN_METRICS_PORT) must be a port number');
    } finally {
      data.remove();
    }
  }, 180_000);
});

describe.each(ENGINES)('jifen serve --metrics-port (%s)', (engine) => {
  it('serves /metrics on its own port only, and logs JSON lines with the request id', async () => {
    const store = await freshProcessStore(engine);
    const metricsPort = await freePort();
    const server = await startServer(store.args, {
      env: { JIFEN_BOOTSTRAP_KEY: KEY, JIFEN_LOG_LEVEL: 'info' },
      extraArgs: ['--metrics-port', String(metricsPort)],
      startTimeoutMs: 150_000,
    });
    try {
      const auth = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
      expect(
        (await fetch(`${server.url}/v1/members/zed`, { method: 'PUT', headers: auth, body: '{}' })).status,
      ).toBe(201);
      const credit = await fetch(`${server.url}/v1/members/zed/credits`, {
        method: 'POST',
        headers: { ...auth, 'x-request-id': 'proc-trace-1' },
        body: JSON.stringify({ points: 25, reason: 'r' }),
      });
      expect(credit.status).toBe(201);
      expect(credit.headers.get('x-request-id')).toBe('proc-trace-1');

      const onApi = await fetch(`${server.url}/metrics`);
      expect(onApi.status).toBe(404);
      const scraped = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
      expect(scraped.status).toBe(200);
      const samples = parsePrometheus(await scraped.text());
      expect(sampleValue(samples, 'jifen_points_issued_total')).toBe(25);
      expect(
        sampleValue(samples, 'jifen_http_requests_total', {
          method: 'POST',
          route: '/v1/members/:memberId/credits',
          status: '201',
        }),
      ).toBe(1);
      expect((await fetch(`http://127.0.0.1:${metricsPort}/v1/members/zed`)).status).toBe(404);

      // Logs are asynchronous: give the line a moment to reach the pipe.
      let line: Record<string, unknown> | undefined;
      for (let tries = 0; tries < 50 && !line; tries++) {
        line = server
          .output()
          .split('\n')
          .filter((text) => text.startsWith('{'))
          .map((text) => JSON.parse(text) as Record<string, unknown>)
          .find((entry) => entry.requestId === 'proc-trace-1');
        if (!line) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(line).toMatchObject({ msg: 'request', status: 201, route: '/v1/members/:memberId/credits' });
      expect(server.output()).toMatch(/"msg":"metrics on http:\/\/127\.0\.0\.1:\d+\/metrics"/);
      expect(server.output()).not.toContain('[jifen]');
    } finally {
      expect((await server.stop()).code).toBe(0);
      await store.remove();
    }
  }, 240_000);
});

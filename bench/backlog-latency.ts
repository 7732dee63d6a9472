// How long API requests wait while background work has a backlog, on the embedded database:
// `jifen serve --data <temp>` with a webhook endpoint on a dead port, and N members credited in
// batches of 500, so the dispatcher fans out thousands of messages and every delivery fails and is
// retried. GET /health and GET /v1/members/{id} are probed one at a time, the whole time the members
// are credited and --seconds after; prints the latency percentiles of each. Usage:
//   node --import tsx bench/backlog-latency.ts [--members 3000] [--seconds 30]
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { cleanupAll, freshTempDir } from './databases.ts';
import { Client, freePort, startServer } from './scenarios/http.ts';
import { nowMs } from './stats.ts';

const { values } = parseArgs({
  options: { members: { type: 'string' }, seconds: { type: 'string' } },
});
const members = Number(values.members ?? 3000);
const probeSeconds = Number(values.seconds ?? 30);

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const summary = (label: string, samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  const f = (n: number) => n.toFixed(1);
  return `${label}: ${sorted.length} probes, p50 ${f(percentile(sorted, 50))} ms, p90 ${f(percentile(sorted, 90))} ms, p99 ${f(percentile(sorted, 99))} ms, max ${f(sorted.at(-1) ?? 0)} ms`;
};

try {
  const dir = freshTempDir('backlog');
  const key = `jf_bench_${randomBytes(16).toString('hex')}`;
  const port = await freePort();
  const deadPort = await freePort();
  const server = await startServer(['--data', dir.path, '--log-level', 'warn'], key, port, null);
  const client = new Client(port, key, 4);
  const endpoint = await client.send('POST', '/v1/webhooks', { url: `http://127.0.0.1:${deadPort}/hook` });
  if (endpoint.status !== 201) throw new Error(`webhook: ${endpoint.status} ${endpoint.text.slice(0, 300)}`);
  const ids = Array.from({ length: members }, (_, index) => `bk-${index}`);
  // Probes run from the start, while the members are credited and the backlog builds and drains.
  const health: number[] = [];
  const member: number[] = [];
  const probe = new Client(port, key, 1);
  let seeding = true;
  let probeUntil = Number.POSITIVE_INFINITY;
  const probing = (async () => {
    while (nowMs() < probeUntil) {
      let at = nowMs();
      const h = await probe.send('GET', '/health', undefined);
      health.push(nowMs() - at);
      at = nowMs();
      const m = await probe.send('GET', '/v1/members/bk-0', undefined);
      if (!seeding || m.status === 200) member.push(nowMs() - at);
      if (h.status !== 200) throw new Error(`probe: ${h.status}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  const started = nowMs();
  for (let page = 0; page < ids.length; page += 500) {
    const slice = ids.slice(page, page + 500);
    await Promise.all(slice.map((id) => client.send('PUT', `/v1/members/${id}`, {})));
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    const items = slice.map((memberId) => ({
      idempotencyKey: `seed-${memberId}`,
      memberId,
      points: 100,
      reason: 'backlog',
      expiresAt,
    }));
    const batch = await client.send('POST', '/v1/credits/batch', { items });
    if (batch.status !== 200) throw new Error(`batch: ${batch.status} ${batch.text.slice(0, 300)}`);
  }
  seeding = false;
  console.log(
    `${members} members credited in ${((nowMs() - started) / 1000).toFixed(1)} s; probing ${probeSeconds} s more`,
  );
  probeUntil = nowMs() + probeSeconds * 1000;
  await probing;
  probe.close();
  const metrics = await client.send('GET', '/metrics', undefined);
  const backlog = metrics.text
    .split('\n')
    .filter((line) => /^jifen_(outbox_undispatched|deliveries_pending|deliveries_total)/.test(line));
  console.log(summary('GET /health', health));
  console.log(summary('GET /v1/members/{id}', member));
  console.log(backlog.join('\n'));
  client.close();
  await server.stop();
} finally {
  await cleanupAll();
}
process.exit(0);

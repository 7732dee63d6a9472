// The CPU that logs and metrics add, measured in process: apps on one database, one with logging +
// metrics off and one with them on, answer requests through inject() in alternating rounds, and the
// process's own CPU time (process.cpuUsage, so other processes on a busy machine barely matter) is
// divided by the requests (or events). Log lines go to /dev/null through the same asynchronous pino
// destination `jifen serve` uses; each "on" round has a fresh metrics registry subscribed to the
// activity signals only while it runs. Two workloads:
// - `GET /health` (default): a route that does nothing else, so the overhead is not lost in the
//   database's noise;
// - `--events N`: `POST /v1/events/batch` of N order.paid events for new members, the path of
//   `events-batch`, on PostgreSQL (`--database-url`, default JIFEN_TEST_DATABASE_URL or
//   postgres://postgres@127.0.0.1:5432/test; a schema of its own, dropped at the end), so the
//   process's CPU is Jifen's alone, as the bench's "server CPU per event".
// Usage:
//   node --import tsx bench/observability-overhead.ts [--requests 20000] [--rounds 5]
//   node --import tsx bench/observability-overhead.ts --events 250 [--requests 40] [--rounds 5]
//   add --process-metrics off to leave out the process metrics (GC, event loop lag, heap)
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { Database } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';
import { openPglite } from '../src/db/pglite-database.ts';
import { openPostgres } from '../src/db/postgres-database.ts';
import { buildApp } from '../src/http/app.ts';
import { JifenMetrics } from '../src/observability/metrics.ts';
import { bootstrap } from '../src/programs/bootstrap.ts';
import { activity } from '../src/shared/activity.ts';
import { systemClock } from '../src/shared/clock.ts';

const { values } = parseArgs({
  options: {
    requests: { type: 'string' },
    rounds: { type: 'string' },
    events: { type: 'string' },
    'database-url': { type: 'string' },
    'process-metrics': { type: 'string' },
  },
});
const eventsPerRequest = values.events === undefined ? 0 : Number(values.events);
const requests = Number(values.requests ?? (eventsPerRequest > 0 ? 40 : 20_000));
const rounds = Number(values.rounds ?? 5);
const url =
  values['database-url'] ?? process.env.JIFEN_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `obs_overhead_${process.pid}`;
// Process metrics (event loop lag, GC, heap) start observers that live as long as the process: one
// set for the whole run, as in `jifen serve`, and none at all with `--process-metrics off`.
if (values['process-metrics'] !== 'off')
  collectDefaultMetrics({ register: new Registry(), prefix: 'jifen_' });

let db: Database;
if (eventsPerRequest > 0) {
  const admin = openPostgres({ connectionString: url, maxConnections: 1 });
  await admin.query(`create schema ${schema}`);
  await admin.close();
  db = openPostgres({ connectionString: url, schema, maxConnections: 8 });
} else db = await openPglite();
await migrate(db);
const owner = await bootstrap(db, systemClock.now());
const authorization = `Bearer ${owner!.secret}`;
if (eventsPerRequest > 0) {
  const app = await buildApp({ db });
  const rule = await app.inject({
    method: 'POST',
    url: '/v1/rules',
    headers: { authorization },
    payload: {
      name: { 'zh-CN': '消费积分', en: 'Purchase points' },
      trigger: 'order.paid',
      reward: { kind: 'per_amount', points: 1, perAmountMinor: 100 },
      target: { points: 1, growth: 1 },
    },
  });
  await app.inject({
    method: 'POST',
    url: `/v1/rules/${rule.json().id}/publish`,
    headers: { authorization },
  });
  await app.close();
}

const destination = pino.destination({ dest: '/dev/null', sync: false });
await once(destination, 'ready');
let serial = 0;
const request = () => {
  if (eventsPerRequest === 0) return { method: 'GET' as const, url: '/health' };
  const events = Array.from({ length: eventsPerRequest }, () => {
    const n = ++serial;
    return {
      id: `e${n}`,
      type: 'order.paid',
      memberId: `m${n}`,
      attributes: { orderId: `o${n}`, amountMinor: 12_345, currency: 'CNY' },
    };
  });
  return {
    method: 'POST' as const,
    url: '/v1/events/batch',
    headers: { authorization },
    payload: { events },
  };
};

const cpuPerUnit = async (mode: 'off' | 'on'): Promise<number> => {
  const metrics = mode === 'on' ? new JifenMetrics(db, systemClock, { processMetrics: false }) : undefined;
  const app = await buildApp(
    mode === 'on' ? { db, logger: pino({ level: 'info', base: undefined }, destination), metrics } : { db },
  );
  const before = process.cpuUsage();
  for (let i = 0; i < requests; i++) {
    const reply = await app.inject(request());
    if (reply.statusCode !== 200) throw new Error(reply.body);
  }
  const used = process.cpuUsage(before);
  metrics?.close();
  await app.close();
  return (used.user + used.system) / (requests * Math.max(eventsPerRequest, 1));
};
await cpuPerUnit('off');
await cpuPerUnit('on');
const figures = { off: [] as number[], on: [] as number[] };
for (let round = 0; round < rounds; round++) {
  figures.off.push(await cpuPerUnit('off'));
  figures.on.push(await cpuPerUnit('on'));
}
const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;
const f = (n: number) => n.toFixed(1);
const unit = eventsPerRequest > 0 ? `event (batches of ${eventsPerRequest})` : 'request';
console.log(
  `CPU µs per ${unit}, logs+metrics off: ${figures.off.map(f).join(', ')} (median ${f(median(figures.off))})`,
);
console.log(
  `CPU µs per ${unit}, logs+metrics on:  ${figures.on.map(f).join(', ')} (median ${f(median(figures.on))})`,
);
console.log(
  `added by logs and metrics: ${f(median(figures.on) - median(figures.off))} µs per ${unit.split(' ')[0]} (${f((median(figures.on) / median(figures.off) - 1) * 100)}%)`,
);
// What a batch adds besides its one request: the metrics count its answers and entries (one
// activity signal each per transaction). Measured alone, since it is far below the batches' noise.
const size = Math.max(eventsPerRequest, 250);
const answers = Array.from({ length: size }, () => ({ replayed: false, refusedCode: null }));
const entries = Array.from({ length: size }, () => ({
  type: 'earn',
  contraAccount: 'issued',
  contraDelta: -123,
}));
const counting = new JifenMetrics(db, systemClock, { processMetrics: false });
const before = process.cpuUsage();
for (let i = 0; i < 20_000; i++) {
  activity.eventsAnswered.emit(answers);
  activity.ledgerEntriesCommitted.emit(entries);
}
const used = process.cpuUsage(before);
counting.close();
console.log(
  `metrics counting the answers and entries of a ${size}-event batch: ${f((used.user + used.system) / 20_000)} µs per batch`,
);
if (eventsPerRequest > 0) await db.query(`drop schema ${schema} cascade`);
await db.close();
process.exit(0);
